// Password spray from one source [74b] (DETECTIONS.md section 1.I): failed
// sign-ins for many identities from one client IP within a short window,
// "many" scaled to the tenant, raised when the source then signs one of
// them in.
#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "core/detect/fields.h"
#include "core/detect/rules.h"

namespace tern::detect {
namespace {

class PasswordSprayRule : public Rule {
 public:
  PasswordSprayRule(const RuleEnv& env, const RuleInfo& info) : env_(env), info_(info) {}

  void OnEvent(const EventContext& ctx) override {
    const Event& e = ctx.e();
    if (ctx.system || ctx.actor.empty()) return;
    identities_.insert(ctx.actor);
    if (e.client_ip.empty()) return;
    if (OpIs(e, "UserLoginFailed")) {
      Failed(ctx);
    } else if (OpIs(e, "UserLoggedIn") && Succeeded(e)) {
      SignedIn(ctx);
    }
  }

  void Finish() override {
    const size_t needed = Threshold(identities_.size());
    for (const auto& [ip, source] : sources_) {
      for (const Burst& burst : source.bursts) {
        if (burst.most_identities < needed) continue;
        Incident& inc = env_.incidents->Open(info_, Cat(ip, '|', burst.start));
        for (const Remembered& r : burst.failures) r.AddTo(inc);
        for (const std::string& identity : burst.identities) inc.List("identities", identity);
        inc.Max("identities_in_window", static_cast<int64_t>(burst.most_identities));
        inc.Set("threshold",
                Cat(needed, " distinct identities in ", env_.options->spray_window_ms / 60000,
                    " minutes (", identities_.size(), " identities in the case)"));
        inc.SetTitle(Cat("Password spray from ", ip, ": ", burst.identities.size(), " identities"));
        inc.Raise(Severity::kMedium, "failed sign-ins for many identities from one source");
        for (const auto& [identity, success] : burst.successes) {
          success.AddTo(inc);
          inc.List("signed_in", identity);
          inc.Raise(Severity::kHigh, "the same source then signed one of them in");
        }
      }
    }
  }

 private:
  struct Failure {
    TimeMs time;
    std::string identity;
    Remembered event;
  };
  struct Burst {
    TimeMs start = 0;
    size_t most_identities = 0;  // distinct identities within one window
    std::set<std::string> identities;
    std::vector<Remembered> failures;
    std::map<std::string, Remembered> successes;  // identity -> first sign-in
  };
  struct Source {
    std::deque<Failure> window;
    std::map<std::string, int> in_window;  // identity -> failures in the window
    bool open = false;                     // the last burst is still going on
    std::vector<Burst> bursts;
  };

  // At least spray_min_identities, and at least spray_identities or
  // spray_tenant_percent of the identities seen, whichever is smaller: a
  // 10-seat tenant never reaches Splunk's 10 accounts.
  size_t Threshold(size_t identities) const {
    const AnalyzeOptions& o = *env_.options;
    const int64_t share = (static_cast<int64_t>(identities) * o.spray_tenant_percent + 99) / 100;
    return static_cast<size_t>(
        std::max<int64_t>({o.spray_min_identities, std::min(o.spray_identities, share), 1}));
  }

  void Failed(const EventContext& ctx) {
    const Event& e = ctx.e();
    Source& s = sources_[e.client_ip];
    const TimeMs oldest = e.time_ms - env_.options->spray_window_ms;
    while (!s.window.empty() && s.window.front().time < oldest) {
      auto it = s.in_window.find(s.window.front().identity);
      if (--it->second == 0) s.in_window.erase(it);
      s.window.pop_front();
    }
    s.window.push_back({e.time_ms, ctx.actor, Remembered::Of(ctx)});
    ++s.in_window[ctx.actor];
    if (static_cast<int64_t>(s.in_window.size()) < env_.options->spray_min_identities) {
      s.open = false;
      return;
    }
    if (!s.open) {
      // A burst starts: its anchors are the failures of the window so far.
      s.open = true;
      Burst& b = s.bursts.emplace_back();
      b.start = s.window.front().time;
      for (const Failure& f : s.window) {
        b.failures.push_back(f.event);
        b.identities.insert(f.identity);
      }
    } else {
      Burst& b = s.bursts.back();
      b.failures.push_back(s.window.back().event);
      b.identities.insert(ctx.actor);
    }
    Burst& b = s.bursts.back();
    b.most_identities = std::max(b.most_identities, s.in_window.size());
  }

  void SignedIn(const EventContext& ctx) {
    auto it = sources_.find(ctx.e().client_ip);
    if (it == sources_.end()) return;
    for (Burst& b : it->second.bursts) {
      if (ctx.e().time_ms >= b.start && b.identities.contains(ctx.actor)) {
        b.successes.try_emplace(ctx.actor, Remembered::Of(ctx));
      }
    }
  }

  RuleEnv env_;
  const RuleInfo& info_;
  absl::flat_hash_set<std::string> identities_;  // seen in the case
  std::map<std::string, Source> sources_;        // client IP -> failures
};

}  // namespace

std::unique_ptr<Rule> NewPasswordSprayRule(const RuleEnv& env, const RuleInfo& info) {
  return std::make_unique<PasswordSprayRule>(env, info);
}

}  // namespace tern::detect
