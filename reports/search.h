// `tern search`: an indexed query over the events of a case. Any combination
// of mailbox (GUID or owner UPN), client IP, actor (UPN or SID), operation
// and a [from, to) time window. The most selective given filter is answered
// from its RocksDB index (ScanIndex); the others are checked on the loaded
// events. Without any of the four filters the time window is scanned in the
// events family (ScanEvents), never the whole case when a window is given.
// Results come in (time, record id) order. Thread-compatible.
#ifndef TERN_REPORTS_SEARCH_H_
#define TERN_REPORTS_SEARCH_H_

#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/correlate/directory.h"
#include "core/model/event.h"
#include "core/store/case_store.h"
#include "reports/output.h"

namespace tern {

struct SearchQuery {
  std::string mailbox;    // "" = any; compared case-insensitively
  std::string ip;         // "" = any; normalized like the stored addresses
  std::string actor;      // "" = any
  std::string operation;  // "" = any
  TimeMs from = kNoTime;  // inclusive; kNoTime = unbounded
  TimeMs to = kNoTime;    // exclusive; kNoTime = unbounded
  uint64_t limit = 0;     // 0 = no limit
  // Other names of the searched mailbox and actor, matched like the given
  // ones: what the case's directory links them to (a mailbox's GUID for its
  // UPN, an actor's SID, object id or PUID for the UPN). See SearchCase.
  std::vector<std::string> mailbox_aliases;
  std::vector<std::string> actor_aliases;
};

// How a query is answered (for tests and the stderr summary).
struct SearchPlan {
  std::optional<StoreIndex> index;   // nullopt: time-window scan of the events
  std::string value;                 // the index value looked up (as given)
  std::vector<std::string> aliases;  // looked up as well (SearchQuery's aliases)
  uint64_t candidates = 0;           // index entries in the window (capped while planning)
};

// Picks the index with the fewest entries in the window: counts each given
// index, stopping as soon as it exceeds the best count so far.
absl::StatusOr<SearchPlan> PlanSearch(CaseStore& store, const SearchQuery& query);

// True when `e` satisfies every filter of `query`.
bool MatchesQuery(const SearchQuery& query, const Event& e);

struct SearchResult {
  uint64_t matches = 0;  // events passed to fn
  SearchPlan plan;
};

// Plans and runs the query; `fn` gets each match in order and may return
// false to stop.
absl::StatusOr<SearchResult> RunSearch(CaseStore& store, const SearchQuery& query,
                                       const std::function<bool(const Event&)>& fn);

// Parses --from/--to: RFC 3339 / ISO 8601 ("2024-03-06T02:00:00Z",
// "2024-03-06T04:00:00+02:00", "2024-03-06 02:00") or a date alone
// ("2024-03-06" = midnight UTC). InvalidArgument naming `option` otherwise.
absl::StatusOr<TimeMs> ParseSearchTime(std::string_view option, std::string_view text);

// The command line's request, as typed.
struct SearchRequest {
  std::string mailbox, ip, actor, operation;
  std::string from, to;
  std::string format = "table";
  uint64_t limit = 0;
};

// Adds to `query` the other names `directory` knows for its mailbox and
// actor (SearchQuery::mailbox_aliases, actor_aliases).
void AddDirectoryAliases(const correlate::MailboxDirectory& directory, SearchQuery* query);

// The whole `tern search`: validates the request (InvalidArgument for bad
// times, an empty window, or a format that is no search output of
// `outputs`), opens CASE_DIR/store read-only (NotFound if there is none),
// writes the matches to `out` through the format's output module. Once the
// case is analyzed, --mailbox and --actor also find the events that name the
// same mailbox or person otherwise (the directory `tern analyze` stored).
absl::StatusOr<SearchResult> SearchCase(const std::string& case_dir, const SearchRequest& request,
                                        const OutputRegistry& outputs, std::FILE* out);

// "mailbox", "ip", "actor", "operation".
std::string_view StoreIndexName(StoreIndex index);

}  // namespace tern

#endif  // TERN_REPORTS_SEARCH_H_
