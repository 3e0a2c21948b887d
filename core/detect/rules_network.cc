// Network and session correlation: one IP on many mailboxes [40 + section 2],
// session ids roaming between IPs and parallel sessions [69, 70], new IPs for
// a mailbox [66], and impossible travel / new countries [67, 68]
// (DETECTIONS.md sections 1.I, 1.J and 2).
#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_map.h"
#include "core/base/ip.h"
#include "core/base/string_pool.h"
#include "core/correlate/roaming_census.h"
#include "core/correlate/sessionizer.h"
#include "core/detect/fields.h"
#include "core/detect/novelty.h"
#include "core/detect/packed_text.h"
#include "core/detect/rules.h"

namespace tern::detect {
namespace {

bool IsPublicIp(std::string_view ip) {
  return !ip.empty() && IsIpLiteral(ip) && !IsPrivateOrLocalIp(ip);
}

std::string MailboxName(const correlate::MailboxRef& m) { return m.upn.empty() ? m.key() : m.upn; }

// ------------------------------------------------------------------ IP pivot
class IpMultipleMailboxesRule : public Rule {
 public:
  IpMultipleMailboxesRule(const RuleEnv& env, const RuleInfo& info) : env_(env), info_(info) {}

  void OnEvent(const EventContext& ctx) override {
    const Event& e = ctx.e();
    // Admin cmdlets are not mailbox access: an admin working from home on
    // several mailboxes is ordinary (their targets are still on the pivots).
    // The organization's own networks (office NAT, VPN egress) carry many
    // mailboxes every day by nature.
    if (ctx.system || ctx.mailbox.empty() || e.record_type == kRecordExchangeAdmin ||
        !IsPublicIp(e.client_ip) || ctx.novelty.org_network) {
      return;
    }
    // An address that never carries a second mailbox in the whole case
    // cannot reach the threshold (the first pass's census).
    if (env_.shared_ips != nullptr && env_.options->ip_mailboxes >= 2 &&
        !env_.shared_ips->MayBeShared(e.client_ip)) {
      return;
    }
    const TimeMs t = e.time_ms;
    const int64_t w = env_.options->ip_mailboxes_window_ms;
    // An IP whose mailboxes have all left the window counts nothing.
    sweep_.Run(ips_, [&](const State& old) { return old.touches.AllBefore(t - w); });
    State& s = ips_[e.client_ip];
    s.touches.Expire(t - w, [&](const Touch& gone) { s.Count(gone, -1); });
    // Each mailbox knows the IP as new (first seen after the baseline, in a
    // place new for the identity),
    // or known (a network the identity used in the baseline or the
    // organization's: a home line's new lease, a shared egress).
    const bool place_new = ctx.novelty.place_new();
    Touch touch{ctx.ip_new && place_new, !place_new, MailboxName(ctx.mailbox), Remembered::Of(ctx)};
    auto [current, inserted] = s.touches.Touch(ctx.mailbox.key(), t, touch);
    if (!inserted) {
      s.Count(*current, -1);
      current->recurring = touch.recurring;
    }
    s.Count(*current, +1);
    const int64_t size = static_cast<int64_t>(s.touches.size());
    if (size < env_.options->ip_mailboxes) return;

    const int64_t unknown = size - s.fresh - s.recurring;
    Severity severity;
    std::string_view reason;
    if (s.recurring >= size) {
      return;  // every mailbox knows the place
    } else if (s.fresh >= env_.options->ip_mailboxes) {
      severity = Severity::kHigh;
      reason = "IP new for several mailboxes";
    } else if (s.recurring >= env_.options->ip_mailboxes) {
      return;  // a shared egress the mailboxes have used for a while
    } else if (s.fresh > 0) {
      severity = Severity::kMedium;
      reason = "IP new for some of the mailboxes";
    } else if (unknown > 0) {
      severity = Severity::kLow;
      reason = "IP shared by several mailboxes inside the baseline (novelty unknown)";
    } else {
      return;
    }
    Incident& inc = env_.incidents->Open(info_, Cat(e.client_ip, '|', DayOf(t)));
    if (inc.empty()) {
      // Once per incident: the first event of every mailbox in the window.
      inc.SetMailbox({});
      s.touches.ForEach([&](const std::string&, const Touch& x) {
        x.first.AddTo(inc);
        inc.List("mailboxes", x.name);
      });
    } else if (inserted) {
      current->first.AddTo(inc);
      inc.List("mailboxes", current->name);
    }
    inc.SetTitle(Cat("IP ", e.client_ip, " used on several mailboxes"));
    inc.List("actors", ctx.actor);
    inc.Max("mailboxes_in_window", size);
    inc.Max("mailboxes_new_to_ip", s.fresh);
    NoteNovelty(env_, ctx, inc);
    inc.Raise(severity, reason);
  }

