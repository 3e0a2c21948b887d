// Deletion as anti-forensics: bulk deletion in a sliding window [43],
// deleted security notifications [44], and sent mail deleted right after
// sending [11] (DETECTIONS.md section 1.F and 1.A).
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "core/correlate/sessionizer.h"
#include "core/detect/fields.h"
#include "core/detect/rules.h"
#include "core/detect/window_queue.h"

namespace tern::detect {
namespace {

bool IsDeletion(const Event& e) {
  return OpIn(e, {"SoftDelete", "HardDelete", "MoveToDeletedItems"});
}

// "Count AffectedItems, not just records, when available" (entry 43).
int64_t ItemCount(const Event& e) {
  if (!e.items.empty()) return static_cast<int64_t>(e.items.size());
  int64_t n = 0;
  if (absl::SimpleAtoi(std::string(Extra(e, "OperationCount")), &n) && n > 0) return n;
  return 1;
}

// Elastic's MFA / security-notification subjects, minus sign-in notices (entry 44).
bool IsSecurityNotice(std::string_view subject) {
  for (std::string_view no : {"sign-in", "sign in", "log-in", "log in", "logon"}) {
    if (ContainsIgnoreCase(subject, no)) return false;
  }
  for (std::string_view yes :
       {"new mfa", "new multi", "new factor", "new method", "new device", "new security", "2fa",
        "2-step", "authenticator", "verification code", "security info", "security alert"}) {
    if (ContainsIgnoreCase(subject, yes)) return true;
  }
  for (std::string_view what : {"mfa", "factor", "method", "device", "security"}) {
    for (std::string_view verb : {"enroll", "register", "added", "change", "verify", "update",
                                  "activate", "configure", "setup"}) {
      if (ContainsIgnoreCase(subject, Cat(what, ' ', verb))) return true;
    }
  }
  return false;
}

class MassDeletionRule : public Rule {
 public:
  MassDeletionRule(const RuleEnv& env, const RuleInfo& info) : env_(env), info_(info) {}

  void OnEvent(const EventContext& ctx) override {
    const Event& e = ctx.e();
    // Retention (MRM) and other service deletions are not user activity.
    if (!IsDeletion(e) || !Succeeded(e) || ctx.system || ctx.mailbox.empty()) return;
    for (const MailItem& item : e.items) {
      if (IsSecurityNotice(item.subject)) {
        Incident& inc =
            env_.incidents->Open(info_, Cat("notice|", ctx.mailbox.key(), '|', DayOf(e.time_ms)));
        inc.Add(ctx);
        inc.List("subjects", item.subject);
        inc.Raise(Severity::kMedium, "MFA / security notification deleted");
      }
    }
    Window(ctx);
  }

 private:
  struct Entry {
    TimeMs time;
    int64_t items;
    bool hard;
    bool added = false;
    Remembered event;
  };
  struct State {
    WindowQueue<Entry> q;
    int64_t items = 0;
    int64_t hard = 0;
    std::string incident;  // key of the running incident, "" when none
    TimeMs last_trigger = 0;
  };

  // Sliding window per mailbox (issue 4: 100 items in 60 minutes).
  void Window(const EventContext& ctx) {
    const Event& e = ctx.e();
    const TimeMs t = e.time_ms;
    const int64_t w = env_.options->mass_delete_window_ms;
    // A mailbox whose entries and last burst are all older than the window
    // starts afresh at its next deletion (a new incident key too).
    sweep_.Run(states_, [&](const State& old) {
      return (old.q.empty() || old.q.back().time < t - w) && old.last_trigger < t - w;
    });
    State& s = states_[ctx.mailbox.key()];
    while (!s.q.empty() && s.q.front().time < t - w) {
      s.items -= s.q.front().items;
      if (s.q.front().hard) s.hard -= s.q.front().items;
      s.q.pop_front();
    }
    const bool hard = OpIs(e, "HardDelete");
    const int64_t n = ItemCount(e);
    s.q.push_back(Entry{t, n, hard, false, Remembered::Of(ctx)});
    s.items += n;
    if (hard) s.hard += n;
    if (s.items < env_.options->mass_delete_items) return;
    // A burst continues the running incident while the window stays full.
    if (s.incident.empty() || s.last_trigger < t - w) {
      s.incident = Cat(ctx.mailbox.key(), '|', s.q.front().time);
    }
    s.last_trigger = t;
    Incident& inc = env_.incidents->Open(info_, s.incident);
    if (inc.empty()) {
      inc.SetMailbox(ctx.mailbox);
      inc.SetActor(ctx.actor);
      inc.SetTitle(
          Cat("Mass deletion in ", ctx.mailbox.upn.empty() ? ctx.mailbox.key() : ctx.mailbox.upn));
    }
    for (Entry& entry : s.q) {
      if (entry.added) continue;
      entry.added = true;
      entry.event.AddTo(inc);
      inc.Count("items", entry.items);
      if (entry.hard) inc.Count("hard_deleted_items", entry.items);
    }
    inc.List("actors", ctx.actor);
    inc.Max("max_items_in_window", s.items);
    inc.Raise(Severity::kHigh, "deletions above the threshold within the window");
    if (s.hard >= env_.options->mass_delete_items) {
      inc.Raise(Severity::kCritical, "permanent (hard) deletions above the threshold");
    }
  }

