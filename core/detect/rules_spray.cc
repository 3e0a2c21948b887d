// Password spray from one source [74b] (DETECTIONS.md section 1.I): failed
// sign-ins for many identities from one client IP within a short window,
// "many" scaled to the tenant, raised when the source then signs one of
// them in. A source is an address, or a group of addresses: an IPv6 /64 or
// an ASN (with geo data; never the organization's own), reported when
// several of its addresses together reach the threshold and none of them
// did alone (an attacker rotating addresses inside one network).
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "core/correlate/baseline.h"
#include "core/detect/fields.h"
#include "core/detect/rules.h"
#include "core/detect/window_queue.h"

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
      Failed(sources_[e.client_ip], ctx);
      for (const std::string& group : GroupsOf(ctx)) Failed(groups_[group], ctx);
    } else if (OpIs(e, "UserLoggedIn") && Succeeded(e)) {
      SignedIn(sources_, e.client_ip, ctx);
      for (const std::string& group : GroupsOf(ctx)) SignedIn(groups_, group, ctx);
    }
  }

  void Finish() override {
    const size_t needed = Threshold(identities_.size());
    std::set<std::string> reported_ips;
    for (const auto& [ip, source] : sources_) {
      for (const Burst& burst : source.bursts) {
        if (burst.most_identities < needed) continue;
        Report(ip, burst, needed);
        reported_ips.insert(ip);
      }
    }
    for (const auto& [group, source] : groups_) {
      for (const Burst& burst : source.bursts) {
        if (burst.most_identities < needed || burst.ips.size() < 2) continue;
        if (std::any_of(burst.ips.begin(), burst.ips.end(),
                        [&](const std::string& ip) { return reported_ips.contains(ip); })) {
          continue;  // the address's own finding tells it
        }
        Report(Cat(group, " (", burst.ips.size(), " addresses)"), burst, needed);
      }
    }
  }

 private:
  struct Failure {
    TimeMs time;
    std::string identity;
    std::string ip;
    Remembered event;
  };
  struct Burst {
    TimeMs start = 0;
    size_t most_identities = 0;  // distinct identities within one window
    std::set<std::string> identities;
    std::vector<Remembered> failures;
    std::map<std::string, Remembered> successes;  // identity -> first sign-in
    std::set<std::string> ips;                    // the addresses of its failures
  };
  struct Source {
    WindowQueue<Failure> window;
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

  // The groups an address belongs to besides itself: its IPv6 /64, and its
  // ASN when geo data names one that is not the organization's.
  std::vector<std::string> GroupsOf(const EventContext& ctx) const {
    std::vector<std::string> out;
    const std::string& ip = ctx.e().client_ip;
    if (ip.find(':') != std::string::npos) {
      if (std::string net = correlate::NetworkOf(ip, 64); !net.empty()) out.push_back(net);
    }
    const uint32_t asn = ctx.geo == nullptr ? 0 : ctx.geo->info.asn;
    if (asn != 0 && !env_.infrastructure->IsOrgAsn(asn)) out.push_back(Cat("AS", asn));
    return out;
  }

  void Report(const std::string& source, const Burst& burst, size_t needed) {
    Incident& inc = env_.incidents->Open(info_, Cat(source, '|', burst.start));
    for (const Remembered& r : burst.failures) r.AddTo(inc);
    for (const std::string& identity : burst.identities) inc.List("identities", identity);
    inc.Max("identities_in_window", static_cast<int64_t>(burst.most_identities));
    inc.Set("threshold",
            Cat(needed, " distinct identities in ", env_.options->spray_window_ms / 60000,
                " minutes (", identities_.size(), " identities in the case)"));
    inc.SetTitle(Cat("Password spray from ", source, ": ", burst.identities.size(), " identities"));
    inc.Raise(Severity::kMedium, "failed sign-ins for many identities from one source");
    for (const auto& [identity, success] : burst.successes) {
      success.AddTo(inc);
      inc.List("signed_in", identity);
      inc.Raise(Severity::kHigh, "the same source then signed one of them in");
    }
  }

  void Failed(Source& s, const EventContext& ctx) {
    const Event& e = ctx.e();
    const TimeMs oldest = e.time_ms - env_.options->spray_window_ms;
    while (!s.window.empty() && s.window.front().time < oldest) {
      auto it = s.in_window.find(s.window.front().identity);
      if (--it->second == 0) s.in_window.erase(it);
      s.window.pop_front();
    }
    s.window.push_back({e.time_ms, ctx.actor, e.client_ip, Remembered::Of(ctx)});
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
        b.ips.insert(f.ip);
      }
    } else {
      Burst& b = s.bursts.back();
      b.failures.push_back(s.window.back().event);
      b.identities.insert(ctx.actor);
      b.ips.insert(e.client_ip);
    }
    Burst& b = s.bursts.back();
    b.most_identities = std::max(b.most_identities, s.in_window.size());
  }

  void SignedIn(std::map<std::string, Source>& sources, const std::string& key,
                const EventContext& ctx) {
    auto it = sources.find(key);
    if (it == sources.end()) return;
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
  std::map<std::string, Source> groups_;         // IPv6 /64 or "AS<n>" -> failures
};

}  // namespace

std::unique_ptr<Rule> NewPasswordSprayRule(const RuleEnv& env, const RuleInfo& info) {
  return std::make_unique<PasswordSprayRule>(env, info);
}

}  // namespace tern::detect
