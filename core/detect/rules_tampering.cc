// Audit tampering [25-29] and eDiscovery / search abuse [48-52]
// (DETECTIONS.md sections 1.D and 1.G).
#include <string>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "core/base/time.h"
#include "core/detect/fields.h"
#include "core/detect/rules.h"

namespace tern::detect {
namespace {

// Days in an AuditLogAgeLimit value ("30", "30.00:00:00", "00:00:00" = 0);
// -1 when unreadable.
int64_t AgeLimitDays(std::string_view v) {
  v = Trim(v);
  size_t i = 0;
  int64_t days = 0;
  while (i < v.size() && v[i] >= '0' && v[i] <= '9' && i < 9) days = days * 10 + (v[i++] - '0');
  if (i == 0) return -1;
  if (i < v.size() && v[i] == ':') return 0;  // "hh:mm:ss" only: under a day
  return days;
}

// [26b] Audit set changes: removals, or an explicit set lacking one of the
// actions an investigation depends on. Returns the severity and reason, or
// kInfo with no reason for harmless changes (additions, complete sets).
std::pair<Severity, std::string> AuditSetChange(std::string_view value) {
  const std::string_view v = Trim(value);
  if (v.empty() || EqualsIgnoreCase(v, "$null") || EqualsIgnoreCase(v, "None")) {
    return {Severity::kHigh, "audit actions cleared"};
  }
  if (ContainsIgnoreCase(v, "Remove=") || ContainsIgnoreCase(v, "Remove =")) {
    return {Severity::kHigh, "audit actions removed"};
  }
  if (ContainsIgnoreCase(v, "Add=") || ContainsIgnoreCase(v, "Add =")) return {Severity::kInfo, ""};
  if (ContainsIgnoreCase(v, "Hashtable")) {
    // PowerShell rendered the @{Add/Remove} argument without its content.
    return {Severity::kMedium, "audit actions changed (content not recorded)"};
  }
  for (std::string_view needed :
       {"MailItemsAccessed", "UpdateInboxRules", "SoftDelete", "HardDelete"}) {
    if (!ContainsIgnoreCase(v, needed)) return {Severity::kHigh, Cat("audit set without ", needed)};
  }
  return {Severity::kInfo, ""};
}

class AuditTamperingRule : public Rule {
 public:
  AuditTamperingRule(const RuleEnv& env, const RuleInfo& info) : env_(env), info_(info) {}

  void OnEvent(const EventContext& ctx) override {
    const Event& e = ctx.e();
    if (!Succeeded(e)) return;
    if (OpIs(e, "Set-MailboxAuditBypassAssociation")) {
      // [25] Microsoft: a bypassed account accesses any mailbox unaudited.
      if (IsTrue(Param(e, "AuditBypassEnabled"))) {
        Report(ctx, Severity::kCritical, "mailbox audit bypass enabled");
      } else if (IsFalse(Param(e, "AuditBypassEnabled"))) {
        Report(ctx, Severity::kLow, "mailbox audit bypass removed");
      }
    } else if (OpIs(e, "Set-Mailbox")) {
      if (IsFalse(Param(e, "AuditEnabled"))) {
        // [26a] ignored while org-level auditing is on, hence medium alone.
        Report(ctx, Severity::kMedium, "mailbox auditing disabled (AuditEnabled False)");
      }
      for (std::string_view name : {"AuditOwner", "AuditDelegate", "AuditAdmin"}) {
        if (!HasParam(e, name)) continue;
        if (auto [severity, why] = AuditSetChange(Param(e, name)); !why.empty()) {
          Report(ctx, severity, Cat(name, ": ", why));
        }
      }
      if (HasParam(e, "AuditLogAgeLimit")) {
        // The default retention is 90 days (enable-mailbox-auditing.md); a
        // lower limit shortens what survives [26c].
        const int64_t days = AgeLimitDays(Param(e, "AuditLogAgeLimit"));
        if (days >= 0 && days < 90) {
          Report(ctx, Severity::kHigh, Cat("audit log retention shortened to ", days, " days"));
        }
      }
    } else if (OpIs(e, "Set-OrganizationConfig") && IsTrue(Param(e, "AuditDisabled"))) {
      Report(ctx, Severity::kHigh, "mailbox auditing disabled for the organization");  // [26d]
    } else if (OpIs(e, "Set-AdminAuditLogConfig")) {
      if (IsFalse(Param(e, "UnifiedAuditLogIngestionEnabled"))) {
        Report(ctx, Severity::kCritical, "unified audit log ingestion disabled");  // [27]
      }
      if (IsFalse(Param(e, "AdminAuditLogEnabled"))) {
        Report(ctx, Severity::kHigh, "admin audit log disabled");  // [28]
      }
    } else if (OpIn(e, {"New-UnifiedAuditLogRetentionPolicy", "Set-UnifiedAuditLogRetentionPolicy",
                        "Remove-UnifiedAuditLogRetentionPolicy"})) {
      Report(ctx, Severity::kHigh, "audit log retention policy changed");  // [29]
    }
  }

