// Delegation and role grants: mailbox and folder permissions [18-22] and
// RBAC / impersonation roles [53, 54] (DETECTIONS.md sections 1.C and 1.H).
#include <set>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "core/base/ip.h"
#include "core/detect/fields.h"
#include "core/detect/rules.h"

namespace tern::detect {
namespace {

bool ListHas(std::string_view list, std::string_view item) {
  return ContainsIgnoreCase(list, item);
}

// The folder named by a folder-permission Identity ("mailbox:\Inbox").
std::string IdentityFolder(std::string_view identity) {
  const size_t p = identity.find(":\\");
  return p == std::string_view::npos ? std::string()
                                     : std::string(FolderLeaf(identity.substr(p + 1)));
}

bool IsInboxOrTop(std::string_view folder) {
  const std::string_view leaf = FolderLeaf(folder);
  return leaf.empty() || EqualsIgnoreCase(leaf, "Inbox") ||
         EqualsIgnoreCase(leaf, "Top of Information Store");
}

// A value from `extra` whose name ends with `suffix` (e.g. the parser may
// name Item.ParentFolder.MemberRights either way).
std::string_view ExtraSuffix(const Event& e, std::string_view suffix) {
  for (const NameValue& nv : e.extra) {
    if (EndsWithIgnoreCase(nv.name, suffix)) return nv.value;
  }
  return {};
}

class PermissionGrantRule : public Rule {
 public:
  PermissionGrantRule(const RuleEnv& env, const RuleInfo& info) : env_(env), info_(info) {}

  void OnEvent(const EventContext& ctx) override {
    const Event& e = ctx.e();
    // Admins active during the baseline, with the IPs they used then: their
    // grants are routine helpdesk work unless they come from elsewhere [18].
    if (e.record_type == kRecordExchangeAdmin && e.time_ms < env_.baseline_end && !ctx.system &&
        !ctx.actor.empty()) {
      baseline_admin_ips_.insert(Cat(ctx.actor, '|', e.client_ip));
    }
    if (!Succeeded(e) || ctx.system) return;
    if (OpIs(e, "Add-MailboxPermission")) {
      const std::string_view rights = Param(e, "AccessRights");
      if (IsTrue(Param(e, "Deny"))) return;
      // Hawk's exclusion of the Discovery Search Mailbox system grant (section 0.5).
      if (ContainsIgnoreCase(e.object_id, "DiscoverySearchMailbox") ||
          ContainsIgnoreCase(Param(e, "Identity"), "DiscoverySearchMailbox")) {
        return;
      }
      for (std::string_view right : {"FullAccess", "ChangePermission", "ChangeOwner"}) {
        if (ListHas(rights, right)) {
          Grant(ctx, Param(e, "User"), right);
        }
      }
    } else if (OpIs(e, "Add-RecipientPermission") && ListHas(Param(e, "AccessRights"), "SendAs")) {
      Grant(ctx, Param(e, "Trustee"), "SendAs");
    } else if (OpIs(e, "Set-Mailbox") && !Trim(Param(e, "GrantSendOnBehalfTo")).empty() &&
               !EqualsIgnoreCase(Trim(Param(e, "GrantSendOnBehalfTo")), "$null")) {
      Grant(ctx, Param(e, "GrantSendOnBehalfTo"), "SendOnBehalf");
    } else if (OpIs(e, "Add-ADPermission") && (ListHas(Param(e, "ExtendedRights"), "Send-As") ||
                                               ListHas(Param(e, "ExtendedRights"), "Send As"))) {
      Grant(ctx, Param(e, "User"), "SendAs");
    } else if (OpIn(e, {"Add-MailboxFolderPermission", "Set-MailboxFolderPermission"})) {
      FolderCmdlet(ctx);
    } else if (OpIn(e, {"AddFolderPermissions", "ModifyFolderPermissions",
                        "UpdateFolderPermissions"})) {
      FolderAudit(ctx);
    } else if (OpIs(e, "UpdateCalendarDelegation")) {
      Incident& inc = Open(ctx, "calendar");
      inc.Add(ctx);
      inc.Raise(Severity::kLow, "calendar delegation changed");
    }
  }

