// Mail leaving the organization by configuration: mailbox forwarding [1],
// forwarding inbox rules [2, 3, 9] and transport rules [13, 14, 15]
// (DETECTIONS.md section 1.A/B).
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/detect/fields.h"
#include "core/detect/rules.h"
#include "core/detect/window_queue.h"

namespace tern::detect {
namespace {

// Recipients of one forwarding parameter.
struct Recipients {
  std::vector<std::string> addresses;  // SMTP addresses found
  bool named = false;                  // a non-address value (an Exchange recipient: internal)
  bool cleared = false;                // present but empty / $null
};

Recipients ParseRecipients(std::string_view value) {
  Recipients r;
  std::string_view v = Trim(value);
  if (v.empty() || EqualsIgnoreCase(v, "$null") || EqualsIgnoreCase(v, "null")) {
    r.cleared = true;
    return r;
  }
  r.addresses = Addresses(v);
  r.named = r.addresses.empty();
  return r;
}

std::string DayKey(std::string_view a, TimeMs t) { return Cat(a, '|', DayOf(t)); }

// ------------------------------------------------------------------ [1]
class MailboxForwardingRule : public Rule {
 public:
  MailboxForwardingRule(const RuleEnv& env, const RuleInfo& info) : env_(env), info_(info) {}

  void OnEvent(const EventContext& ctx) override {
    const Event& e = ctx.e();
    // Hawk's search covers these four cmdlets (entry 1).
    if (!OpIn(e, {"Set-Mailbox", "Set-MailUser", "Set-RemoteMailbox", "Enable-RemoteMailbox"}) ||
        !Succeeded(e)) {
      return;
    }
    bool any = false;
    for (std::string_view name : {"ForwardingSmtpAddress", "ForwardingAddress"}) {
      if (!HasParam(e, name)) continue;
      any = true;
      const Recipients r = ParseRecipients(Param(e, name));
      Incident& inc = Open(ctx);
      inc.List("parameters", name);
      if (r.cleared) {
        inc.Raise(Severity::kMedium, "forwarding cleared (possible remediation)");
        inc.Flag("cleared");
        continue;
      }
      bool external = false;
      for (const std::string& a : r.addresses) {
        inc.List("recipients", a);
        if (env_.org->IsExternalAddress(a)) {
          external = true;
          inc.List("external_recipients", a);
          inc.SetTitle(Cat("Mailbox ", ctx.mailbox.upn, " forwards to external ", a));
        }
      }
      if (r.named) inc.List("recipients", Param(e, name));
      if (external) {
        inc.Raise(Severity::kHigh, "forwarding to an external domain");
      } else {
        inc.Raise(Severity::kMedium, "forwarding to an internal recipient");
      }
    }
    if (!any) return;
    Incident& inc = Open(ctx);
    inc.Add(ctx);
    // Forward-only (no local copy) is aggravating (Panther SUSPICIOUS_PATTERNS).
    if (IsFalse(Param(e, "DeliverToMailboxAndForward"))) {
      inc.Flag("forward_only");
      inc.List("reasons", "DeliverToMailboxAndForward False (no copy kept)");
    }
  }

 private:
  Incident& Open(const EventContext& ctx) {
    return env_.incidents->Open(info_, DayKey(ctx.mailbox.key(), ctx.e().time_ms));
  }
  RuleEnv env_;
  const RuleInfo& info_;
};

// ------------------------------------------------------------------ [2, 3, 9]
class InboxRuleForwardRule : public Rule {
 public:
  InboxRuleForwardRule(const RuleEnv& env, const RuleInfo& info) : env_(env), info_(info) {}

  void OnEvent(const EventContext& ctx) override {
    const Event& e = ctx.e();
    if (!Succeeded(e)) return;
    if (OpIn(e, {"New-InboxRule", "Set-InboxRule"})) {
      OnRuleCmdlet(ctx);
    } else if (OpIs(e, "UpdateInboxRules")) {
      OnClientRule(ctx);
    } else if (OpIn(e,
                    {"Set-Mailbox", "Set-MailUser", "Set-RemoteMailbox", "Enable-RemoteMailbox"})) {
      // Mailbox forwarding counts towards "several mailboxes, one destination" [9].
      for (std::string_view name : {"ForwardingSmtpAddress", "ForwardingAddress"}) {
        for (const std::string& a : Addresses(Param(e, name))) TrackDestination(ctx, a);
      }
    }
  }

