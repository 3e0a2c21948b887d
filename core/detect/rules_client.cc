// suspicious-client: scripted and offensive user agents [59, 60], Exchange
// PowerShell logins [58], OWA through a proxy [62], third-party sync clients
// and blacklisted apps [41, 63], and protocols or apps new for a user
// [41, 65] (DETECTIONS.md section 1.I).
#include <string>

#include "absl/container/flat_hash_set.h"
#include "core/base/bounded_memo.h"
#include "core/base/codec.h"
#include "core/detect/fields.h"
#include "core/detect/novelty.h"
#include "core/detect/rules.h"

namespace tern::detect {
namespace {

// MAS UserAgent-Blacklist "Red" [60] (BAV2ROPC is the legacy-auth ROPC
// agent of [59]).
constexpr std::string_view kRedAgents[] = {"AADInternals", "azurehound", "axios/",
                                           "agentaxios",   "BAV2ROPC",   "fasthttp"};
// MAS "Yellow" [60] plus curl (issue 4).
constexpr std::string_view kYellowAgents[] = {
    "AzurePowershell/", "PostmanRuntime/", "PowerShell/5.1", "PowerShell/7",
    "python-requests",  "python/",         "curl/"};
// MAS Application-Blacklist "Red" ClientAppIds [41, 63].
constexpr std::string_view kBadApps[] = {
    "e9a7fea1-1cc0-4cd9-a31b-9137ca5deedd",  // eM Client
    "ff8d92dc-3d82-41d6-bcbd-b9174d163620",  // PERFECTDATA SOFTWARE
    "4761b959-9780-4c2d-87a3-512b4638f767",  // rclone
    "caffae8c-0882-4c81-9a27-d1803af53a40",  // SigParser
    "946c777c-bc85-489e-b034-392389ae23d6",  // Spike
    "a245e8c0-b53c-4b67-9b45-751d1dff8e6b",  // Newsletter Software Supermailer
    "a43e5392-f48b-46a4-a0f1-098b5eeb4757",  // CloudSponge
    "77468577-4f6e-40e7-b745-11d3d0c28095",  // Fastmail
    "179d5108-412b-4c95-8e34-06786784ab39",  // PostBox
};
// First-party apps (section 0.6) plus Outlook mobile and desktop and Teams,
// which read mail every day; anything else reading mail is "unusual" [41].
constexpr std::string_view kFirstPartyApps[] = {
    "00000003-0000-0000-c000-000000000000", "00000002-0000-0ff1-ce00-000000000000",
    "a0c73c16-a7e3-4564-9a95-2bdf47383716", "fb78d390-0c51-40cd-8e17-fdbfab77341b",
    "1b730954-1685-4b74-9bfd-dac224a7b894", "1950a258-227b-4e31-a9cf-717495945fc2",
    "04b07795-8ddb-461a-bbee-02f9e1bf7b46", "29d9ed98-a469-4536-ade2-f981bc1d605e",
    "4765445b-32c6-49b0-83e6-1d93765276ca", "d3590ed6-52b3-4102-aeff-aad2292ab01c",
    "a3883eba-fbe9-48bd-9ed3-dca3e0e84250", "13937bba-652e-4c46-b222-3003f4d1ff97",
    "9ba1a5c7-f17a-4de9-a1f1-6178c8d51223", "27922004-5251-4030-b22d-91ecd9a37ea4",
    "5d661950-3475-41cd-a2c3-d671a3162bc1", "1fec8e78-bce4-4aaf-ab1b-5451cc387264",
    "5e3ce6c0-2b1f-4285-8d4b-75ee78787346"};
// Exchange / Azure AD PowerShell application ids [58].
constexpr std::string_view kPowerShellApps[] = {"a0c73c16-a7e3-4564-9a95-2bdf47383716",
                                                "1b730954-1685-4b74-9bfd-dac224a7b894",
                                                "fb78d390-0c51-40cd-8e17-fdbfab77341b"};

template <size_t N>
std::string_view FindIn(std::string_view text, const std::string_view (&list)[N]) {
  for (std::string_view item : list) {
    if (ContainsIgnoreCase(text, item)) return item;
  }
  return {};
}

template <size_t N>
bool IsOneOf(std::string_view id, const std::string_view (&list)[N]) {
  for (std::string_view item : list) {
    if (EqualsIgnoreCase(Trim(id), item)) return true;
  }
  return false;
}

// The mail protocol of a mailbox record from its ClientInfoString [65];
// "" for Outlook desktop, OWA and unknown clients.
std::string_view Protocol(std::string_view info) {
  if (ContainsIgnoreCase(info, "POP3")) return "POP3";
  if (ContainsIgnoreCase(info, "IMAP4")) return "IMAP4";
  if (StartsWithIgnoreCase(info, "Client=WebServices")) return "EWS";
  if (StartsWithIgnoreCase(info, "Client=ActiveSync") ||
      StartsWithIgnoreCase(info, "Client=AirSync")) {
    return "ActiveSync";
  }
  if (StartsWithIgnoreCase(info, "Client=REST")) return "REST";
  return {};
}

// What an event's client strings (ClientInfoString and user agent) say, by
// the lists above.
struct ClientTraits {
  std::string_view red;     // the kRedAgents entry they name; "" none
  std::string_view yellow;  // the kYellowAgents entry; "" none
  bool em_client = false;   // ClientInfoString of eM Client over EWS
  bool powershell = false;  // ClientInfoString of a PowerShell session
  bool winrm = false;