 private:
  struct Touch {
    bool ip_new;
    bool recurring;
    std::string name;
    Remembered first;
  };
  struct State {
    SlidingKeys<Touch> touches;
    int64_t fresh = 0;
    int64_t recurring = 0;
    void Count(const Touch& t, int delta) {
      if (t.ip_new) fresh += delta;
      if (t.recurring) recurring += delta;
    }
  };
  RuleEnv env_;
  const RuleInfo& info_;
  absl::flat_hash_map<std::string, State> ips_;
  StaleSweep sweep_;
};

// ------------------------------------------------------------------ [69, 70]
bool SameAddressFamily(std::string_view a, std::string_view b) {
  return (a.find(':') == std::string_view::npos) == (b.find(':') == std::string_view::npos);
}

class SessionIpChangeRule : public Rule {
 public:
  SessionIpChangeRule(const RuleEnv& env, const RuleInfo& info) : env_(env), info_(info) {}

  void OnEvent(const EventContext& ctx) override {
    const Event& e = ctx.e();
    if (ctx.system || e.client_ip.empty()) return;
    const std::string& sid = correlate::RecordSessionId(e);
    if (sid.empty()) return;
    Roaming(ctx, sid);
    if (ctx.owner && !ctx.mailbox.empty()) Concurrent(ctx, sid);
    if (++events_ % 65536 == 0) Sweep(e.time_ms);
  }

 private:
  // A record session id of a mailbox's owner within the session gap (Concurrent).
  struct Seen {
    std::string ip;
    bool ip_new = false;  // its place was new for the identity
    TimeMs last = 0;
    Remembered first;
    bool strong = false;  // from a new place with a new client
  };