 private:
  void OnRuleCmdlet(const EventContext& ctx) {
    const Event& e = ctx.e();
    // Entry 2 (Elastic, Panther, Hawk) plus Sigma's extra parameter names.
    std::vector<std::string> addresses;
    bool named = false;
    for (std::string_view name :
         {"ForwardTo", "ForwardAsAttachmentTo", "RedirectTo", "ForwardingAddress",
          "ForwardingSmtpAddress", "RedirectToRecipients"}) {
      if (!HasParam(e, name)) continue;
      const Recipients r = ParseRecipients(Param(e, name));
      if (r.cleared) continue;
      named |= r.named;
      addresses.insert(addresses.end(), r.addresses.begin(), r.addresses.end());
    }
    if (addresses.empty() && !named) return;
    Incident& inc = Report(ctx, addresses, /*recipients_known=*/true);
    if (IsTrue(Param(e, "DeleteMessage")) || IsTrue(Param(e, "StopProcessingRules"))) {
      // Aggravating combination (Panther SUSPICIOUS_PATTERNS, entry 2).
      inc.Flag("deletes_or_stops_processing");
      inc.List("reasons", "forwarding combined with DeleteMessage / StopProcessingRules");
    }
  }

  // UpdateInboxRules (Outlook / MAPI rules) [3].
  void OnClientRule(const EventContext& ctx) {
    const Event& e = ctx.e();
    const std::string_view op = Prop(e, "RuleOperation");
    std::string actions(Prop(e, "RuleActions"));
    if (actions.empty()) {
      for (const NameValue& nv : e.operation_properties) actions += Cat(nv.value, ' ');
    }
    if (!ContainsIgnoreCase(actions, "Forward") && !ContainsIgnoreCase(actions, "Redirect")) {
      return;
    }
    // Recipients from the action JSON, kept when they look like addresses
    // (Splunk's ^[^@]+@[^@]+\.[^@]+$).
    const std::vector<std::string> addresses = Addresses(actions);
    if (EqualsIgnoreCase(op, "RemoveMailboxRule")) {
      Incident& inc = env_.incidents->Open(info_, DayKey(ctx.mailbox.key(), ctx.e().time_ms));
      inc.Add(ctx);
      inc.Raise(Severity::kLow, "forwarding client rule removed");
      inc.List("rule_names", InboxRuleName(e));
      inc.List("operations", "RemoveMailboxRule");
      return;
    }
    Report(ctx, addresses, /*recipients_known=*/!addresses.empty());
  }

  Incident& Report(const EventContext& ctx, const std::vector<std::string>& addresses,
                   bool recipients_known) {
    const Event& e = ctx.e();
    Incident& inc = env_.incidents->Open(info_, DayKey(ctx.mailbox.key(), e.time_ms));
    inc.Add(ctx);
    inc.List("rule_names", InboxRuleName(e));
    inc.List("operations", e.operation);
    bool external = false;
    for (const std::string& a : addresses) {
      inc.List("recipients", a);
      if (env_.org->IsExternalAddress(a)) {
        external = true;
        inc.List("external_recipients", a);
        inc.SetTitle(Cat("Inbox rule on ", ctx.mailbox.upn, " forwards to external ", a));
      }
      TrackDestination(ctx, a);
    }
    if (external) {
      inc.Raise(Severity::kHigh, "forwarding to an external domain");
    } else if (!recipients_known) {
      inc.Raise(Severity::kMedium, "forwarding rule; recipients not recorded");
    } else {
      inc.Raise(Severity::kMedium, "forwarding to an internal recipient");
    }
    return inc;
  }

  // Sentinel "Multiple users email forwarded to same destination" [9]:
  // destination x IP, more than one mailbox within the window. Sentinel
  // counts UserIds; admin cmdlets are attributed to their target mailbox
  // here, so mailboxes are counted.
  void TrackDestination(const EventContext& ctx, const std::string& destination) {
    if (ctx.mailbox.empty()) return;
    const TimeMs t = ctx.e().time_ms;
    const std::string key = Cat(destination, '|', ctx.e().client_ip);
    WindowQueue<Entry>& q = destinations_[key];
    while (!q.empty() && q.front().time < t - env_.options->same_destination_window_ms) {
      q.pop_front();
    }
    q.push_back(Entry{t, ctx.mailbox.key(), ctx.mailbox.upn, Remembered::Of(ctx)});
    std::set<std::string> mailboxes;
    for (const Entry& entry : q) mailboxes.insert(entry.mailbox_key);
    if (mailboxes.size() < 2) return;
    Incident& inc = env_.incidents->Open(info_, Cat("same-destination|", key));
    inc.SetMailbox({});
    inc.SetTitle(Cat(mailboxes.size(), " mailboxes forward to ", destination));
    inc.Set("destination", destination);
    for (const Entry& entry : q) {
      entry.event.AddTo(inc);
      inc.List("mailboxes", entry.mailbox_upn.empty() ? entry.mailbox_key : entry.mailbox_upn);
    }
    inc.Max("mailbox_count", static_cast<int64_t>(mailboxes.size()));
    inc.Raise(Severity::kHigh, "several mailboxes forward to the same destination");
  }