 private:
  Incident& Open(const EventContext& ctx, std::string_view what) {
    return env_.incidents->Open(info_,
                                Cat(ctx.mailbox.key(), '|', what, '|', DayOf(ctx.e().time_ms)));
  }

  bool KnownAdmin(const EventContext& ctx) const {
    return ctx.after_baseline &&
           baseline_admin_ips_.contains(Cat(ctx.actor, '|', ctx.e().client_ip));
  }

  // [18, 19]
  void Grant(const EventContext& ctx, std::string_view grantee_text, std::string_view right) {
    const correlate::MailboxRef grantee =
        env_.directory->Resolve(grantee_text, correlate::TenantOf(ctx.e()));
    const std::string grantee_id = grantee.upn.empty() ? Lower(Trim(grantee_text)) : grantee.upn;
    env_.facts->grants.insert(SharedFacts::GrantKey(grantee_id, ctx.mailbox.key()));
    Incident& inc = Open(ctx, Cat("grant|", grantee_id));
    inc.Add(ctx);
    inc.List("rights", right);
    inc.Set("grantee", grantee_id);
    inc.SetTitle(Cat(right, " on ", ctx.mailbox.upn.empty() ? ctx.mailbox.key() : ctx.mailbox.upn,
                     " granted to ", grantee_id));
    if (KnownAdmin(ctx)) {
      inc.Raise(Severity::kMedium, "granted by an admin active during the baseline");
    } else {
      inc.Raise(Severity::kHigh, Cat(right, " granted"));
    }
  }

  // [20a, 21] Splunk's rights list plus Editor / PublishingEditor, which
  // include reading as well.
  void FolderCmdlet(const EventContext& ctx) {
    const Event& e = ctx.e();
    const std::string_view rights = Param(e, "AccessRights");
    bool reads = false;
    for (std::string_view r : {"ReadItems", "Author", "NonEditingAuthor", "Owner",
                               "PublishingAuthor", "Reviewer", "Editor", "PublishingEditor"}) {
      reads |= ListHas(rights, r);
    }
    if (!reads) return;
    const std::string folder = IdentityFolder(Param(e, "Identity"));
    const std::string_view user = Param(e, "User");
    Incident& inc = Open(ctx, "folder");
    inc.Add(ctx);
    inc.List("folders", folder.empty() ? "(top of information store)" : folder);
    inc.List("grantees", user);
    inc.List("rights", rights);
    if (IsInboxOrTop(folder)) {
      inc.Raise(Severity::kHigh, "read access to Inbox or the whole mailbox");
    } else {
      inc.Raise(Severity::kMedium, "folder read permission granted");
    }
  }

  // [20b, 21] mailbox audit records of folder permission changes.
  void FolderAudit(const EventContext& ctx) {
    const Event& e = ctx.e();
    std::string folder = e.items.empty() ? "" : e.items.front().folder;
    if (folder.empty() && !e.folders.empty()) folder = e.folders.front();
    const std::string_view leaf = FolderLeaf(folder);
    for (std::string_view skip : {"Calendar", "Contacts", "PersonMetadata"}) {
      if (EqualsIgnoreCase(leaf, skip)) return;
    }
    const std::string_view rights = ExtraSuffix(e, "MemberRights");
    if (!ListHas(rights, "ReadAny")) return;
    const std::string_view member = ExtraSuffix(e, "MemberUpn");
    Incident& inc = Open(ctx, "folder");
    inc.Add(ctx);
    inc.List("folders", folder);
    inc.List("grantees", member);
    inc.List("rights", rights);
    const bool everyone = EqualsIgnoreCase(member, "Everyone") ||
                          EqualsIgnoreCase(member, "Default") ||
                          EqualsIgnoreCase(member, "Anonymous");
    if (IsInboxOrTop(folder) && everyone) {
      inc.Raise(Severity::kHigh, "Inbox shared with Default / Anonymous / Everyone");
    } else if (IsInboxOrTop(folder)) {
      inc.Raise(Severity::kHigh, "read access to Inbox or the whole mailbox");
    } else {
      inc.Raise(Severity::kMedium, "folder read permission granted");
    }
  }

