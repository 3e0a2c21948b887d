// inbox-rule-suspicious: rules that hide or divert mail [4], keyed on BEC or
// security keywords [5], with obfuscated names [6], starting applications
// [8], and the rule + send + archive sequence of payroll diversion [10]
// (DETECTIONS.md section 1.A).
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "core/detect/fields.h"
#include "core/detect/rules.h"
#include "core/detect/window_queue.h"

namespace tern::detect {
namespace {

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Entry 6: Elastic's "only special characters", MAS's "a single
// non-alphanumeric character" and "5 or fewer alphanumerics".
bool IsObfuscatedName(std::string_view name) {
  if (name.empty()) return false;
  static constexpr std::string_view kSpecials = "!@#$%^&*()_+={[}]|\\:;\"'<,>.?/~` -";
  bool only_specials = true;
  bool only_alnum = true;
  for (char c : name) {
    if (kSpecials.find(c) == std::string_view::npos) only_specials = false;
    if (!IsAlnum(c)) only_alnum = false;
  }
  if (only_specials) return true;
  if (name.size() == 1 && !IsAlnum(name[0]) && name[0] != ' ' && name[0] != ':') return true;
  return only_alnum && name.size() <= 5;
}

// What one rule definition does, from cmdlet parameters or client-rule text.
struct RuleTraits {
  std::string name;
  bool deletes = false;
  bool marks_read = false;
  std::string hiding_folder;  // MoveToFolder target from Appendix B
  std::string keyword;        // Appendix A keyword in the conditions
  bool catch_all = false;     // Elastic: BodyContainsWords "\u0000" / tiny size minimum
  bool forwards = false;
  bool starts_application = false;  // [8]

  bool hides() const { return deletes || marks_read || !hiding_folder.empty(); }
};

RuleTraits FromCmdlet(const Event& e) {
  RuleTraits t;
  t.name = InboxRuleName(e);
  t.deletes = IsTrue(Param(e, "DeleteMessage")) || IsTrue(Param(e, "SoftDeleteMessage"));
  t.marks_read = IsTrue(Param(e, "MarkAsRead"));
  if (std::string_view folder = Param(e, "MoveToFolder"); IsHidingFolder(folder)) {
    t.hiding_folder = std::string(FolderLeaf(folder));
  }
  for (std::string_view name :
       {"SubjectContainsWords", "BodyContainsWords", "SubjectOrBodyContainsWords"}) {
    if (t.keyword.empty()) t.keyword = MatchKeyword(Param(e, name));
  }
  const std::string_view body = Param(e, "BodyContainsWords");
  if (body.find('\0') != std::string_view::npos || body.find("\\u0000") != std::string_view::npos) {
    t.catch_all = true;
  }
  if (std::string_view min = Param(e, "WithinSizeRangeMinimum"); !min.empty()) {
    int64_t v = 0;
    const std::string text(Trim(min));
    if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos &&
        text.size() < 12) {
      v = std::stoll(text);
      t.catch_all |= v <= 1023;
    }
  }
  for (std::string_view name : {"ForwardTo", "ForwardAsAttachmentTo", "RedirectTo"}) {
    if (!Trim(Param(e, name)).empty()) t.forwards = true;
  }
  return t;
}

// UpdateInboxRules: actions and conditions arrive as text (RuleActions JSON,
// RuleCondition), so the traits are found by name.
RuleTraits FromClientRule(const Event& e) {
  RuleTraits t;
  t.name = InboxRuleName(e);
  std::string actions(Prop(e, "RuleActions"));
  if (actions.empty()) {
    for (const NameValue& nv : e.operation_properties) {
      if (!EqualsIgnoreCase(nv.name, "RuleCondition")) actions += Cat(nv.value, ' ');
    }
  }
  t.deletes = ContainsIgnoreCase(actions, "Delete");
  t.marks_read = ContainsIgnoreCase(actions, "MarkAsRead");
  for (std::string_view folder : {"RSS Feeds", "RSS Subscriptions", "Junk Email", "Junk E-Mail",
                                  "Conversation History", "Archive", "Deleted Items", "Notes"}) {
    if (ContainsIgnoreCase(actions, folder)) {
      t.hiding_folder = std::string(folder);
      break;
    }
  }
  t.keyword = MatchKeyword(Prop(e, "RuleCondition"));
  t.forwards = ContainsIgnoreCase(actions, "Forward") || ContainsIgnoreCase(actions, "Redirect");
  // Microsoft's rules-and-forms script flags ID_ACTION_CUSTOM and commands
  // pointing at executables (entry 8).
  t.starts_application = ContainsIgnoreCase(actions, "ID_ACTION_CUSTOM") ||
                         ContainsIgnoreCase(actions, "StartApplication") ||
                         ContainsIgnoreCase(actions, "\"Custom\"") ||
                         ContainsIgnoreCase(actions, ".exe");
  return t;
}

class InboxRuleSuspiciousRule : public Rule {
 public:
  InboxRuleSuspiciousRule(const RuleEnv& env, const RuleInfo& info) : env_(env), info_(info) {}

  void OnEvent(const EventContext& ctx) override {
    const Event& e = ctx.e();
    if (!Succeeded(e)) return;
    if (OpIn(e, {"New-InboxRule", "Set-InboxRule"})) {
      Judge(ctx, FromCmdlet(e), /*client_rule=*/false);
    } else if (OpIs(e, "UpdateInboxRules") &&
               !EqualsIgnoreCase(Prop(e, "RuleOperation"), "RemoveMailboxRule")) {
      Judge(ctx, FromClientRule(e), /*client_rule=*/true);
    }
    TrackSequence(ctx);
  }

