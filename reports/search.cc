#include "reports/search.h"

#include <algorithm>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/base/escape.h"
#include "core/base/ip.h"
#include "core/base/status_macros.h"
#include "core/base/strings.h"
#include "core/case/case_dir.h"
#include "reports/case_view.h"
#include "reports/event_export.h"

namespace tern {
namespace {

TimeMs Lower(const SearchQuery& q) {
  return q.from == kNoTime ? std::numeric_limits<TimeMs>::min() : q.from;
}
TimeMs Upper(const SearchQuery& q) {
  return q.to == kNoTime ? std::numeric_limits<TimeMs>::max() : q.to;
}

struct IndexFilter {
  StoreIndex index;
  std::string value;
  std::vector<std::string> aliases;
};

// The index filters given, in the order they are tried while planning.
std::vector<IndexFilter> IndexFilters(const SearchQuery& q) {
  std::vector<IndexFilter> out;
  if (!q.mailbox.empty()) out.push_back({StoreIndex::kMailbox, q.mailbox, q.mailbox_aliases});
  if (!q.ip.empty()) out.push_back({StoreIndex::kIp, NormalizeClientIp(q.ip), {}});
  if (!q.actor.empty()) out.push_back({StoreIndex::kActor, q.actor, q.actor_aliases});
  if (!q.operation.empty()) out.push_back({StoreIndex::kOperation, q.operation, {}});
  return out;
}

// True when `field` is `name` or one of `aliases` (case-insensitively).
bool NamedBy(std::string_view field, const std::string& name,
             const std::vector<std::string>& aliases) {
  if (field.empty()) return false;
  if (EqualsIgnoreCase(field, name)) return true;
  return std::any_of(aliases.begin(), aliases.end(),
                     [&](const std::string& a) { return EqualsIgnoreCase(field, a); });
}

}  // namespace

std::string_view StoreIndexName(StoreIndex index) {
  switch (index) {
    case StoreIndex::kMailbox:
      return "mailbox";
    case StoreIndex::kIp:
      return "ip";
    case StoreIndex::kActor:
      return "actor";
    case StoreIndex::kOperation:
      break;
  }
  return "operation";
}

absl::StatusOr<SearchPlan> PlanSearch(CaseStore& store, const SearchQuery& query) {
  SearchPlan plan;
  for (const IndexFilter& filter : IndexFilters(query)) {
    // Count at most one past the best so far: a filter that cannot win is
    // abandoned early, so planning costs about (filters x best count).
    const uint64_t cap = plan.index.has_value() ? plan.candidates : UINT64_MAX;
    uint64_t count = 0;
    auto counter = [&](std::string_view, TimeMs) {
      ++count;
      return count <= cap;
    };
    TERN_RETURN_IF_ERROR(
        store.ScanIndex(filter.index, filter.value, Lower(query), Upper(query), counter));
    for (const std::string& alias : filter.aliases) {
      if (count > cap) break;
      TERN_RETURN_IF_ERROR(
          store.ScanIndex(filter.index, alias, Lower(query), Upper(query), counter));
    }
    if (!plan.index.has_value() || count < plan.candidates) {
      plan.index = filter.index;
      plan.value = filter.value;
      plan.aliases = filter.aliases;
      plan.candidates = count;
    }
  }
  return plan;
}

bool MatchesQuery(const SearchQuery& q, const Event& e) {
  if (q.from != kNoTime && e.time_ms < q.from) return false;
  if (q.to != kNoTime && e.time_ms >= q.to) return false;
  if (!q.mailbox.empty() && !NamedBy(e.mailbox_guid, q.mailbox, q.mailbox_aliases) &&
      !NamedBy(e.mailbox_upn, q.mailbox, q.mailbox_aliases)) {
    return false;
  }
  if (!q.ip.empty() && !EqualsIgnoreCase(e.client_ip, NormalizeClientIp(q.ip))) return false;
  if (!q.actor.empty() && !NamedBy(e.actor_upn, q.actor, q.actor_aliases) &&
      !NamedBy(e.actor_sid, q.actor, q.actor_aliases)) {
    return false;
  }
  if (!q.operation.empty() && !EqualsIgnoreCase(e.operation, q.operation)) return false;
  return true;
}

absl::StatusOr<SearchResult> RunSearch(CaseStore& store, const SearchQuery& query,
                                       const std::function<bool(const Event&)>& fn) {
  SearchResult result;
  uint64_t& matches = result.matches;
  auto deliver = [&](const Event& e) {
    if (!MatchesQuery(query, e)) return true;
    ++matches;
    if (!fn(e)) return false;
    return query.limit == 0 || matches < query.limit;
  };
  TERN_ASSIGN_OR_RETURN(result.plan, PlanSearch(store, query));
  const SearchPlan& plan = result.plan;
  if (!plan.index.has_value()) {
    TERN_RETURN_IF_ERROR(store.ScanEvents(Lower(query), Upper(query), deliver));
    return result;
  }
  absl::Status inner;
  auto load_and_deliver = [&](std::string_view record_id) {
    absl::StatusOr<std::optional<Event>> event = store.GetEvent(record_id);
    if (!event.ok()) {
      inner = event.status();
      return false;
    }
    if (!event->has_value()) {
      inner = absl::DataLossError(absl::StrCat("index entry for record ",
                                               ToAbsl(TerminalSafe(record_id)), " has no event"));
      return false;
    }
    return deliver(**event);
  };
  if (plan.aliases.empty()) {
    std::string previous;
    TERN_RETURN_IF_ERROR(store.ScanIndex(*plan.index, plan.value, Lower(query), Upper(query),
                                         [&](std::string_view record_id, TimeMs) {
                                           // One event may be indexed under the same value twice (a
                                           // GUID equal to the UPN); entries of one event are
                                           // adjacent.
                                           if (record_id == previous) return true;
                                           previous = std::string(record_id);
                                           return load_and_deliver(record_id);
                                         }));
    TERN_RETURN_IF_ERROR(inner);
    return result;
  }
  // Several names: their entries merged into (time, record id) order. The
  // plan counted them, and the winning filter is the most selective one.
  std::vector<std::pair<TimeMs, std::string>> hits;
  auto collect = [&](std::string_view record_id, TimeMs time) {
    hits.emplace_back(time, std::string(record_id));
    return true;
  };
  TERN_RETURN_IF_ERROR(
      store.ScanIndex(*plan.index, plan.value, Lower(query), Upper(query), collect));
  for (const std::string& alias : plan.aliases) {
    TERN_RETURN_IF_ERROR(store.ScanIndex(*plan.index, alias, Lower(query), Upper(query), collect));
  }
  std::sort(hits.begin(), hits.end());
  hits.erase(std::unique(hits.begin(), hits.end()), hits.end());
  for (const auto& [time, record_id] : hits) {
    if (!load_and_deliver(record_id)) break;
  }
  TERN_RETURN_IF_ERROR(inner);
  return result;
}

absl::StatusOr<TimeMs> ParseSearchTime(std::string_view option, std::string_view text) {
  absl::StatusOr<TimeMs> t = ParseIso8601(text);
  if (!t.ok() && text.size() == 10) t = ParseIso8601(absl::StrCat(ToAbsl(text), "T00:00:00Z"));
  if (!t.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", ToAbsl(option), ": cannot read time '", ToAbsl(TerminalSafe(text)),
                     "'; use RFC 3339 / ISO 8601, e.g. 2024-03-06T02:00:00Z or 2024-03-06"));
  }
  return *t;
}