  // [69] one SessionId, several IPs or client families. Roaming between IPs
  // the mailbox already used (a laptop going from office to home keeps its
  // SessionId) is not reported; an IP that is new for the mailbox, or that
  // only appeared during this session, or another country / network is.
  void Roaming(const EventContext& ctx, const std::string& sid) {
    const Event& e = ctx.e();
    // Ids the first pass saw from one IP and one client family cannot move:
    // no state for them (correlate/roaming_census.h).
    if (env_.roaming != nullptr && !env_.roaming->MayMove(sid)) return;
    const std::string family = correlate::ClientFamilyText(e.client_info);
    const uint32_t family_id = families_.Intern(family);
    auto [it, inserted] = sessions_.try_emplace(PackedText(sid));
    Roamed& first = it->second;
    first.last = e.time_ms;
    if (inserted) {
      first.SetIp(e.client_ip);
      first.family = family_id;
      first.country = countries_.Intern(ctx.geo->info.country_iso);
      first.asn = ctx.geo->info.asn;
      // Packed from the event's own fields: ctx.anchor() would first copy
      // the record id into a string, once per new record session id.
      first.record_id = PackedText(e.record_id);
      first.evidence = e.provenance.evidence;
      first.line = e.provenance.line;
      first.time = e.time_ms;
      first.SetSession(ctx.session);
      first.ip_first_seen = ctx.ip_first_seen;
      return;
    }
    const bool new_ip = first.AddIp(e.client_ip);
    const bool new_family = !family.empty() && first.AddFamily(family_id);
    if (!new_ip && !new_family) return;
    const std::string_view first_family = families_.View(first.family);
    const std::string_view first_country = countries_.View(first.country);

    Severity severity = Severity::kInfo;
    std::string_view reason;
    if (new_ip) {
      const GeoInfo& g = ctx.geo->info;
      const bool cross_country =
          !g.country_iso.empty() && !first_country.empty() && g.country_iso != first_country;
      const bool cross_asn = g.asn != 0 && first.asn != 0 && g.asn != first.asn;
      const TimeMs session_start = first.time;
      // A session moving is one signal; it earns high only together with a
      // second one: the place it moved to is new for the identity.
      const bool place_new = ctx.novelty.place_new();
      if ((cross_country || cross_asn) && place_new) {
        severity = Severity::kHigh;
        reason = cross_country ? "session used from another country, new for the identity"
                               : "session used from another network (ASN), new for the identity";
      } else if (cross_country || cross_asn) {
        severity = Severity::kLow;
        reason = "session used from another country or ASN the identity already uses";
      } else if (place_new) {
        severity = Severity::kHigh;
        reason = "session moved to a network new for the identity";
      } else if (ctx.ip_new) {
        severity = Severity::kLow;
        reason = "session used from an IP new for the mailbox inside a known network";
      } else if (ctx.ip_first_seen != kNoTime && ctx.ip_first_seen >= session_start &&
                 first.ip_first_seen < session_start &&
                 SameAddressFamily(e.client_ip, first.Ip())) {
        // The session began at a place the mailbox knew and moved to one it
        // had never seen (at the start of a case every IP is new, which says
        // nothing). Dual-stack clients switch between IPv4 and IPv6 (section
        // 2 refinement), so only a same-family IP counts here.
        severity = Severity::kLow;
        reason = "session used from an IP that appeared during the session";
      }
    }
    if (severity == Severity::kInfo && new_family && !first_family.empty()) {
      severity = Severity::kLow;
      reason = "client changed within one session";
    }
    if (severity == Severity::kInfo) return;
    Incident& inc = env_.incidents->Open(info_, Cat("roaming|", sid));
    if (inc.empty()) {
      inc.SetTitle(Cat("Session ", sid, " used from several IPs or clients"));
      inc.AddAnchor(first.anchor(), first.Ip(), first.session());
    }
    inc.Add(ctx);
    inc.Set("record_session_id", sid);
    NoteNovelty(env_, ctx, inc);
    inc.List("client_families", first_family);
    inc.List("client_families", family);
    inc.Raise(severity, reason);
  }

  // [70] two SessionIds of the owner active at once (interleaved) from
  // different IPs; a session that ended before the other began is not.
  void Concurrent(const EventContext& ctx, const std::string& sid) {
    const Event& e = ctx.e();
    const TimeMs t = e.time_ms;
    std::map<std::string, Seen>& open = mailboxes_[ctx.mailbox.key()];
    for (auto it = open.begin(); it != open.end();) {
      it = it->second.last < t - env_.options->session_gap_ms ? open.erase(it) : std::next(it);
    }
    // A phone and a laptop in parallel from known networks are ordinary;
    // only a side from a place new for the identity is a signal.
    const bool place_new = ctx.novelty.place_new();
    auto [it, inserted] =
        open.try_emplace(sid, Seen{e.client_ip, place_new, t, Remembered::Of(ctx)});
    it->second.last = t;
    // A new place with a new client too (not a traveller's own phone and
    // laptop) makes the parallel session a second signal.
    if (NoveltySeverity(ctx.novelty) >= Severity::kMedium) it->second.strong = true;
    const TimeMs started = it->second.first.time_ms();
    for (const auto& [other_sid, other] : open) {
      if (other_sid == sid || other.ip == e.client_ip || other.last < started) continue;
      if (!other.ip_new && !place_new) continue;
      Incident& inc =
          env_.incidents->Open(info_, Cat("concurrent|", ctx.mailbox.key(), '|', DayOf(t)));
      if (inc.empty()) {
        inc.SetTitle(Cat("Parallel sessions on ", MailboxName(ctx.mailbox), " from different IPs"));
      }
      other.first.AddTo(inc);
      it->second.first.AddTo(inc);
      inc.Add(ctx);
      inc.List("record_session_ids", other_sid);
      inc.List("record_session_ids", sid);
      inc.set_tag("concurrent");
      NoteNovelty(env_, ctx, inc);
      inc.Raise(Severity::kLow, "parallel session from a place new for the identity");
      if (other.strong || it->second.strong) {
        inc.Raise(Severity::kMedium, "parallel session from a new place with a new client");
      }
    }
  }

