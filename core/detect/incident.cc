#include "core/detect/incident.h"

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <optional>
#include <tuple>
#include <utility>

#include "absl/hash/hash.h"
#include "core/base/json_writer.h"
#include "core/correlate/sessionizer.h"
#include "core/correlate/text.h"

namespace tern::detect {
namespace {

using correlate::Cat;

bool AnchorLess(const EvidenceAnchor& a, const EvidenceAnchor& b) {
  return std::tie(a.time_ms, a.record_id, a.evidence, a.line) <
         std::tie(b.time_ms, b.record_id, b.evidence, b.line);
}

const std::string& KeyOf(const Finding& f) {
  return f.mailbox_guid.empty() ? f.mailbox_upn : f.mailbox_guid;
}

const std::string& FirstRecord(const Finding& f) {
  static const std::string* const kEmpty = new std::string();
  return f.evidence.empty() ? *kEmpty : f.evidence.front().record_id;
}

}  // namespace

AnchorSet::AnchorSet()
    : anchors_(std::make_unique<std::vector<PackedAnchor>>()),
      index_(0, ByRecordId{anchors_.get()}, ByRecordId{anchors_.get()}) {}

void AnchorSet::Add(PackedAnchor anchor) {
  anchors_->push_back(std::move(anchor));
  index_.insert(static_cast<uint32_t>(anchors_->size() - 1));
}

std::vector<EvidenceAnchor> AnchorSet::Unpack() const {
  std::vector<EvidenceAnchor> out;
  out.reserve(anchors_->size());
  for (const PackedAnchor& a : *anchors_) out.push_back(a.Unpack());
  return out;
}

size_t AnchorSet::ByRecordId::operator()(const PackedText& id) const {
  return absl::Hash<PackedText>()(id);
}

Incident::Incident(const RuleInfo* info, size_t max_anchors)
    : info_(info), max_anchors_(max_anchors == 0 ? 1 : max_anchors) {}

void Incident::AddAnchor(const EvidenceAnchor& anchor, std::string_view ip,
                         std::string_view session) {
  AddAnchor(PackedAnchor(anchor), ip, session);
}

void Incident::AddAnchor(PackedAnchor anchor, std::string_view ip, std::string_view session) {
  if (anchors_.contains(anchor.record_id())) return;
  const TimeMs t = anchor.time_ms();
  if (events_ == 0 || t < first_) first_ = t;
  if (events_ == 0 || t > last_) last_ = t;
  ++events_;
  if (!ip.empty()) ips_.emplace(ip);
  if (!session.empty()) AddSession(session);
  // Beyond the cap an event may be counted twice if a rule re-adds it;
  // rules add each event once per incident, so the count stays exact.
  KeepAnchor(std::move(anchor));
}

void Incident::AddSession(std::string_view session) {
  if (const std::optional<uint64_t> value = correlate::SessionIdValue(session)) {
    session_values_.insert(*value);
  } else {
    other_sessions_.emplace(session);
  }
}

std::vector<std::string> Incident::Sessions() const {
  // SessionIdText is fixed-width lower-case hex, so values sort as their text.
  std::vector<std::string> ids;
  ids.reserve(session_values_.size());
  for (const uint64_t value : session_values_) ids.push_back(correlate::SessionIdText(value));
  std::vector<std::string> out;
  out.reserve(ids.size() + other_sessions_.size());
  std::merge(ids.begin(), ids.end(), other_sessions_.begin(), other_sessions_.end(),
             std::back_inserter(out));
  return out;
}

void Incident::KeepAnchor(PackedAnchor anchor) {
  if (anchors_.size() < max_anchors_) {
    anchors_.Add(std::move(anchor));
  } else {
    truncated_ = true;
  }
}

void Incident::Add(const EventContext& ctx) {
  // The first event added with its context names the mailbox and actor,
  // even after anchors remembered from a window.
  if (!mailbox_set_) SetMailbox(ctx.mailbox);
  if (!actor_set_) SetActor(ctx.actor);
  // Shown by UPN; the names the records used stay in the details.
  if (!ctx.mailbox_raw.empty() && ctx.mailbox == mailbox_)
    List("mailbox_recorded_as", ctx.mailbox_raw);
  if (!ctx.actor_raw.empty() && ctx.actor == actor_) List("actor_recorded_as", ctx.actor_raw);
  AddAnchor(PackedAnchor::Of(ctx.e()), ctx.e().client_ip, ctx.session);
}

void Incident::Raise(Severity s, std::string_view reason) {
  if (s > severity_) severity_ = s;
  if (!reason.empty()) List("reasons", reason);
}

void Incident::SetSeverity(Severity s, std::string_view reason) {
  if (s == severity_) return;
  severity_ = s;
  if (!reason.empty()) List("reasons", reason);
}

void Incident::Set(std::string_view key, std::string value) {
  details_[std::string(key)] = std::move(value);
}

void Incident::SetIfEmpty(std::string_view key, std::string value) {
  details_.try_emplace(std::string(key), std::move(value));
}

void Incident::List(std::string_view key, std::string_view value) {
  if (value.empty()) return;
  Value& v = details_[std::string(key)];
  if (!std::holds_alternative<std::set<std::string>>(v)) v = std::set<std::string>();
  auto& set = std::get<std::set<std::string>>(v);
  set.emplace(value);
  if (set.size() > kMaxDetailList) set.erase(std::prev(set.end()));
}

void Incident::Count(std::string_view key, int64_t n) {
  Value& v = details_[std::string(key)];
  if (!std::holds_alternative<int64_t>(v)) v = int64_t{0};
  std::get<int64_t>(v) += n;
}

void Incident::Max(std::string_view key, int64_t value) {
  auto [it, inserted] = details_.try_emplace(std::string(key), value);
  if (!inserted) {
    if (!std::holds_alternative<int64_t>(it->second)) it->second = value;
    std::get<int64_t>(it->second) = std::max(std::get<int64_t>(it->second), value);
  }
}

void Incident::Flag(std::string_view key) { details_[std::string(key)] = true; }

void Incident::Absorb(const Incident& other) {
  if (other.severity_ > severity_) severity_ = other.severity_;
  for (size_t i = 0; i < other.anchors_.size(); ++i) {
    const PackedAnchor& a = other.anchors_[i];
    if (!anchors_.contains(a.record_id())) KeepAnchor(a);
  }
  if (other.events_ > 0) {
    first_ = events_ == 0 ? other.first_ : std::min(first_, other.first_);
    last_ = events_ == 0 ? other.last_ : std::max(last_, other.last_);
  }
  events_ += other.events_;
  truncated_ = truncated_ || other.truncated_;
  ips_.insert(other.ips_.begin(), other.ips_.end());
  session_values_.insert(other.session_values_.begin(), other.session_values_.end());
  other_sessions_.insert(other.other_sessions_.begin(), other.other_sessions_.end());
  for (const auto& [key, value] : other.details_) {
    auto [it, inserted] = details_.try_emplace(key, value);
    if (inserted) continue;
    if (std::holds_alternative<std::set<std::string>>(it->second)) {
      if (const auto* more = std::get_if<std::set<std::string>>(&value)) {
        for (const std::string& v : *more) List(key, v);
      }
    } else if (auto* n = std::get_if<int64_t>(&it->second)) {
      if (const auto* m = std::get_if<int64_t>(&value)) {
        // Counters add up; maxima (max_*, *_in_window, *_count) keep the larger.
        const bool is_max = key.starts_with("max_") || key.ends_with("_in_window") ||
                            key.ends_with("_count") || key.ends_with("_in_24h");
        *n = is_max ? std::max(*n, *m) : *n + *m;
      }
    }
  }
}

Finding Incident::Build() const {
  Finding f;
  f.rule = info_->id;
  f.severity = severity_;
  f.title = title_.empty() ? info_->title : title_;
  f.attack = info_->attack;
  f.mailbox_guid = mailbox_.guid;
  f.mailbox_upn = mailbox_.upn;
  f.actor = actor_;
  f.client_ips.assign(ips_.begin(), ips_.end());
  f.first_seen = first_;
  f.last_seen = last_;
  f.sessions = Sessions();
  f.evidence = anchors_.Unpack();
  std::sort(f.evidence.begin(), f.evidence.end(), AnchorLess);

  std::map<std::string, Value> details = details_;
  details["event_count"] = static_cast<int64_t>(events_);
  if (truncated_) details["anchors_truncated"] = true;
  JsonWriter w;
  w.BeginObject();
  for (const auto& [key, value] : details) {
    w.Key(key);
    if (const auto* s = std::get_if<std::string>(&value)) {
      w.String(*s);
    } else if (const auto* n = std::get_if<int64_t>(&value)) {
      w.Int(*n);
    } else if (const auto* b = std::get_if<bool>(&value)) {
      w.Bool(*b);
    } else {
      w.BeginArray();
      for (const std::string& item : std::get<std::set<std::string>>(value)) w.String(item);
      w.EndArray();
    }
  }
  w.EndObject();
  f.details_json = w.Take();
  return f;
}

Incident& IncidentTable::Open(std::string_view rule_id, std::string_view key) {
  return Open(CatalogEntry(rule_id), key);
}

Incident& IncidentTable::Open(const RuleInfo& info, std::string_view key) {
  std::string id = Cat(info.id, '\x1f', key);
  auto it = incidents_.find(id);
  if (it == incidents_.end()) {
    it = incidents_.emplace(std::move(id), Incident(&info, max_anchors_)).first;
  }
  return it->second;
}

Incident* IncidentTable::Find(std::string_view rule_id, std::string_view key) {
  auto it = incidents_.find(Cat(rule_id, '\x1f', key));
  return it == incidents_.end() ? nullptr : &it->second;
}

void IncidentTable::ForEach(const std::function<void(Incident&)>& fn) {
  for (auto& [unused, incident] : incidents_) fn(incident);
}

size_t IncidentTable::RollUp(Severity max_severity) {
  std::map<std::string, Incident*> survivors;  // rule + identity -> the first incident
  std::vector<std::string> merged;
  for (auto& [id, incident] : incidents_) {
    if (incident.empty() || incident.severity() > max_severity) continue;
    // One identity on one mailbox: a finding names a single mailbox.
    const std::string identity = Cat(incident.actor(), '\x1f', incident.mailbox().key());
    if (identity.size() == 1) continue;
    auto [it, inserted] =
        survivors.try_emplace(Cat(incident.info().id, '\x1f', identity), &incident);
    if (inserted) continue;
    Incident& into = *it->second;
    if (!into.HasDetail("rolled_up")) into.Count("rolled_up", 1);
    into.Absorb(incident);
    into.Count("rolled_up", 1);
    merged.push_back(id);
  }
  for (const std::string& id : merged) incidents_.erase(id);
  return merged.size();
}

void IncidentTable::EraseIf(const std::function<bool(Incident&)>& drop) {
  for (auto it = incidents_.begin(); it != incidents_.end();) {
    it = drop(it->second) ? incidents_.erase(it) : std::next(it);
  }
}

bool FindingLess(const Finding& a, const Finding& b) {
  const auto sa = static_cast<int>(a.severity);
  const auto sb = static_cast<int>(b.severity);
  return std::tie(a.first_seen, a.rule, KeyOf(a), a.mailbox_upn, FirstRecord(a), a.actor,
                  a.last_seen, sb, a.title, a.details_json, a.client_ips, a.sessions) <
         std::tie(b.first_seen, b.rule, KeyOf(b), b.mailbox_upn, FirstRecord(b), b.actor,
                  b.last_seen, sa, b.title, b.details_json, b.client_ips, b.sessions);
}

std::vector<Finding> IncidentTable::TakeFindings() {
  std::vector<Finding> out;
  out.reserve(incidents_.size());
  // Each incident goes as its finding is built: the two forms of every
  // finding side by side were the analysis' peak (docs/BENCHMARKS.md
  // "Change 24").
  for (auto it = incidents_.begin(); it != incidents_.end(); it = incidents_.erase(it)) {
    if (!it->second.empty()) out.push_back(it->second.Build());
  }
  std::sort(out.begin(), out.end(), FindingLess);
  for (size_t i = 0; i < out.size(); ++i) {
    char id[32];
    std::snprintf(id, sizeof(id), "F-%04zu", i + 1);
    out[i].id = id;
  }
  return out;
}

}  // namespace tern::detect