 private:
  void Report(const EventContext& ctx, Severity s, std::string_view reason) {
    const std::string target = ctx.mailbox.empty() ? "tenant" : ctx.mailbox.key();
    Incident& inc = env_.incidents->Open(info_, Cat(target, '|', DayOf(ctx.e().time_ms)));
    inc.Add(ctx);
    inc.List("operations", ctx.e().operation);
    // The blind spot starts here: later absence of records proves nothing.
    inc.SetIfEmpty("blind_from", FormatRfc3339(ctx.e().time_ms));
    inc.Raise(s, reason);
  }

  RuleEnv env_;
  const RuleInfo& info_;
};

class EDiscoveryRule : public Rule {
 public:
  EDiscoveryRule(const RuleEnv& env, const RuleInfo& info) : env_(env), info_(info) {}

  void OnEvent(const EventContext& ctx) override {
    const Event& e = ctx.e();
    if (!Succeeded(e)) return;
    const bool search = OpIn(
        e, {"SearchCreated", "SearchStarted", "New-ComplianceSearch", "Start-ComplianceSearch"});
    const bool action = OpIs(e, "New-ComplianceSearchAction");
    const bool exported = OpIn(e, {"SearchExported", "SearchExportDownloaded",
                                   "ViewedSearchExported", "New-MailboxExportRequest"}) ||
                          (action && Mentions(e, "Export"));
    const bool purged = OpIs(e, "SearchResultsPurged") || (action && Mentions(e, "Purge"));
    const bool admin_read = OpIs(e, "AdminMailAccess");
    const bool legacy = OpIn(
        e, {"Search-Mailbox", "New-MailboxSearch", "Set-MailboxSearch", "Search-MailboxAuditLog",
            "New-MailboxAuditLogSearch", "New-AdminAuditLogSearch", "Search-AdminAuditLog"});
    if (!search && !exported && !purged && !admin_read && !legacy && !action) return;
    // eDiscovery operators known from the baseline [48].
    if (e.time_ms < env_.baseline_end) operators_.insert(ctx.actor);
    if (!search && !exported && !purged && !admin_read && !legacy) return;

    Incident& inc = env_.incidents->Open(info_, Cat(ctx.actor, '|', DayOf(e.time_ms)));
    inc.Add(ctx);
    inc.List("operations", e.operation);
    std::string query(Param(e, "ContentMatchQuery"));
    if (query.empty()) query = std::string(Extra(e, "Query"));
    inc.List("queries", query);
    inc.List("searches", Param(e, "Name"));
    if (exported) inc.Raise(Severity::kHigh, "search results exported or downloaded");  // [49]
    if (purged) inc.Raise(Severity::kHigh, "search results purged");                    // [50]
    if (admin_read) inc.Raise(Severity::kMedium, "admin accessed mail content");        // [51]
    if (legacy) inc.Raise(Severity::kMedium, "mailbox or audit log search");            // [52]
    if (search) {
      inc.Raise(Severity::kMedium, "content search created or started");
      if (ctx.after_baseline && !operators_.contains(ctx.actor)) {
        inc.Raise(Severity::kHigh, "search by an actor with no eDiscovery history");
      }
      if (!MatchKeyword(query).empty()) {
        inc.List("keywords", MatchKeyword(query));
        inc.Raise(Severity::kHigh, "search query holds BEC keywords");
      }
    }
  }

 private:
  static bool Mentions(const Event& e, std::string_view word) {
    for (const NameValue& nv : e.parameters) {
      if (ContainsIgnoreCase(nv.name, word) || ContainsIgnoreCase(nv.value, word)) return true;
    }
    return ContainsIgnoreCase(e.object_id, word);
  }

  RuleEnv env_;
  const RuleInfo& info_;
  absl::flat_hash_set<std::string> operators_;
};

}  // namespace

std::unique_ptr<Rule> NewAuditTamperingRule(const RuleEnv& env, const RuleInfo& info) {
  return std::make_unique<AuditTamperingRule>(env, info);
}
std::unique_ptr<Rule> NewEDiscoveryRule(const RuleEnv& env, const RuleInfo& info) {
  return std::make_unique<EDiscoveryRule>(env, info);
}

}  // namespace tern::detect