  RuleEnv env_;
  const RuleInfo& info_;
  absl::flat_hash_map<std::string, State> states_;
  StaleSweep sweep_;
};

class SentThenDeletedRule : public Rule {
 public:
  SentThenDeletedRule(const RuleEnv& env, const RuleInfo& info) : env_(env), info_(info) {}

  void OnEvent(const EventContext& ctx) override {
    const Event& e = ctx.e();
    if (!Succeeded(e) || ctx.mailbox.empty()) return;
    const TimeMs t = e.time_ms;
    const bool send = OpIn(e, {"Send", "SendAs", "SendOnBehalf"});
    const bool del = IsDeletion(e);
    if (!send && !del) return;
    const int64_t w = env_.options->sent_delete_window_ms;
    sweep_.Run(sent_, [&](const WindowQueue<Sent>& old) {
      return old.empty() || old.back().time < t - w;
    });
    WindowQueue<Sent>& q = sent_[ctx.mailbox.key()];
    while (!q.empty() && q.front().time < t - w) q.pop_front();
    if (send) {
      for (const MailItem& item : e.items) {
        q.push_back(Sent{t, Lower(Trim(item.message_id)), item.subject,
                         correlate::RecordSessionId(e), Remembered::Of(ctx)});
      }
      return;
    }
    const std::string& record_session = correlate::RecordSessionId(e);
    for (const MailItem& item : e.items) {
      const std::string folder =
          item.folder.empty() && !e.folders.empty() ? e.folders.front() : item.folder;
      const std::string mid = Lower(Trim(item.message_id));
      for (const Sent& s : q) {
        // Same context: same record session, or same client IP (entry 11).
        const bool same_context =
            (!s.record_session.empty() && s.record_session == record_session) ||
            s.event.HasIp(e.client_ip);
        if (!same_context) continue;
        const bool by_id = !mid.empty() && mid == s.message_id;
        const bool by_subject = !item.subject.empty() && item.subject == s.subject &&
                                (folder.empty() || IsSentFolder(folder));
        if (!by_id && !by_subject) continue;
        Incident& inc =
            env_.incidents->Open(info_, Cat(ctx.mailbox.key(), '|', ctx.actor, '|', DayOf(s.time)));
        if (inc.empty()) inc.SetMailbox(ctx.mailbox);
        s.event.AddTo(inc);
        inc.Add(ctx);
        inc.List("subjects", s.subject);
        inc.List("message_ids", s.message_id);
        inc.Max("max_seconds_to_delete", (t - s.time) / 1000);
        inc.Raise(Severity::kHigh, "sent message deleted shortly after sending");
      }
    }
  }

 private:
  struct Sent {
    TimeMs time;
    std::string message_id;
    std::string subject;
    std::string record_session;
    Remembered event;
  };
  RuleEnv env_;
  const RuleInfo& info_;
  absl::flat_hash_map<std::string, WindowQueue<Sent>> sent_;
  StaleSweep sweep_;
};

}  // namespace

std::unique_ptr<Rule> NewMassDeletionRule(const RuleEnv& env, const RuleInfo& info) {
  return std::make_unique<MassDeletionRule>(env, info);
}
std::unique_ptr<Rule> NewSentThenDeletedRule(const RuleEnv& env, const RuleInfo& info) {
  return std::make_unique<SentThenDeletedRule>(env, info);
}

}  // namespace tern::detect
