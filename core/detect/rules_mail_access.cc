// MailItemsAccessed: throttling blind spots [33], bulk Sync, excessive
// access and API readers of many mailboxes [34, 36, 40] (DETECTIONS.md
// section 1.E).
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "core/base/time.h"
#include "core/detect/fields.h"
#include "core/detect/novelty.h"
#include "core/detect/rules.h"
#include "core/detect/window_queue.h"

namespace tern::detect {
namespace {

constexpr std::string_view kGraphAppId = "00000003-0000-0000-c000-000000000000";

bool IsMailItemsAccessed(const Event& e) { return OpIs(e, "MailItemsAccessed"); }

std::string MailboxName(const correlate::MailboxRef& m) { return m.upn.empty() ? m.key() : m.upn; }

class ThrottledRule : public Rule {
 public:
  ThrottledRule(const RuleEnv& env, const RuleInfo& info) : env_(env), info_(info) {}

  void OnEvent(const EventContext& ctx) override {
    const Event& e = ctx.e();
    if (!IsMailItemsAccessed(e) || !IsTrue(Prop(e, "IsThrottled"))) return;
    // Microsoft: throttling stops Bind auditing for 24 hours [33]; one
    // finding per blind window.
    TimeMs& start = windows_[ctx.mailbox.key()];
    if (start == 0 || e.time_ms >= start + kDayMs) start = e.time_ms;
    Incident& inc = env_.incidents->Open(info_, Cat(ctx.mailbox.key(), '|', start));
    inc.Add(ctx);
    inc.SetIfEmpty("blind_from", FormatRfc3339(start));
    inc.SetIfEmpty("blind_until", FormatRfc3339(start + kDayMs));
    inc.SetTitle(Cat("MailItemsAccessed throttled for ", MailboxName(ctx.mailbox)));
    inc.Raise(Severity::kHigh, "MailItemsAccessed throttled: 24 h audit blind spot");
  }

 private:
  RuleEnv env_;
  const RuleInfo& info_;
  absl::flat_hash_map<std::string, TimeMs> windows_;
};

class SyncBulkRule : public Rule {
 public:
  SyncBulkRule(const RuleEnv& env, const RuleInfo& info) : env_(env), info_(info) {}

  void OnEvent(const EventContext& ctx) override {
    const Event& e = ctx.e();
    if (!IsMailItemsAccessed(e) || !Succeeded(e) || ctx.system) return;
    if (EqualsIgnoreCase(Prop(e, "MailAccessType"), "Sync")) Sync(ctx);
    Volume(ctx);
    Api(ctx);
  }

  void OnSessionClosed(const Session& session) override { sessions_.erase(session.id); }

 private:
  // [34, 36] Sync means whole folders were downloaded.
  void Sync(const EventContext& ctx) {
    const Event& e = ctx.e();
    SessionState& s = sessions_[ctx.session];
    // Bounded: only the threshold and a readable list matter.
    const size_t cap = static_cast<size_t>(std::max<int64_t>(env_.options->sync_folders, 0)) + 64;
    for (const std::string& f : e.folders) {
      if (s.folders.size() < cap) s.folders.insert(f);
    }
    for (const MailItem& item : e.items) {
      if (!item.folder.empty() && s.folders.size() < cap) s.folders.insert(item.folder);
    }
    const bool many = static_cast<int64_t>(s.folders.size()) >= env_.options->sync_folders;
    // A phone or a new Outlook profile syncs a folder or two from wherever
    // its owner is: only a network or country new for the identity, or
    // many folders, is worth a look.
    const bool place_new = ctx.novelty.place_new();
    if (!place_new && !many) {
      if (s.pending.size() < static_cast<size_t>(env_.options->sync_folders)) {
        s.pending.push_back(Remembered::Of(ctx));
      }
      return;
    }
    Incident& inc = env_.incidents->Open(
        info_, Cat("sync|", ctx.mailbox.key(), '|', ctx.actor, '|', DayOf(e.time_ms)));
    inc.set_tag("sync");
    inc.SetTitle(Cat("Mail folders synchronized from ", MailboxName(ctx.mailbox)));
    for (const Remembered& r : s.pending) r.AddTo(inc);
    s.pending.clear();
    inc.Add(ctx);
    NoteNovelty(env_, ctx, inc);
    for (const std::string& f : s.folders) inc.List("synced_folders", f);
    inc.Max("synced_folder_count", static_cast<int64_t>(s.folders.size()));
    if (place_new) {
      // One weak signal: a sync from a new place (travel, a new line).
      inc.Raise(Severity::kLow, "Sync from a network or country new for the identity");
      if (NoveltySeverity(ctx.novelty) >= Severity::kMedium) {
        inc.Raise(Severity::kMedium, "Sync from a new place with a new client or device");
      }
    }
    if (many) {
      if (!ctx.owner) {
        inc.Raise(Severity::kHigh, "many folders synchronized by a non-owner");
      } else if (place_new) {
        inc.Raise(Severity::kHigh, "many folders synchronized from a place new for the identity");
      } else {
        inc.Raise(Severity::kLow, "many folders synchronized by the owner from a known network");
      }
    }
  }