  struct Entry {
    TimeMs time;
    std::string mailbox_key;
    std::string mailbox_upn;
    Remembered event;
  };
  RuleEnv env_;
  const RuleInfo& info_;
  std::map<std::string, WindowQueue<Entry>> destinations_;
};

// ------------------------------------------------------------------ [13, 14, 15]
class TransportRuleRedirectRule : public Rule {
 public:
  TransportRuleRedirectRule(const RuleEnv& env, const RuleInfo& info) : env_(env), info_(info) {}

  void OnEvent(const EventContext& ctx) override {
    const Event& e = ctx.e();
    if (!Succeeded(e)) return;
    if (OpIn(e, {"New-TransportRule", "Set-TransportRule"})) {
      bool any = false;
      bool external = false;
      std::vector<std::string> recipients;
      // Sentinel: BlindCopyTo, RedirectMessageTo; Splunk adds CopyTo [13].
      for (std::string_view name : {"BlindCopyTo", "CopyTo", "RedirectMessageTo"}) {
        const Recipients r = ParseRecipients(Param(e, name));
        if (!HasParam(e, name) || r.cleared) continue;
        any = true;
        for (const std::string& a : r.addresses) {
          recipients.push_back(a);
          external |= env_.org->IsExternalAddress(a);
        }
        if (r.named) recipients.emplace_back(Param(e, name));
      }
      if (!any) return;
      Incident& inc = Open(ctx);
      inc.Add(ctx);
      for (const std::string& r : recipients) inc.List("recipients", r);
      // Elastic requires a recipient outside the user's domain for its alert;
      // internal copies (e.g. to a compliance mailbox) stay medium.
      if (external) {
        inc.Raise(Severity::kHigh, "mail copied or redirected outside the organization");
      } else {
        inc.Raise(Severity::kMedium, "mail copied or redirected to an internal recipient");
      }
    } else if (OpIn(e, {"Remove-TransportRule", "Disable-TransportRule"})) {
      Incident& inc = Open(ctx);
      inc.Add(ctx);
      inc.Raise(Severity::kMedium, "transport rule removed or disabled");
    } else if (OpIn(e, {"New-RemoteDomain", "Set-RemoteDomain"}) &&
               IsTrue(Param(e, "AutoForwardEnabled"))) {
      Incident& inc = env_.incidents->Open(
          info_, Cat("remote-domain|", Lower(RuleName(e)), '|', DayOf(e.time_ms)));
      inc.Add(ctx);
      inc.List("remote_domains", RuleName(e));
      inc.Raise(Severity::kMedium, "auto-forwarding allowed to a remote domain");
    }
  }

 private:
  // Rule name: the Name parameter (New-), else Identity / ObjectId (Set-).
  static std::string RuleName(const Event& e) {
    for (std::string_view name : {"Name", "Identity", "DomainName"}) {
      if (std::string_view v = Param(e, name); !v.empty()) return std::string(v);
    }
    return e.object_id;
  }
  Incident& Open(const EventContext& ctx) {
    const std::string name = RuleName(ctx.e());
    Incident& inc =
        env_.incidents->Open(info_, Cat("rule|", Lower(name), '|', DayOf(ctx.e().time_ms)));
    inc.List("rule_names", name);
    inc.List("operations", ctx.e().operation);
    return inc;
  }
  RuleEnv env_;
  const RuleInfo& info_;
};

}  // namespace

std::unique_ptr<Rule> NewMailboxForwardingRule(const RuleEnv& env, const RuleInfo& info) {
  return std::make_unique<MailboxForwardingRule>(env, info);
}
std::unique_ptr<Rule> NewInboxRuleForwardRule(const RuleEnv& env, const RuleInfo& info) {
  return std::make_unique<InboxRuleForwardRule>(env, info);
}
std::unique_ptr<Rule> NewTransportRuleRedirectRule(const RuleEnv& env, const RuleInfo& info) {
  return std::make_unique<TransportRuleRedirectRule>(env, info);
}

}  // namespace tern::detect