  static ClientTraits Of(std::string_view client_info, std::string_view user_agent) {
    const std::string agent = Cat(client_info, ' ', user_agent);
    ClientTraits t;
    t.red = FindIn(agent, kRedAgents);
    t.yellow = FindIn(agent, kYellowAgents);
    t.em_client = ContainsIgnoreCase(client_info, "Client=WebServices;eM Client");
    t.powershell = ContainsIgnoreCase(client_info, "Powershell");
    t.winrm = ContainsIgnoreCase(agent, "WinRM");
    return t;
  }
};

class SuspiciousClientRule : public Rule {
 public:
  SuspiciousClientRule(const RuleEnv& env, const RuleInfo& info) : env_(env), info_(info) {}

  void OnEvent(const EventContext& ctx) override {
    const Event& e = ctx.e();
    if (ctx.system || ctx.actor.empty()) return;
    const ClientTraits& client = TraitsOf(e.client_info, Extra(e, "UserAgent"));
    if (!client.red.empty()) {
      Report(ctx, Severity::kHigh, Cat("offensive or legacy-auth client: ", client.red));
    } else if (!client.yellow.empty()) {
      // A script the identity already ran in the baseline is its routine; a
      // new one is medium, and from a new place too, high (two anomalies).
      Severity s = ctx.novelty.family_new ? Severity::kMedium : Severity::kLow;
      if (ctx.novelty.family_new && ctx.novelty.place_new()) s = Severity::kHigh;
      Report(ctx, s, Cat("scripting client: ", client.yellow));
    }
    if (client.em_client || IsOneOf(e.client_app_id, kBadApps) || IsOneOf(e.app_id, kBadApps)) {
      Report(ctx, Severity::kHigh, "third-party mail sync client or blacklisted app");
    }
    // "Client=OWA;Action=ViaProxy" is what ordinary OWA use writes (issue 11):
    // not a signal on its own; a stolen session shows as a new place and
    // client in first-seen-ip and session-ip-change instead.
    const bool powershell_login =
        (OpIs(e, "MailboxLogin") && client.powershell) ||
        (e.record_type == kRecordAadStsLogon &&
         (IsOneOf(e.app_id, kPowerShellApps) ||
          IsOneOf(Extra(e, "ApplicationId"), kPowerShellApps) || client.winrm));
    if (powershell_login) {
      // UserType 0 = Regular: a non-admin has no business in PowerShell [58].
      Report(ctx, e.user_type == 0 ? Severity::kHigh : Severity::kMedium,
             e.user_type == 0 ? "PowerShell mailbox login by a regular user"
                              : "PowerShell mailbox login");
    }
    if (e.record_type == kRecordExchangeAdmin || e.record_type == kRecordAadStsLogon) return;
    // [65] (user, protocol) first used after the baseline.
    if (std::string_view proto = Protocol(e.client_info); !proto.empty()) {
      if (seen_.insert(Cat(ctx.actor, "|proto|", proto)).second && ctx.after_baseline) {
        Report(ctx, ctx.novelty.place_new() ? Severity::kMedium : Severity::kLow,
               Cat("protocol first used by the user: ", proto));
      }
    }
    // [41] a non-first-party app reading mail, new for the user.
    if (OpIs(e, "MailItemsAccessed") && !e.client_app_id.empty() &&
        !IsOneOf(e.client_app_id, kFirstPartyApps) &&
        (e.logon_type == kLogonOwner || e.logon_type == kLogonAdmin ||
         e.logon_type == kLogonDelegatedAdmin || e.logon_type == kLogonUnknown)) {
      if (seen_.insert(Cat(ctx.actor, "|app|", Lower(e.client_app_id))).second &&
          ctx.after_baseline) {
        Report(ctx, ctx.novelty.place_new() ? Severity::kMedium : Severity::kLow,
               Cat("unusual application reading mail: ", e.client_app_id));
      }
    }
  }

 private:
  void Report(const EventContext& ctx, Severity s, const std::string& reason) {
    const Event& e = ctx.e();
    Incident& inc =
        env_.incidents->Open(info_, Cat(ctx.mailbox.key(), '|', ctx.actor, '|', DayOf(e.time_ms)));
    if (inc.empty()) inc.SetTitle(Cat("Suspicious client used by ", ctx.actor));
    inc.Add(ctx);
    inc.List("client_strings", Trim(Cat(e.client_info, ' ', Extra(e, "UserAgent"))));
    inc.List("client_app_ids", e.client_app_id);
    NoteNovelty(env_, ctx, inc);
    inc.Raise(s, reason);
  }

  // ClientTraits::Of, remembered: a tenant has a few thousand distinct
  // client strings, and each answer is a dozen case-insensitive searches
  // (docs/BENCHMARKS.md "Change 27").
  const ClientTraits& TraitsOf(std::string_view client_info, std::string_view user_agent) {
    traits_key_.clear();
    PutLengthPrefixed(client_info, &traits_key_);
    traits_key_.append(user_agent);
    return traits_.Get(traits_key_, [&] { return ClientTraits::Of(client_info, user_agent); });
  }

  RuleEnv env_;
  const RuleInfo& info_;
  absl::flat_hash_set<std::string> seen_;  // actor|proto|X and actor|app|Y
  BoundedMemo<ClientTraits> traits_{4096};
  std::string traits_key_;
};

}  // namespace

std::unique_ptr<Rule> NewSuspiciousClientRule(const RuleEnv& env, const RuleInfo& info) {
  return std::make_unique<SuspiciousClientRule>(env, info);
}

}  // namespace tern::detect