void AddDirectoryAliases(const correlate::MailboxDirectory& directory, SearchQuery* query) {
  auto add = [](std::string name, const std::string& given, std::vector<std::string>* out) {
    if (name.empty() || EqualsIgnoreCase(name, given)) return;
    if (std::find(out->begin(), out->end(), name) == out->end()) out->push_back(std::move(name));
  };
  if (!query->mailbox.empty()) {
    const correlate::MailboxRef ref = directory.Resolve(query->mailbox);
    add(ref.guid, query->mailbox, &query->mailbox_aliases);
    if (ref.upn.find('@') != std::string::npos)
      add(ref.upn, query->mailbox, &query->mailbox_aliases);
  }
  if (!query->actor.empty()) {
    const correlate::IdentityDirectory& identities = directory.identities();
    std::string upn = identities.UpnOf("", query->actor);
    if (upn.empty()) upn = correlate::NormalIdentifier(query->actor);
    for (std::string& id : identities.IdentifiersInAnyTenant(upn)) {
      add(std::move(id), query->actor, &query->actor_aliases);
    }
  }
}

absl::StatusOr<SearchResult> SearchCase(const std::string& case_dir, const SearchRequest& request,
                                        const OutputRegistry& outputs, std::FILE* out) {
  SearchQuery query;
  query.mailbox = request.mailbox;
  query.ip = request.ip;
  query.actor = request.actor;
  query.operation = request.operation;
  query.limit = request.limit;
  if (!request.from.empty()) {
    TERN_ASSIGN_OR_RETURN(query.from, ParseSearchTime("from", request.from));
  }
  if (!request.to.empty()) {
    TERN_ASSIGN_OR_RETURN(query.to, ParseSearchTime("to", request.to));
  }
  if (query.from != kNoTime && query.to != kNoTime && query.to <= query.from) {
    return absl::InvalidArgumentError("--to must be later than --from");
  }
  if (!request.ip.empty() && NormalizeClientIp(request.ip).empty()) {
    return absl::InvalidArgumentError("--ip: not an address");
  }
  TERN_ASSIGN_OR_RETURN(const OutputInfo* output,
                        outputs.Find(request.format, kOutputSearch, "format"));
  TERN_ASSIGN_OR_RETURN(std::unique_ptr<CaseStore> store,
                        CaseStore::Open(CaseDir(case_dir).store(), StoreMode::kReadOnly));
  TERN_ASSIGN_OR_RETURN(SourceResolver resolver, SourceResolver::Create(*store));
  // Identities as the analysis attributed them; as recorded before one.
  TERN_ASSIGN_OR_RETURN(const std::optional<correlate::MailboxDirectory> directory,
                        correlate::LoadMailboxDirectory(*store));
  if (directory.has_value()) AddDirectoryAliases(*directory, &query);
  OutputTarget target;
  target.out = out;
  target.store = store.get();
  std::unique_ptr<OutputModule> module = output->make(target);
  TERN_RETURN_IF_ERROR(module->WriteHeader());
  absl::Status inner;
  TERN_ASSIGN_OR_RETURN(SearchResult result, RunSearch(*store, query, [&](const Event& e) {
                          absl::StatusOr<ResolvedAnchor> source = resolver.Resolve(
                              e.record_id, e.provenance.evidence, e.provenance.line, e.time_ms);
                          if (!source.ok()) {
                            inner = source.status();
                            return false;
                          }
                          EventEnrichment x;
                          x.source = *std::move(source);
                          x.directory = directory ? &*directory : nullptr;
                          inner = module->WriteEvent(e, x);
                          return inner.ok();
                        }));
  TERN_RETURN_IF_ERROR(inner);
  TERN_RETURN_IF_ERROR(module->WriteFooter());
  return result;
}

}  // namespace tern