 private:
  void Judge(const EventContext& ctx, const RuleTraits& t, bool client_rule) {
    const bool obfuscated = !client_rule && IsObfuscatedName(t.name);
    const bool keyed = !t.keyword.empty() || t.catch_all;
    if (!t.hides() && !obfuscated && !t.starts_application) return;
    Incident& inc =
        env_.incidents->Open(info_, Cat(ctx.mailbox.key(), '|', DayOf(ctx.e().time_ms)));
    inc.Add(ctx);
    inc.List("rule_names", t.name);
    inc.List("operations", ctx.e().operation);
    if (t.deletes) inc.List("actions", "delete");
    if (t.marks_read) inc.List("actions", "mark-as-read");
    if (!t.hiding_folder.empty()) inc.List("actions", Cat("move-to:", t.hiding_folder));
    if (t.forwards) inc.List("actions", "forward");
    if (!t.keyword.empty()) inc.List("keywords", t.keyword);
    if (t.hides()) {
      inc.Raise(Severity::kMedium, "rule deletes, marks read or moves mail out of sight");
      if (keyed) inc.Raise(Severity::kHigh, "hiding rule keyed on BEC / security keywords");
      if (t.forwards) inc.Raise(Severity::kHigh, "hiding rule that also forwards");
    }
    if (obfuscated) {
      inc.Flag("obfuscated_name");
      inc.Raise(Severity::kMedium, "obfuscated or very short rule name");
      if (t.hides() || t.forwards || keyed) {
        inc.Raise(Severity::kHigh, "obfuscated rule name with a hiding or forwarding action");
      }
    }
    if (t.starts_application) {
      inc.Raise(Severity::kCritical, "client rule starts an application (rules injection)");
    }
  }

  // [10] per actor: New-InboxRule (t0), Send (|ts - t0| <= W), then Move
  // from Sent to Archive of the same subject with ts <= tm <= ts + W.
  void TrackSequence(const EventContext& ctx) {
    const Event& e = ctx.e();
    const int64_t w = env_.options->rule_send_move_window_ms;
    const TimeMs t = e.time_ms;
    const bool is_rule = OpIs(e, "New-InboxRule");
    const bool is_send = OpIs(e, "Send");
    const bool is_move = OpIs(e, "Move") && IsArchiveMove(e);
    // Steps older than 2 w are pruned before they are read.
    sweep_.Run(sequences_, [&](const Seq& q) {
      for (const WindowQueue<Step>* steps : {&q.rules, &q.sends, &q.moves}) {
        if (!steps->empty() && steps->back().time >= t - 2 * w) return false;
      }
      return true;
    });
    if (!is_rule && !is_send && !is_move) return;
    if (!Succeeded(e) || ctx.actor.empty()) return;
    Seq& s = sequences_[ctx.actor];
    auto prune = [&](WindowQueue<Step>& q) {
      while (!q.empty() && q.front().time < t - 2 * w) q.pop_front();
    };
    prune(s.rules);
    prune(s.sends);
    prune(s.moves);
    if (is_rule) s.rules.push_back({t, "", Remembered::Of(ctx)});
    if (is_send) {
      for (const MailItem& item : e.items)
        s.sends.push_back({t, item.subject, Remembered::Of(ctx)});
    }
    if (is_move) {
      for (const MailItem& item : e.items)
        s.moves.push_back({t, item.subject, Remembered::Of(ctx)});
    }
    for (const Step& send : s.sends) {
      if (send.subject.empty()) continue;
      for (const Step& move : s.moves) {
        if (move.subject != send.subject || move.time < send.time || move.time > send.time + w) {
          continue;
        }
        for (const Step& rule : s.rules) {
          if (rule.time < send.time - w || rule.time > send.time + w) continue;
          Incident& inc =
              env_.incidents->Open(info_, Cat("sequence|", ctx.actor, '|', DayOf(rule.time)));
          if (inc.empty()) {
            inc.SetMailbox(ctx.mailbox);
            inc.SetActor(ctx.actor);
          }
          rule.event.AddTo(inc);
          send.event.AddTo(inc);
          move.event.AddTo(inc);
          inc.List("subjects", send.subject);
          inc.Raise(Severity::kHigh, "new inbox rule, send and move from Sent to Archive");
        }
      }
    }
  }

  static bool IsArchiveMove(const Event& e) {
    std::string source = e.folders.empty() ? "" : e.folders.front();
    if (source.empty() && !e.items.empty()) source = e.items.front().folder;
    // The parser appends DestFolder's path after Folder's in `folders`.
    std::string dest(Extra(e, "DestFolder"));
    if (dest.empty() && e.folders.size() >= 2) dest = e.folders.back();
    return ContainsIgnoreCase(source, "Sent") && ContainsIgnoreCase(dest, "Archive");
  }

  struct Step {
    TimeMs time;
    std::string subject;
    Remembered event;
  };
  struct Seq {
    WindowQueue<Step> rules, sends, moves;
  };
  RuleEnv env_;
  const RuleInfo& info_;
  absl::flat_hash_map<std::string, Seq> sequences_;
  StaleSweep sweep_;
};

}  // namespace

std::unique_ptr<Rule> NewInboxRuleSuspiciousRule(const RuleEnv& env, const RuleInfo& info) {
  return std::make_unique<InboxRuleSuspiciousRule>(env, info);
}

}  // namespace tern::detect
