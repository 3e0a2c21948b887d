// The registry of tern's C++ rules (the stateful ones: sessions, windows,
// baselines, geo): one row per rule with its catalog entry — id (the
// contract of issue 4), title, default severity, ATT&CK ids, description and
// thresholds — and the factory of its logic (rules_*.cc). The single-record
// rules are Sigma YAML in rules/ (builtin_rules.h). DETECTIONS.md entry
// numbers are given in brackets.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "core/base/codec.h"
#include "core/detect/analyzer.h"
#include "core/detect/builtin_rules.h"
#include "core/detect/rule.h"
#include "core/detect/rules.h"
#include "core/detect/sigma_rules.h"

namespace tern {
namespace detect {

const CppRule* FindCppRule(std::string_view id) {
  static const auto* const kById = [] {
    auto* by_id = new absl::flat_hash_map<std::string_view, const CppRule*>;
    for (const CppRule& r : CppRules()) by_id->emplace(r.info.id, &r);
    return by_id;
  }();
  auto it = kById->find(id);
  return it == kById->end() ? nullptr : it->second;
}

const std::vector<CppRule>& CppRules() {
  // Leaked on purpose: no static destructor (Google style on static storage).
  static const auto* const kRules = new std::vector<CppRule>{
      {{"mailbox-forwarding-external",
        "Mailbox forwarding to an external address",
        Severity::kHigh,
        {"T1114.003", "T1020", "T1564.008"},
        "Set-Mailbox, Set-MailUser, Set-RemoteMailbox or Enable-RemoteMailbox setting "
        "ForwardingSmtpAddress or ForwardingAddress [1]. Values are stripped of smtp: and split on "
        "';'; a recipient whose domain is not an organization domain (--org-domain, else the "
        "mailbox owners' UPN domains and their tenant.onmicrosoft.com) is external: high. Internal "
        "forwarding, or clearing the value (possible remediation), is medium. "
        "DeliverToMailboxAndForward False (forward-only) is reported as aggravating. Stays C++: "
        "external means outside the organization's domains, learned from the case (org-domain "
        "state)."},
       &NewMailboxForwardingRule,
       kAttackerBehaviour | kHighRiskChange},
      {{"inbox-rule-forward-external",
        "Inbox rule forwarding mail outside the organization",
        Severity::kHigh,
        {"T1114.003", "T1020", "T1137.005", "T1564.008"},
        "New-InboxRule / Set-InboxRule with ForwardTo, ForwardAsAttachmentTo, RedirectTo (or "
        "ForwardingAddress, ForwardingSmtpAddress, RedirectToRecipients) [2], and Outlook-client "
        "rules (UpdateInboxRules AddMailboxRule / ModifyMailboxRule with forward or redirect "
        "actions) [3]. External recipients: high; internal: medium; DeleteMessage or "
        "StopProcessingRules together with forwarding is reported as aggravating; removing a "
        "forwarding client rule (RemoveMailboxRule) is low. Several mailboxes forwarding to the "
        "same destination from one IP within same_destination_window_ms (default 7 days) are one "
        "high finding [9]. Stays C++: organization domains, and the same-destination pivot across "
        "mailboxes within a window."},
       &NewInboxRuleForwardRule,
       kAttackerBehaviour | kHighRiskChange},
      {{"inbox-rule-suspicious",
        "Inbox rule hiding or diverting mail",
        Severity::kMedium,
        {"T1564.008", "T1137.005", "T1070.008"},
        "Inbox rules (New-InboxRule, Set-InboxRule, UpdateInboxRules) that delete, mark as read, "
        "or move mail to RSS, Junk, Archive, Conversation History, Notes or Deleted Items "
        "(localized names) [4]: medium; with finance / BEC / security keywords in the conditions "
        "[5] or together with forwarding: high. Obfuscated names (only special characters, one "
        "non-alphanumeric character, or at most 5 alphanumerics) [6]: medium, high with a hiding "
        "action. Client rules starting an application or custom action [8]: critical. A "
        "New-InboxRule, Send and Sent-to-Archive move of the same subject within "
        "rule_send_move_window_ms (default 12 minutes) [10]: high. Stays C++: the rule-send-move "
        "sequence window [10] and severity from combined actions, keywords and names."},
       &NewInboxRuleSuspiciousRule,
       kAttackerBehaviour | kHighRiskChange},
      {{"mailbox-permission-grant",
        "Mailbox or folder permission granted",
        Severity::kHigh,
        {"T1098.002", "T1114.002"},
        "Add-MailboxPermission with FullAccess, ChangePermission or ChangeOwner [18]; "
        "Add-RecipientPermission SendAs, Set-Mailbox GrantSendOnBehalfTo, Add-ADPermission Send-As "
        "[19]: high, medium when the admin was already active during the baseline from a known IP. "
        "Add/Set-MailboxFolderPermission with read rights [20a]: medium, high on Inbox or Top of "
        "Information Store; folder permission audit records (AddFolderPermissions, "
        "ModifyFolderPermissions, UpdateFolderPermissions) granting ReadAny outside Calendar / "
        "Contacts [20b]: medium; Inbox shared with Default, Anonymous or Everyone [21]: high. "
        "UpdateCalendarDelegation [22]: low. System principals and UserType 3/4 are excluded. "
        "Stays C++: the baseline of admins and their IPs; records the grants delegate-access and "
        "send-as use."},
       &NewPermissionGrantRule,
       kAttackerBehaviour | kHighRiskChange},
      {{"delegate-access",
        "Non-owner access to a mailbox",
        Severity::kMedium,
        {"T1114.002", "T1114", "T1020"},
        "Mailbox actions by someone other than the owner (LogonType Admin, Delegate or "
        "DelegatedAdmin, or MailItemsAccessed by a user other than the owner) [38, 39], one "
        "finding per actor and mailbox. Delegates already active during the baseline "
        "(baseline_ms, default 7 days) are long-standing: info. A delegate first seen after the "
        "baseline: medium; high when the actor newly reads more than one mailbox or more than 5 "
        "folders [39], or received FullAccess / SendAs on that mailbox in the case [38]. System "
        "principals are excluded. Stays C++: baseline of actor-mailbox pairs, mailbox and folder "
        "counts, grants seen earlier."},
       &NewDelegateAccessRule,
       kNoRole},
      {{"send-as",
        "Mail sent as or on behalf of another mailbox",
        Severity::kLow,
        {"T1534", "T1098.002"},
        "Every SendAs and SendOnBehalf event [45]: a long-standing delegate's sends are one low "
        "finding per mailbox and actor; a sender first seen on the mailbox after the baseline is "
        "medium, grouped per UTC day. Medium at send_as_daily (default 10) or more SendAs per "
        "mailbox and day [45]; high when both hold, when the actor was granted FullAccess / SendAs "
        "on the mailbox in the case, or when sent from an attacker context (a new IP with other "
        "high findings) [47]. Stays C++: baseline of senders, daily counts, grants and the "
        "attacker context."},
       &NewSendAsRule,
       kNoRole,
       &EscalateSendAs},
      {{"mass-deletion",
        "Mass deletion of mail",
        Severity::kHigh,
        {"T1070.008", "T1485"},
        "SoftDelete, HardDelete and MoveToDeletedItems per mailbox, counting affected items: "
        "mass_delete_items (default 100) or more within mass_delete_window_ms (default 60 "
        "minutes) [43]: high, critical when the hard deletions alone reach the threshold. Deleting "
        "MFA or security-notification mail (subjects like 'new device', 'verification code', "
        "'security alert'; not sign-in notices) [44]: medium. Stays C++: item counts within a "
        "sliding window per mailbox."},
       &NewMassDeletionRule,
       kAttackerBehaviour},
      {{"sent-then-deleted",
        "Sent mail deleted right after sending",
        Severity::kHigh,
        {"T1070.008", "T1534"},
        "A Send, SendAs or SendOnBehalf followed by MoveToDeletedItems, SoftDelete or HardDelete "
        "of the same message (InternetMessageId, or subject in Sent Items) in the same session or "
        "from the same IP within sent_delete_window_ms (default 30 minutes) [11]: high. Stays C++: "
        "a send joined to a later deletion of the same message within a window."},
       &NewSentThenDeletedRule,
       kAttackerBehaviour},
      {{"audit-tampering",
        "Audit logging disabled, bypassed or reduced",
        Severity::kCritical,
        {"T1562.008", "T1562.001", "T1098"},
        "Set-MailboxAuditBypassAssociation with AuditBypassEnabled True [25]: critical (False: "
        "low). Set-Mailbox AuditEnabled False [26a]: medium; AuditOwner / AuditDelegate / "
        "AuditAdmin removing actions or dropping MailItemsAccessed, UpdateInboxRules, SoftDelete "
        "or "
        "HardDelete [26b], AuditLogAgeLimit under 90 days [26c], Set-OrganizationConfig "
        "AuditDisabled True [26d]: high. Set-AdminAuditLogConfig UnifiedAuditLogIngestionEnabled "
        "False [27]: critical; AdminAuditLogEnabled False [28]: high. New/Set/Remove-"
        "UnifiedAuditLogRetentionPolicy [29]: high. Each marks the start of an audit blind spot. "
        "Stays C++: single records, but one contract id graded critical to low by the change, with "
        "audit sets and retention read as sets and numbers; a Sigma rule has one level per id."},
       &NewAuditTamperingRule,
       kAttackerBehaviour | kHighRiskChange},
      {{"impersonation-role-grant",
        "Impersonation or mailbox-wide role granted",
        Severity::kCritical,
        {"T1098", "T1098.002", "T1098.003"},
        "New-ManagementRoleAssignment of ApplicationImpersonation [53]: critical. Other RBAC "
        "changes (New/Set/Remove-ManagementRoleAssignment, -ManagementRole, -ManagementScope, "
        "-ManagementRoleEntry, -RoleGroup, Add/Remove/Update-RoleGroupMember) [54]: high for "
        "Mailbox Import Export, Discovery Management, eDiscovery Manager or Organization "
        "Management, else medium. Stays C++: single records, but one contract id graded critical, "
        "high or medium by the role; a Sigma rule has one level per id."},
       &NewImpersonationRoleRule,
       kAttackerBehaviour},
      {{"mailitemsaccessed-throttled",
        "MailItemsAccessed auditing throttled",
        Severity::kHigh,
        {"T1114.002"},
        "MailItemsAccessed with IsThrottled True [33]: more than 1,000 records in 24 hours stopped "
        "Bind auditing for the mailbox; the 24 hours that follow are an audit blind spot (given as "
        "details.blind_until) and all mail in them must be assumed accessed: high. Stays C++: one "
        "24-hour blind window per mailbox (details.blind_until)."},
       &NewThrottledRule,
       kNoRole},
      {{"mailitemsaccessed-sync-bulk",
        "Bulk mail synchronization or excessive mail access",
        Severity::kHigh,
        {"T1114.002", "T1114", "T1119"},
        "MailItemsAccessed Sync (a whole folder downloaded) across sync_folders (default 10) or "
        "more folders in a day [34]: low for the owner from a known network, high for a "
        "non-owner or from a network or country new for the identity; a Sync of a few folders "
        "from a new place [36]: low (medium with a new client too), and a Sync from a known "
        "network, ASN or the organization's infrastructure (a phone's daily IPv6, the first "
        "office day) is not reported; critical when the IP carries other high findings (attacker "
        "context) [36]. One finding per mailbox, actor and day. One record with OperationCount >= "
        "mia_record_items (default 100) or mia_daily_records (default 500) records per mailbox "
        "and actor in 24 hours [34]: medium, high for a non-owner or a new network. One "
        "application "
        "(ClientAppId, ClientInfoString) reading more than api_mailboxes (default 5) mailboxes "
        "through Graph or EWS within api_window_ms (default 10 minutes) [40]: high. Stays C++: "
        "daily counts, baselines of networks and countries, API reader windows, attacker context."},
       &NewSyncBulkRule,
       kNoRole,
       &EscalateSyncBulk},
      {{"ip-multiple-mailboxes",
        "One IP touching several mailboxes",
        Severity::kHigh,
        {"T1078", "T1114.002"},
        "One client IP used on ip_mailboxes (default 3) or more mailboxes of different owners "
        "within ip_mailboxes_window_ms (default 24 hours) [40, section 2 IP pivot]. High when the "
        "IP is new (first seen after the baseline) for at least ip_mailboxes of them; shared "
        "egress IPs (offices, VPNs) that that many mailboxes have used for longer than the window "
        "are not reported; medium when the IP is new for some of them; low inside the baseline, "
        "where novelty is unknown. Mailbox records and sign-ins count; admin cmdlets, private "
        "addresses and the organization's infrastructure (networks and ASNs used by "
        "org_min_identities people on org_min_days days) do not. Stays C++: mailboxes per IP "
        "within a window, baselines and the organization's infrastructure."},
       &NewIpMultipleMailboxesRule,
       kNoRole},
      {{"session-ip-change",
        "Session used from different IPs or clients",
        Severity::kMedium,
        {"T1185", "T1550.001", "T1539", "T1078.004"},
        "One record SessionId (or AADSessionId) seen from several IPs or client families [69]: "
        "high when it moved to a network or country new for the identity (two signals: the move "
        "and the new place); low when it moved between countries or ASNs the identity already "
        "uses, to a new IP inside a known network, or to an IP that first appeared during the "
        "session; roaming between IPs the mailbox already used, and IPv4/IPv6 switches, are not "
        "reported; a client family change alone is low. Two SessionIds of the owner interleaved "
        "on one mailbox from different IPs [70]: medium when one side is a network or country new "
        "for the identity (a phone and a laptop on known networks are not reported), high when "
        "one of them carries other high findings. Stays C++: sessions, baselines of networks and "
        "countries, geo."},
       &NewSessionIpChangeRule,
       kNoRole,
       &EscalateSessionIpChange},
      {{"suspicious-client",
        "Scripted, legacy or unusual client",
        Severity::kMedium,
        {"T1078.004", "T1059", "T1110.003", "T1114.002"},
        "Offensive or scripting user agents and client strings [60]: AADInternals, azurehound, "
        "axios, fasthttp, BAV2ROPC (legacy-auth sign-in [59]), eM Client, blacklisted ClientAppIds "
        "(rclone, PERFECTDATA, SigParser, ...) [41, 63]: high; Exchange PowerShell mailbox "
        "logins [58]: medium, high for regular users; PowerShell, python, curl, PostmanRuntime: "
        "low when the identity used that kind of client in the baseline, medium when new, high "
        "when new and from a network or country new for the identity. OWA's "
        "Client=OWA;Action=ViaProxy [62] is what ordinary OWA writes and is not reported on its "
        "own. A POP/IMAP/EWS/ActiveSync/REST protocol [65] or a non-first-party ClientAppId "
        "reading mail [41] first used by a user after the baseline: low, medium from a new "
        "network. Low findings are rolled up per identity. Stays C++: baselines of the identity's "
        "clients and networks."},
       &NewSuspiciousClientRule,
       kAttackerBehaviour},
      {{"first-seen-ip",
        "Owner access from a new network or country",
        Severity::kLow,
        {"T1078.004"},
        "Owner activity from a network (IPv4 /24, IPv6 /48, and its ASN with --geoip-asn) or "
        "country the identity had not used in the baseline period (baseline_ms, default 7 days) "
        "[66], resting on the first session from each new IP. A new IP inside a known network or "
        "ASN (a phone's daily IPv6, a home line's new lease) or inside the organization's "
        "infrastructure is not reported. Low for a new place reached with the identity's usual "
        "client and device (travel, a new line), medium for a new place with a new client or "
        "device, high for a new network, a new country and a new client together, or when the IP "
        "carries high-risk changes (forwarding, inbox rules, permission grants, audit tampering) "
        "[66]. One finding per mailbox, actor and day; low ones rolled up per identity. Private "
        "addresses are ignored. Stays C++: baselines of networks, ASNs, countries, clients and "
        "devices."},
       &NewFirstSeenIpRule,
       kNoRole,
       &EscalateFirstSeenIp},
      {{"impossible-travel",
        "Impossible travel between sessions",
        Severity::kHigh,
        {"T1078", "T1078.004"},
        "Consecutive activity of one actor from two IPs whose distance over the elapsed time "
        "exceeds travel_kmh (default 900 km/h; haversine, earth radius 6372.795 km, at least "
        "0.0001 h) [67] when one end is a network or country new for the identity: high (speed "
        "between known places is a VPN or a mobile egress). Pairs closer than the sum of their "
        "accuracy radii and unknown locations never trigger; needs --geoip-city. A country first "
        "seen for the actor after the baseline [68]: low with the identity's usual client and "
        "device (travel), medium with a new one. Stays C++: consecutive sessions of an actor, geo "
        "distances, baselines."},
       &NewImpossibleTravelRule,
       kNoRole},
      {{"ediscovery-search-export",
        "eDiscovery search, export or mailbox search",
        Severity::kHigh,
        {"T1114", "T1114.002", "T1070.008"},
        "Content searches (SearchCreated, SearchStarted, New-/Start-ComplianceSearch) [48]: "
        "medium, high when the actor had no eDiscovery activity during the baseline or the query "
        "holds BEC keywords. Exports and downloads (SearchExported, SearchExportDownloaded, "
        "ViewedSearchExported, New-ComplianceSearchAction -Export, New-MailboxExportRequest) [49] "
        "and purges (SearchResultsPurged, New-ComplianceSearchAction -Purge) [50]: high. "
        "AdminMailAccess [51] and legacy Search-Mailbox / mailbox search / audit log searches "
        "[52]: medium. Stays C++: the baseline of eDiscovery operators and graded severities."},
       &NewEDiscoveryRule,
       kAttackerBehaviour},
      {{"transport-rule-redirect",
        "Transport rule copying or redirecting mail",
        Severity::kHigh,
        {"T1114", "T1020", "T1114.003", "T1537"},
        "New-TransportRule / Set-TransportRule with BlindCopyTo, CopyTo or RedirectMessageTo [13]: "
        "high when a recipient is outside the organization, medium when all are internal. "
        "Remove-/Disable-TransportRule [14] and New-/Set-RemoteDomain with AutoForwardEnabled True "
        "[15]: medium. Stays C++: external means outside the organization's domains (org-domain "
        "state)."},
       &NewTransportRuleRedirectRule,
       kAttackerBehaviour},
      {{"password-reset-new-asn",
        "Password reset followed by a sign-in from a new network",
        Severity::kMedium,
        {"T1078.004", "T1098"},
        "A directory password reset of an identity (Reset user password., Change user password., "
        "Reset password (by admin), or self-service) followed within reset_signin_window_ms "
        "(default 24 hours) by a successful sign-in of that identity from a network it had not "
        "used in the baseline period (baseline_ms): an ASN new for the identity with "
        "--geoip-asn, else a new IPv4 /24 or IPv6 /48; the organization's infrastructure and "
        "private addresses excluded. High when the country is new for the identity too, else "
        "medium; low for an identity with no activity in the baseline (a new account). One "
        "finding per reset; the reset's own IP (the admin's) is not an attacker IP. Stays C++: a "
        "window from the reset to the sign-in, the identity directory (the reset's target) and "
        "per-identity baselines with geo."},
       &NewPasswordResetNewAsnRule,
       kNoRole},
      {{"password-spray",
        "Password spray from one source",
        Severity::kMedium,
        {"T1110.003", "T1110.004"},
        "UserLoginFailed for many distinct identities from one client IP within spray_window_ms "
        "(default 5 minutes) [74b], or from several addresses of one IPv6 /64 or one ASN (with "
        "geo data; never the organization's own) when none of them did it alone. Many scales with the tenant: at least spray_min_identities "
        "(default 5), and at least spray_identities (default 10) or spray_tenant_percent (default "
        "30) % of the identities seen in the case, whichever is smaller, since a 10-seat tenant "
        "never reaches Splunk's 10 accounts: medium. High when the same source then signs one of "
        "them in (UserLoggedIn). Stays C++: the threshold depends on the whole case's identities "
        "and the raise joins a later sign-in."},
       &NewPasswordSprayRule,
       kAttackerBehaviour},
  };
  return *kRules;
}

}  // namespace detect

const std::vector<RuleInfo>& RuleCatalog() {
  static const auto* const kCatalog = [] {
    auto* catalog = new std::vector<RuleInfo>;
    for (const detect::CppRule& r : detect::CppRules()) catalog->push_back(r.info);
    for (const sigma::Rule& r : detect::BuiltinSigmaRules()) {
      // Correlation inputs are not detections: they never report.
      if (!r.input_only) catalog->push_back(detect::SigmaRuleInfo(r));
    }
    return catalog;
  }();
  return *kCatalog;
}

std::string EncodeRuleInfos(const std::vector<RuleInfo>& rules) {
  std::string out;
  PutVarint64(rules.size(), &out);
  for (const RuleInfo& r : rules) {
    PutLengthPrefixed(r.id, &out);
    PutLengthPrefixed(r.title, &out);
    PutVarint64(static_cast<uint64_t>(r.severity), &out);
    PutVarint64(r.attack.size(), &out);
    for (const std::string& a : r.attack) PutLengthPrefixed(a, &out);
    PutLengthPrefixed(r.description, &out);
  }
  return out;
}

absl::StatusOr<std::vector<RuleInfo>> DecodeRuleInfos(std::string_view bytes) {
  Decoder d(bytes);
  uint64_t n = 0;
  std::vector<RuleInfo> rules;
  if (!d.GetVarint64(&n)) return absl::DataLossError("bad loaded-rules record");
  for (uint64_t i = 0; i < n && d.ok(); ++i) {
    RuleInfo r;
    uint64_t severity = 0, attacks = 0;
    d.GetString(&r.id);
    d.GetString(&r.title);
    d.GetVarint64(&severity);
    r.severity = static_cast<Severity>(std::min<uint64_t>(severity, 4));
    d.GetVarint64(&attacks);
    for (uint64_t a = 0; a < attacks && d.ok(); ++a) d.GetString(&r.attack.emplace_back());
    d.GetString(&r.description);
    rules.push_back(std::move(r));
  }
  if (!d.ok() || !d.done()) return absl::DataLossError("bad loaded-rules record");
  return rules;
}

namespace detect {

const RuleInfo& CatalogEntry(std::string_view id) {
  for (const RuleInfo& info : RuleCatalog()) {
    if (info.id == id) return info;
  }
  // A rule naming an id the registry does not have is a defect, never an
  // "unknown-rule" finding.
  std::fprintf(stderr, "tern: internal error: rule id '%.*s' is not in the catalog\n",
               static_cast<int>(id.size()), id.data());
  std::abort();
}

}  // namespace detect
}  // namespace tern