  // [34] one large record, or a high record rate per mailbox and actor.
  void Volume(const EventContext& ctx) {
    const Event& e = ctx.e();
    int64_t count = 0;
    if (absl::SimpleAtoi(std::string(Extra(e, "OperationCount")), &count) &&
        count >= env_.options->mia_record_items) {
      Incident& inc = OpenVolume(ctx);
      inc.Add(ctx);
      inc.Max("max_operation_count", count);
      RaiseVolume(ctx, inc, "MailItemsAccessed record with many items");
    }
    const std::string key = Cat(ctx.mailbox.key(), '|', ctx.actor);
    sweep_.Run(rates_, [&](const WindowQueue<TimeMs>& old) {
      return old.empty() || old.back() < e.time_ms - kDayMs;
    });
    WindowQueue<TimeMs>& q = rates_[key];
    while (!q.empty() && q.front() < e.time_ms - kDayMs) q.pop_front();
    q.push_back(e.time_ms);
    // Only the threshold matters: keep at most that many times.
    while (static_cast<int64_t>(q.size()) > env_.options->mia_daily_records) q.pop_front();
    if (static_cast<int64_t>(q.size()) >= env_.options->mia_daily_records) {
      Incident& inc = OpenVolume(ctx);
      inc.Add(ctx);
      inc.Max("records_in_24h", static_cast<int64_t>(q.size()));
      RaiseVolume(ctx, inc, "MailItemsAccessed records approaching the throttling limit");
    }
  }

  Incident& OpenVolume(const EventContext& ctx) {
    Incident& inc = env_.incidents->Open(
        info_, Cat("volume|", ctx.mailbox.key(), '|', ctx.actor, '|', DayOf(ctx.e().time_ms)));
    inc.SetTitle(Cat("Excessive mail access in ", MailboxName(ctx.mailbox)));
    return inc;
  }

  static void RaiseVolume(const EventContext& ctx, Incident& inc, std::string_view reason) {
    inc.Raise(Severity::kMedium, reason);
    if (!ctx.owner) inc.Raise(Severity::kHigh, "excessive mail access by a non-owner");
    if (ctx.novelty.place_new()) {
      inc.Raise(Severity::kHigh, "excessive mail access from a network new for the identity");
    }
  }

  // [40] Splunk: Graph or EWS reads with AppId and ClientAppId, one app
  // reading more than N mailboxes (Splunk buckets 10 minutes; a sliding
  // window of the same length here).
  void Api(const EventContext& ctx) {
    const Event& e = ctx.e();
    if (e.app_id.empty() || e.client_app_id.empty() || ctx.mailbox.empty()) return;
    if (!EqualsIgnoreCase(e.app_id, kGraphAppId) &&
        !StartsWithIgnoreCase(e.client_info, "Client=WebServices;ExchangeWebServices")) {
      return;
    }
    const std::string app = Cat(Lower(e.client_app_id), '|', e.client_info);
    SlidingKeys<Remembered>& readers = apps_[app];
    const TimeMs t = e.time_ms;
    readers.Expire(t - env_.options->api_window_ms, [](const Remembered&) {});
    auto [first, inserted] = readers.Touch(ctx.mailbox.key(), t, Remembered::Of(ctx));
    if (static_cast<int64_t>(readers.size()) <= env_.options->api_mailboxes) return;
    Incident& inc = env_.incidents->Open(info_, Cat("api|", app, '|', DayOf(t)));
    if (inc.empty()) {
      inc.SetMailbox({});
      readers.ForEach([&](const std::string& mailbox, const Remembered& r) {
        r.AddTo(inc);
        inc.List("mailboxes", mailbox);
      });
    } else if (inserted) {
      first->AddTo(inc);
      inc.List("mailboxes", ctx.mailbox.key());
    }
    inc.SetTitle(Cat("Application ", e.client_app_id, " read many mailboxes"));
    inc.Set("client_app_id", Lower(e.client_app_id));
    inc.Max("mailboxes_in_window", static_cast<int64_t>(readers.size()));
    inc.Raise(Severity::kHigh, "one application read many mailboxes");
  }

  struct SessionState {
    std::set<std::string> folders;
    std::vector<Remembered> pending;  // Sync events before the threshold
  };
  RuleEnv env_;
  const RuleInfo& info_;
  absl::flat_hash_map<std::string, SessionState> sessions_;
  absl::flat_hash_map<std::string, WindowQueue<TimeMs>> rates_;
  absl::flat_hash_map<std::string, SlidingKeys<Remembered>> apps_;
  StaleSweep sweep_;
};

}  // namespace

std::unique_ptr<Rule> NewThrottledRule(const RuleEnv& env, const RuleInfo& info) {
  return std::make_unique<ThrottledRule>(env, info);
}
std::unique_ptr<Rule> NewSyncBulkRule(const RuleEnv& env, const RuleInfo& info) {
  return std::make_unique<SyncBulkRule>(env, info);
}
void EscalateSyncBulk(Incident& inc, const AttackerContext& context) {
  if (inc.tag() != "sync" || !AttackerContext::Touches(context.behaviour, inc.ips())) return;
  inc.Flag("attacker_context");
  inc.Raise(Severity::kCritical, "Sync from an IP with other high findings (attacker context)");
}

}  // namespace tern::detect