  // What Roaming keeps of a record session id while it is alive (a week of
  // idleness): a busy tenant has hundreds of thousands of them, so only
  // what the checks read, packed (128 bytes where the strings took ~430):
  // the id and the first event's record id as 16-byte GUIDs, its IP as 16
  // bytes (an IPv6 string took 80), the tern session as its 48-bit value,
  // family and country as pool ids, and further IPs and families (most ids
  // are seen from one place) apart.
  struct Roamed {
    struct More {
      std::vector<std::string> ips;    // at most 7
      std::vector<uint32_t> families;  // at most 7
      std::string session;             // when not "S-" + 12 hex digits
      std::optional<std::string> ip;   // the first IP when not canonical
    };
    static constexpr uint64_t kSessionText = ~uint64_t{0};

    PackedIp ip{};         // of the first event, when canonical (PackCanonicalIp)
    PackedText record_id;  // of the first event
    TimeMs time = 0;       // of the first event
    uint64_t line = 0;     // of the first event
    uint32_t evidence = 0;
    uint32_t asn = 0;
    uint32_t family = 0;   // families_ id ("" when unknown)
    uint32_t country = 0;  // countries_ id
    TimeMs last = 0;
    TimeMs ip_first_seen = kNoTime;  // when the first IP was first seen for the mailbox
    uint64_t session_value = 0;      // its tern session's 48 bits, or kSessionText
    std::unique_ptr<More> more;

    EvidenceAnchor anchor() const { return EvidenceAnchor{record_id.str(), evidence, line, time}; }
    void SetSession(const std::string& id) {
      const std::optional<uint64_t> value = correlate::SessionIdValue(id);
      session_value = value.value_or(kSessionText);
      if (!value) Extra().session = id;
    }
    std::string session() const {
      if (session_value == kSessionText) return more->session;
      return correlate::SessionIdText(session_value);
    }
    More& Extra() {
      if (more == nullptr) more = std::make_unique<More>();
      return *more;
    }
    void SetIp(const std::string& text) {
      if (const std::optional<PackedIp> packed = PackCanonicalIp(text)) {
        ip = *packed;
      } else {
        Extra().ip = text;
      }
    }
    std::string Ip() const {
      return more != nullptr && more->ip.has_value() ? *more->ip : PackedIpText(ip);
    }
    bool IsFirstIp(const std::string& text) const {
      if (more != nullptr && more->ip.has_value()) return text == *more->ip;
      const std::optional<PackedIp> packed = PackCanonicalIp(text);
      return packed.has_value() && *packed == ip;
    }
    // Add a further value unless known or 8 are kept; true when added.
    bool AddIp(const std::string& value) {
      if (IsFirstIp(value)) return false;
      if (more != nullptr && (more->ips.size() >= 7 || std::find(more->ips.begin(), more->ips.end(),
                                                                 value) != more->ips.end())) {
        return false;
      }
      Extra().ips.push_back(value);
      return true;
    }
    bool AddFamily(uint32_t value) {
      if (value == family) return false;
      if (more != nullptr &&
          (more->families.size() >= 7 || std::find(more->families.begin(), more->families.end(),
                                                   value) != more->families.end())) {
        return false;
      }
      Extra().families.push_back(value);
      return true;
    }
  };

