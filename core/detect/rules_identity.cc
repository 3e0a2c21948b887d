// password-reset-new-asn: a directory password reset of an identity (by an
// admin or self-service) followed within reset_signin_window_ms by a
// successful sign-in of that identity from a network (ASN, else IPv4 /24 /
// IPv6 /48) its baseline does not know (issue 13: the account-takeover
// pattern of a helpdesk socially engineered into resetting a password, or a
// reset the attacker did himself, then the attacker's first sign-in).
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "core/base/ip.h"
#include "core/correlate/signin.h"
#include "core/detect/fields.h"
#include "core/detect/novelty.h"
#include "core/detect/rules.h"

namespace tern::detect {
namespace {

// Entra ID audit operations that set a new password for an identity; the
// self-service ones are done by the identity itself.
constexpr std::string_view kAdminResets[] = {"Reset user password.", "Change user password.",
                                             "Reset password (by admin)"};
constexpr std::string_view kSelfResets[] = {"Reset password (self-service)",
                                            "Change password (self-service)"};

template <size_t N>
bool OpAmong(const Event& e, const std::string_view (&ops)[N]) {
  for (std::string_view op : ops) {
    if (OpIs(e, op)) return true;
  }
  return false;
}

class PasswordResetNewAsnRule : public Rule {
 public:
  PasswordResetNewAsnRule(const RuleEnv& env, const RuleInfo& info) : env_(env), info_(info) {}

  void OnEvent(const EventContext& ctx) override {
    const Event& e = ctx.e();
    if (ctx.system) return;
    // Who had a baseline: a new account's first sign-ins after its first
    // password are not a takeover of an account in use.
    if (!ctx.after_baseline && !ctx.actor.empty()) baselined_.insert(Lower(ctx.actor));
    if (OpAmong(e, kAdminResets) || OpAmong(e, kSelfResets)) {
      OnReset(ctx);
    } else if (correlate::IsSignIn(e)) {
      OnSignIn(ctx);
    }
  }

 private:
  struct Reset {
    TimeMs time = 0;
    std::string operation;
    std::string by;  // the actor who reset it
    Remembered event;
  };

  void OnReset(const EventContext& ctx) {
    const Event& e = ctx.e();
    if (!Succeeded(e) || EqualsIgnoreCase(Trim(e.result_status), "failure")) return;
    std::string target = correlate::TargetUpnOf(e, env_.directory->identities());
    if (target.empty() && OpAmong(e, kSelfResets)) target = ctx.actor;
    if (target.empty()) return;
    // The reset's own IP is the admin's (or the helpdesk's), not the
    // attacker's: the finding keeps only its anchor.
    resets_[Lower(target)] = Reset{e.time_ms, e.operation, ctx.actor, Remembered(ctx.anchor())};
  }

  void OnSignIn(const EventContext& ctx) {
    const Event& e = ctx.e();
    if (ctx.actor.empty() || !correlate::ReadSignIn(e).succeeded) return;
    const std::string identity = Lower(ctx.actor);
    auto it = resets_.find(identity);
    if (it == resets_.end()) return;
    const Reset& reset = it->second;
    if (e.time_ms - reset.time > env_.options->reset_signin_window_ms) {
      resets_.erase(it);
      return;
    }
    // Novelty means something only against a whole baseline; private
    // addresses say nothing about the network.
    const correlate::Novelty& n = ctx.novelty;
    if (!ctx.after_baseline || !IsIpLiteral(e.client_ip) || IsPrivateOrLocalIp(e.client_ip)) {
      return;
    }
    const GeoInfo& g = ctx.geo->info;
    // With ASN data: an ASN the identity did not use (network_new holds
    // only when the ASN is new too); without: a new network prefix.
    const bool network_new = n.network_new || (n.asn_new && !n.org_network);
    if (!network_new) return;

    Incident& inc = env_.incidents->Open(info_, Cat(identity, '|', reset.time));
    if (inc.empty()) {
      inc.SetTitle(Cat("Password reset of ", ctx.actor, " followed by a sign-in from a new ",
                       g.asn != 0 ? "ASN" : "network"));
      reset.event.AddTo(inc);
      inc.Set("reset", Cat(reset.operation, " by ", reset.by.empty() ? "unknown" : reset.by, " at ",
                           FormatRfc3339(reset.time)));
      if (g.asn != 0) inc.Set("asn", Cat(g.asn));
      if (!g.as_org.empty()) inc.Set("as_org", g.as_org);
      if (!g.country_iso.empty()) inc.Set("country", g.country_iso);
      std::string sequence =
          Cat("the password was set by ", reset.by.empty() ? "an unknown actor" : reset.by, " (",
              reset.operation, "); ", (e.time_ms - reset.time) / kMinuteMs,
              " minutes later the account signed in from ", e.client_ip, ", a network");
      if (g.asn != 0) sequence = Cat(sequence, " (AS", g.asn, ")");
      sequence.append(" not in its baseline");
      if (n.country_new)
        sequence = Cat(sequence, ", in a country (", g.country_iso, ") not in it either");
      inc.Set("sequence", std::move(sequence));
    }
    inc.Add(ctx);
    inc.Count("sign_ins_from_new_networks");
    NoteNovelty(env_, ctx, inc);
    if (!baselined_.contains(identity)) {
      inc.Raise(Severity::kLow,
                "the identity had no activity in the baseline period (a new account's first "
                "sign-ins)");
    } else if (n.country_new) {
      inc.Raise(Severity::kHigh,
                "sign-in from a network and a country new for the identity right after its "
                "password was reset");
    } else {
      inc.Raise(Severity::kMedium,
                "sign-in from a network new for the identity right after its password was reset");
    }
  }

  RuleEnv env_;
  const RuleInfo& info_;
  absl::flat_hash_map<std::string, Reset> resets_;  // by target identity
  absl::flat_hash_set<std::string> baselined_;      // identities active in the baseline
};

}  // namespace

std::unique_ptr<Rule> NewPasswordResetNewAsnRule(const RuleEnv& env, const RuleInfo& info) {
  return std::make_unique<PasswordResetNewAsnRule>(env, info);
}

}  // namespace tern::detect