  RuleEnv env_;
  const RuleInfo& info_;
  absl::flat_hash_set<std::string> baseline_admin_ips_;  // actor|ip
};

// [53, 54]
class ImpersonationRoleRule : public Rule {
 public:
  ImpersonationRoleRule(const RuleEnv& env, const RuleInfo& info) : env_(env), info_(info) {}

  void OnEvent(const EventContext& ctx) override {
    const Event& e = ctx.e();
    // Hawk's RBAC change list (entry 54).
    if (!OpIn(e, {"New-ManagementRole", "Remove-ManagementRole", "New-ManagementRoleAssignment",
                  "Remove-ManagementRoleAssignment", "Set-ManagementRoleAssignment",
                  "New-ManagementScope", "Remove-ManagementScope", "Set-ManagementScope",
                  "New-ManagementRoleEntry", "Remove-ManagementRoleEntry",
                  "Set-ManagementRoleEntry", "New-RoleGroup", "Remove-RoleGroup", "Set-RoleGroup",
                  "Add-RoleGroupMember", "Remove-RoleGroupMember", "Update-RoleGroupMember"}) ||
        !Succeeded(e) || ctx.system) {
      return;
    }
    std::string role(Param(e, "Role"));
    if (role.empty()) role = std::string(Param(e, "Identity"));
    if (role.empty()) role = std::string(Param(e, "Name"));
    if (role.empty()) role = e.object_id;
    Incident& inc =
        env_.incidents->Open(info_, Cat(Lower(role), '|', ctx.actor, '|', DayOf(e.time_ms)));
    inc.Add(ctx);
    inc.List("roles", role);
    inc.List("operations", e.operation);
    for (std::string_view name : {"User", "SecurityGroup", "App", "Member", "Members"}) {
      inc.List("grantees", Param(e, name));
    }
    inc.List("scopes", Param(e, "CustomRecipientWriteScope"));
    std::string all = Cat(role, ' ', e.object_id);
    for (const NameValue& nv : e.parameters) all += Cat(' ', nv.value);
    if (ContainsIgnoreCase(all, "ApplicationImpersonation") &&
        OpIs(e, "New-ManagementRoleAssignment")) {
      inc.SetTitle(Cat("ApplicationImpersonation assigned by ", ctx.actor));
      inc.Raise(Severity::kCritical, "ApplicationImpersonation role assigned");
      return;
    }
    for (std::string_view sensitive :
         {"ApplicationImpersonation", "Mailbox Import Export", "Discovery Management",
          "eDiscovery Manager", "Organization Management"}) {
      if (ContainsIgnoreCase(all, sensitive)) {
        inc.Raise(Severity::kHigh, Cat("RBAC change involving ", sensitive));
        return;
      }
    }
    inc.Raise(Severity::kMedium, "Exchange RBAC change");
  }

 private:
  RuleEnv env_;
  const RuleInfo& info_;
};

}  // namespace

std::string SharedFacts::GrantKey(std::string_view grantee, std::string_view mailbox_key) {
  return Cat(Lower(grantee), '\x1f', mailbox_key);
}

std::unique_ptr<Rule> NewPermissionGrantRule(const RuleEnv& env, const RuleInfo& info) {
  return std::make_unique<PermissionGrantRule>(env, info);
}
std::unique_ptr<Rule> NewImpersonationRoleRule(const RuleEnv& env, const RuleInfo& info) {
  return std::make_unique<ImpersonationRoleRule>(env, info);
}

}  // namespace tern::detect