  // Session ids idle for a week are dropped (token lifetimes are shorter).
  // So are mailboxes whose record sessions are all past the session gap:
  // Concurrent would drop each of them at the mailbox's next event anyway,
  // and most mailboxes are idle most of the time.
  void Sweep(TimeMs now) {
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      if (it->second.last < now - 7 * kDayMs) {
        sessions_.erase(it++);
      } else {
        ++it;
      }
    }
    const TimeMs gap_start = now - env_.options->session_gap_ms;
    absl::erase_if(mailboxes_, [&](const auto& mailbox) {
      return std::all_of(mailbox.second.begin(), mailbox.second.end(),
                         [&](const auto& seen) { return seen.second.last < gap_start; });
    });
  }

  RuleEnv env_;
  const RuleInfo& info_;
  uint64_t events_ = 0;
  absl::node_hash_map<PackedText, Roamed> sessions_;
  StringPool families_;
  StringPool countries_;
  absl::flat_hash_map<std::string, std::map<std::string, Seen>> mailboxes_;
};

// ------------------------------------------------------------------ [66]
class FirstSeenIpRule : public Rule {
 public:
  FirstSeenIpRule(const RuleEnv& env, const RuleInfo& info) : env_(env), info_(info) {}

  void OnEvent(const EventContext& ctx) override {
    const Event& e = ctx.e();
    if (ctx.mailbox.empty() || !IsPublicIp(e.client_ip)) return;
    // The session that brought the IP to the mailbox, after the baseline.
    if (!ctx.owner || ctx.system || !ctx.session_first_seen_ip ||
        ctx.session_start < env_.baseline_end) {
      return;
    }
    // A new IP inside a network, ASN or country the identity already uses
    // (a phone's daily IPv6, a home router's new lease) or inside the
    // organization's infrastructure is ordinary.
    const correlate::Novelty& n = ctx.novelty;
    if (!n.place_new()) return;
    const GeoInfo& g = ctx.geo->info;
    Incident& inc =
        env_.incidents->Open(info_, Cat(ctx.mailbox.key(), '|', ctx.actor, '|', DayOf(e.time_ms)));
    if (inc.empty()) {
      inc.SetTitle(Cat("New network ", n.network, " for ", MailboxName(ctx.mailbox)));
      if (!g.country_iso.empty()) inc.Set("country", g.country_iso);
      if (g.asn != 0) inc.Set("asn", Cat(g.asn));
      if (!g.as_org.empty()) inc.Set("as_org", g.as_org);
    }
    inc.Add(ctx);
    inc.List("networks", n.network);
    NoteNovelty(env_, ctx, inc);
    const Severity s = NoveltySeverity(n);
    inc.Raise(Severity::kLow, "network or country never used by the identity before");
    if (s >= Severity::kMedium) {
      inc.Raise(s, s == Severity::kHigh ? "new network, new country and new client together"
                                        : "new place reached with a new client");
    }
  }

 private:
  RuleEnv env_;
  const RuleInfo& info_;
};

// ------------------------------------------------------------------ [67, 68]
class ImpossibleTravelRule : public Rule {
 public:
  ImpossibleTravelRule(const RuleEnv& env, const RuleInfo& info) : env_(env), info_(info) {}

