// Non-owner access: delegates and admins acting in other mailboxes [38, 39]
// and sending as or on behalf of them [45, 47] (DETECTIONS.md section 1.E/F).
#include <set>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "core/detect/fields.h"
#include "core/detect/rules.h"

namespace tern::detect {
namespace {

// [38] LogonType Admin / Delegate / DelegatedAdmin acting on someone else's
// mailbox, or [39] MailItemsAccessed by a user other than the owner.
bool IsNonOwnerAccess(const EventContext& ctx) {
  const Event& e = ctx.e();
  if (ctx.system || ctx.mailbox.empty() || ctx.actor.empty()) return false;
  if (e.record_type == kRecordExchangeAdmin || e.record_type == kRecordAadStsLogon) return false;
  if (!ctx.mailbox.upn.empty() && ctx.actor == ctx.mailbox.upn) return false;
  if (e.logon_type == kLogonAdmin || e.logon_type == kLogonDelegate ||
      e.logon_type == kLogonDelegatedAdmin) {
    return true;
  }
  return OpIs(e, "MailItemsAccessed") && !ctx.owner;
}

class DelegateAccessRule : public Rule {
 public:
  DelegateAccessRule(const RuleEnv& env, const RuleInfo& info) : env_(env), info_(info) {}

  void OnEvent(const EventContext& ctx) override {
    if (!IsNonOwnerAccess(ctx)) return;
    const Event& e = ctx.e();
    const std::string pair = Cat(ctx.actor, '|', ctx.mailbox.key());
    Incident& inc = env_.incidents->Open(info_, pair);
    inc.Add(ctx);
    inc.List("operations", e.operation);
    inc.List("logon_types", e.logon_type == kLogonAdmin            ? "Admin"
                            : e.logon_type == kLogonDelegate       ? "Delegate"
                            : e.logon_type == kLogonDelegatedAdmin ? "DelegatedAdmin"
                                                                   : "Other");
    for (const std::string& f : e.folders) inc.List("folders", f);
    for (const MailItem& item : e.items) inc.List("folders", item.folder);
    if (inc.tag().empty()) {
      inc.SetTitle(Cat(ctx.actor, " accessed the mailbox of ",
                       ctx.mailbox.upn.empty() ? ctx.mailbox.key() : ctx.mailbox.upn));
      if (!ctx.pair_new) {
        inc.set_tag("long-standing");
        inc.Raise(Severity::kInfo, "long-standing delegate (active during the baseline)");
      } else {
        inc.set_tag("new");
        inc.Raise(Severity::kMedium, "delegate first seen after the baseline");
      }
    }
    if (inc.tag() != "new") return;
    if (env_.facts->HasGrant(ctx.actor, ctx.mailbox.key())) {
      inc.Raise(Severity::kHigh, "access after a permission grant in this case");
    }
    // [39] new (actor, mailbox) pairs reading mail: distinct mailboxes and
    // folders per actor; "user_count > 1 or folder_count > 5".
    if (OpIs(e, "MailItemsAccessed")) {
      Reader& r = readers_[ctx.actor];
      r.mailboxes.insert(ctx.mailbox.key());
      for (const std::string& f : e.folders) {
        if (r.folders.size() <= 5) r.folders.insert(Cat(ctx.mailbox.key(), '|', f));
      }
      if (r.mailboxes.size() > 1 || r.folders.size() > 5) {
        for (const std::string& mailbox : r.mailboxes) {
          Incident* other = env_.incidents->Find(info_.id, Cat(ctx.actor, '|', mailbox));
          if (other == nullptr) continue;
          other->Max("new_mailboxes_read", static_cast<int64_t>(r.mailboxes.size()));
          other->Raise(Severity::kHigh, r.mailboxes.size() > 1
                                            ? "actor newly reads several mailboxes"
                                            : "actor newly reads more than 5 folders");
        }
      }
    }
  }

 private:
  struct Reader {
    std::set<std::string> mailboxes;
    std::set<std::string> folders;  // capped at 6: only "> 5" matters
  };
  RuleEnv env_;
  const RuleInfo& info_;
  absl::flat_hash_map<std::string, Reader> readers_;
};

class SendAsRule : public Rule {
 public:
  SendAsRule(const RuleEnv& env, const RuleInfo& info) : env_(env), info_(info) {}

  void OnEvent(const EventContext& ctx) override {
    const Event& e = ctx.e();
    if (!OpIn(e, {"SendAs", "SendOnBehalf"}) || !Succeeded(e) || ctx.system ||
        ctx.mailbox.empty()) {
      return;
    }
    const int64_t day = DayOf(e.time_ms);
    int64_t& per_day = daily_[Cat(ctx.mailbox.key(), '|', day)];
    if (OpIs(e, "SendAs")) ++per_day;
    // A long-standing delegate's routine sends are one finding for the case;
    // a new sender's are grouped per day.
    Incident& inc = env_.incidents->Open(
        info_, ctx.pair_new ? Cat(ctx.mailbox.key(), '|', ctx.actor, '|', day)
                            : Cat(ctx.mailbox.key(), '|', ctx.actor, "|long-standing"));
    inc.Add(ctx);
    inc.Count(OpIs(e, "SendAs") ? "send_as" : "send_on_behalf");
    inc.List("sent_as", Extra(e, "SendAsUserSmtp"));
    inc.List("sent_on_behalf_of", Extra(e, "SendOnBehalfOfUserSmtp"));
    for (const MailItem& item : e.items) inc.List("subjects", item.subject);
    inc.Raise(Severity::kLow, "mail sent as / on behalf of another mailbox");
    const bool burst = per_day >= env_.options->send_as_daily;
    if (burst) inc.Raise(Severity::kMedium, "SendAs burst for the mailbox this day");
    if (ctx.pair_new)
      inc.Raise(Severity::kMedium, "sender first seen on the mailbox after the baseline");
    if (burst && ctx.pair_new) inc.Raise(Severity::kHigh, "SendAs burst by a new sender");
    if (env_.facts->HasGrant(ctx.actor, ctx.mailbox.key())) {
      inc.Raise(Severity::kHigh, "sent after a permission grant in this case");
    }
  }

 private:
  RuleEnv env_;
  const RuleInfo& info_;
  absl::flat_hash_map<std::string, int64_t> daily_;  // mailbox|day -> SendAs count
};

}  // namespace

std::unique_ptr<Rule> NewDelegateAccessRule(const RuleEnv& env, const RuleInfo& info) {
  return std::make_unique<DelegateAccessRule>(env, info);
}
std::unique_ptr<Rule> NewSendAsRule(const RuleEnv& env, const RuleInfo& info) {
  return std::make_unique<SendAsRule>(env, info);
}
void EscalateSendAs(Incident& inc, const AttackerContext& context) {
  if (!AttackerContext::Touches(context.behaviour, inc.ips())) return;
  inc.Flag("attacker_context");
  inc.Raise(Severity::kHigh, "sent from an IP with other high findings (attacker context)");
}

}  // namespace tern::detect