  void OnEvent(const EventContext& ctx) override {
    const Event& e = ctx.e();
    // Unknown locations never trigger (issue 4).
    if (ctx.system || ctx.actor.empty() || !ctx.geo->has_location) return;
    const GeoInfo& g = ctx.geo->info;
    Place& last = places_[ctx.actor];
    const TimeMs t = e.time_ms;
    // Panther compares with the previous login cached for one day and skips
    // unchanged IPs [67].
    if (last.time != 0 && last.ip != e.client_ip && t - last.time <= kDayMs) {
      const double km = correlate::HaversineKm(last.lat, last.lon, g.latitude, g.longitude);
      // Refinement of section 2: pairs within their accuracy radii are noise.
      if (km > last.accuracy + g.accuracy_km) {
        const double hours = std::max((t - last.time) / 3.6e6, 0.0001);
        const double kmh = km / hours;
        if (kmh > env_.options->travel_kmh && (ctx.novelty.place_new() || last.place_new)) {
          Incident& inc = env_.incidents->Open(info_, Cat("travel|", ctx.actor, '|', DayOf(t)));
          if (inc.empty()) {
            inc.SetTitle(
                Cat("Impossible travel for ", ctx.actor, ": ", last.place, " to ", Where(g)));
          }
          last.event.AddTo(inc);
          inc.Add(ctx);
          inc.List("places", last.place);
          inc.List("places", Where(g));
          inc.Max("max_speed_kmh", static_cast<int64_t>(std::llround(kmh)));
          inc.Max("max_distance_km", static_cast<int64_t>(std::llround(km)));
          NoteNovelty(env_, ctx, inc);
          // Speed alone is often a VPN or a mobile egress: high only when one
          // end is a place new for the identity.
          inc.Raise(Severity::kHigh,
                    "travel speed above the threshold to a place new for the identity");
        }
      }
    }
    last = Place{e.client_ip, g.latitude, g.longitude,         g.accuracy_km,
                 t,           Where(g),   Remembered::Of(ctx), ctx.novelty.place_new()};

    // [68] a country new for the actor after the baseline (Elastic's
    // atypical-travel rule keys on country and region; GeoLite2 regions are
    // not carried, so country only).
    std::set<std::string>& countries = countries_[ctx.actor];
    if (!g.country_iso.empty() && !countries.contains(g.country_iso)) {
      if (!countries.empty() && ctx.after_baseline && ctx.novelty.country_new) {
        Incident& inc = env_.incidents->Open(info_, Cat("country|", ctx.actor, '|', g.country_iso));
        inc.SetTitle(Cat("New country ", g.country_iso, " for ", ctx.actor));
        inc.Add(ctx);
        inc.Set("country", g.country_iso);
        NoteNovelty(env_, ctx, inc);
        inc.Raise(Severity::kLow, "country first seen for the actor after the baseline");
        // With the usual client and device this is travel; with a new
        // client it is a second anomaly.
        if (ctx.novelty.client_new()) {
          inc.Raise(Severity::kMedium, "new country reached with a new client or device");
        }
      }
      countries.insert(g.country_iso);
    }
  }

 private:
  static std::string Where(const GeoInfo& g) {
    return g.city.empty() ? g.country_iso : Cat(g.city, ", ", g.country_iso);
  }
  struct Place {
    std::string ip;
    double lat = 0;
    double lon = 0;
    int accuracy = 0;
    TimeMs time = 0;
    std::string place;
    Remembered event;
    bool place_new = false;
  };
  RuleEnv env_;
  const RuleInfo& info_;
  absl::flat_hash_map<std::string, Place> places_;
  absl::flat_hash_map<std::string, std::set<std::string>> countries_;
};

}  // namespace

std::unique_ptr<Rule> NewIpMultipleMailboxesRule(const RuleEnv& env, const RuleInfo& info) {
  return std::make_unique<IpMultipleMailboxesRule>(env, info);
}
std::unique_ptr<Rule> NewSessionIpChangeRule(const RuleEnv& env, const RuleInfo& info) {
  return std::make_unique<SessionIpChangeRule>(env, info);
}
void EscalateSessionIpChange(Incident& inc, const AttackerContext& context) {
  if (inc.tag() != "concurrent" || !AttackerContext::Touches(context.behaviour, inc.ips())) return;
  inc.Flag("attacker_context");
  inc.Raise(Severity::kHigh, "parallel session from an IP with other high findings");
}
std::unique_ptr<Rule> NewFirstSeenIpRule(const RuleEnv& env, const RuleInfo& info) {
  return std::make_unique<FirstSeenIpRule>(env, info);
}
void EscalateFirstSeenIp(Incident& inc, const AttackerContext& context) {
  if (!AttackerContext::Touches(context.high_risk, inc.ips())) return;
  inc.Flag("attacker_context");
  inc.Raise(Severity::kHigh, "high-risk changes were made from this IP");
}
std::unique_ptr<Rule> NewImpossibleTravelRule(const RuleEnv& env, const RuleInfo& info) {
  return std::make_unique<ImpossibleTravelRule>(env, info);
}

}  // namespace tern::detect
