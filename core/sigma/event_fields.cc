#include "core/sigma/event_fields.h"

#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "core/base/strings.h"
#include "core/base/time.h"
#include "core/correlate/text.h"
#include "core/model/enums.h"

namespace tern::sigma {

using correlate::Lower;

enum class FieldRef::Source : uint8_t {
  kId,
  kCreationTime,
  kRecordType,
  kOperation,
  kWorkload,
  kResultStatus,
  kOrganizationId,
  kUserId,
  kLogonUserSid,
  kLogonUserDisplayName,
  kUserType,
  kLogonType,
  kMailboxGuid,
  kMailboxOwnerUpn,
  kClientIp,
  kClientInfo,
  kSessionId,
  kAadSessionId,
  kAppId,
  kClientAppId,
  kExternalAccess,
  kObjectId,
  kParameters,      // sub_ empty: every name and value
  kOperationProps,  // likewise
  kItemSubject,
  kItemFolder,
  kItemMessageId,
  kItemId,
  kItemSize,
  kFolders,
  kExtra,  // extra entries named sub_ or under "sub_."
};

namespace {

struct Alias {
  std::string_view name;
  int source;
};

// Top-level AuditData keys of the Office 365 Management Activity schema
// (common, Exchange mailbox/admin, Azure AD, SCC, ATP) that tern keeps in
// `extra` or its own fields; a rule naming another field gets a lint warning.
constexpr std::string_view kKnownKeys[] = {"AccessedResources",
                                           "Actor",
                                           "ActorContextId",
                                           "ActorIpAddress",
                                           "AffectedItems",
                                           "AlertEntityId",
                                           "AlertId",
                                           "AlertLinks",
                                           "AlertType",
                                           "APIId",
                                           "AppAccessContext",
                                           "AppId",
                                           "Application",
                                           "ApplicationDisplayName",
                                           "ApplicationId",
                                           "AttachmentData",
                                           "AuthType",
                                           "AzureActiveDirectoryEventType",
                                           "CaseId",
                                           "Cases",
                                           "Category",
                                           "ClientAppId",
                                           "ClientAppName",
                                           "ClientInfoString",
                                           "ClientIP",
                                           "ClientIPAddress",
                                           "ClientMachineName",
                                           "ClientProcessName",
                                           "ClientRequestId",
                                           "ClientVersion",
                                           "Comments",
                                           "CorrelationId",
                                           "CreationTime",
                                           "CrossMailboxOperation",
                                           "CrossMailboxOperations",
                                           "Data",
                                           "DeliveryAction",
                                           "DestFolder",
                                           "DestMailboxId",
                                           "DestMailboxOwnerMasterAccountSid",
                                           "DestMailboxOwnerSid",
                                           "DestMailboxOwnerUPN",
                                           "DetectionMethod",
                                           "DetectionType",
                                           "DeviceDisplayName",
                                           "DeviceProperties",
                                           "Directionality",
                                           "EntityType",
                                           "ErrorNumber",
                                           "EventDeepLink",
                                           "EventSource",
                                           "ExceptionInfo",
                                           "ExchangeMetaData",
                                           "ExtendedProperties",
                                           "ExternalAccess",
                                           "Folder",
                                           "Folders",
                                           "Id",
                                           "IncidentId",
                                           "InternalLogonType",
                                           "InternetMessageId",
                                           "InterSystemsId",
                                           "IntraSystemId",
                                           "IsThrottled",
                                           "IssuedAtTime",
                                           "Item",
                                           "ItemName",
                                           "ItemType",
                                           "KeepMeSignedIn",
                                           "LoginStatus",
                                           "LogonError",
                                           "LogonType",
                                           "LogonUserDisplayName",
                                           "LogonUserSid",
                                           "MailAccessType",
                                           "MailboxGuid",
                                           "MailboxOwnerMasterAccountSid",
                                           "MailboxOwnerSid",
                                           "MailboxOwnerUPN",
                                           "Members",
                                           "Messages",
                                           "MessageTime",
                                           "ModifiedObjectResolvedName",
                                           "ModifiedProperties",
                                           "Name",
                                           "NetworkMessageId",
                                           "ObjectId",
                                           "ObjectType",
                                           "Operation",
                                           "OperationCount",
                                           "OperationDetails",
                                           "OperationProperties",
                                           "OrganizationId",
                                           "OrganizationName",
                                           "OriginatingServer",
                                           "P1Sender",
                                           "P2Sender",
                                           "Parameters",
                                           "Platform",
                                           "Policy",
                                           "PolicyAction",
                                           "PolicyId",
                                           "PolicyName",
                                           "Query",
                                           "Recipients",
                                           "RecordType",
                                           "RequestType",
                                           "ResultStatus",
                                           "ResultStatusDetail",
                                           "Scope",
                                           "SendAsUserMailboxGuid",
                                           "SendAsUserSmtp",
                                           "SenderIp",
                                           "SendOnBehalfOfUserMailboxGuid",
                                           "SendOnBehalfOfUserSmtp",
                                           "SessionId",
                                           "Severity",
                                           "SharePointMetaData",
                                           "Site",
                                           "SiteUrl",
                                           "Source",
                                           "SourceFileExtension",
                                           "SourceFileName",
                                           "SourceRelativeUrl",
                                           "Status",
                                           "SubOperation",
                                           "Subject",
                                           "SupportTicketId",
                                           "Target",
                                           "TargetContextId",
                                           "TargetUserOrGroupName",
                                           "TargetUserOrGroupType",
                                           "ThreatsAndDetectionTech",
                                           "TokenObjectId",
                                           "TokenTenantId",
                                           "TokenType",
                                           "UniqueTokenId",
                                           "UserAgent",
                                           "UserAuthenticationMethod",
                                           "UserId",
                                           "UserIds",
                                           "UserKey",
                                           "UserType",
                                           "Verdict",
                                           "Version",
                                           "Workload"};

const absl::flat_hash_map<std::string, FieldRef::Source>& Aliases() {
  using S = FieldRef::Source;
  static const auto* const kMap = new absl::flat_hash_map<std::string, S>{
      {"id", S::kId},
      {"creationtime", S::kCreationTime},
      {"recordtype", S::kRecordType},
      {"operation", S::kOperation},
      {"operations", S::kOperation},
      {"workload", S::kWorkload},
      {"resultstatus", S::kResultStatus},
      {"organizationid", S::kOrganizationId},
      {"userid", S::kUserId},
      {"userids", S::kUserId},
      {"logonusersid", S::kLogonUserSid},
      {"logonuserdisplayname", S::kLogonUserDisplayName},
      {"usertype", S::kUserType},
      {"logontype", S::kLogonType},
      {"mailboxguid", S::kMailboxGuid},
      {"mailboxownerupn", S::kMailboxOwnerUpn},
      {"clientip", S::kClientIp},
      {"clientipaddress", S::kClientIp},
      {"client_ipaddress", S::kClientIp},
      {"actoripaddress", S::kClientIp},
      {"clientinfostring", S::kClientInfo},
      {"useragent", S::kClientInfo},
      {"sessionid", S::kSessionId},
      {"appaccesscontext.aadsessionid", S::kAadSessionId},
      {"appid", S::kAppId},
      {"clientappid", S::kClientAppId},
      {"appaccesscontext.clientappid", S::kClientAppId},
      {"externalaccess", S::kExternalAccess},
      {"objectid", S::kObjectId},
      {"officeobjectid", S::kObjectId},
      {"parameters", S::kParameters},
      {"operationproperties", S::kOperationProps},
      {"item.subject", S::kItemSubject},
      {"affecteditems.subject", S::kItemSubject},
      {"folders.folderitems.subject", S::kItemSubject},
      {"item.parentfolder.path", S::kItemFolder},
      {"affecteditems.parentfolder.path", S::kItemFolder},
      {"item.internetmessageid", S::kItemMessageId},
      {"affecteditems.internetmessageid", S::kItemMessageId},
      {"folders.folderitems.internetmessageid", S::kItemMessageId},
      {"item.id", S::kItemId},
      {"affecteditems.id", S::kItemId},
      {"folders.folderitems.id", S::kItemId},
      {"item.sizeinbytes", S::kItemSize},
      {"folder.path", S::kFolders},
      {"folders.path", S::kFolders},
      {"destfolder.path", S::kFolders},
  };
  return *kMap;
}

// Case-sensitive, as the keys are written: `eventSource` (a CloudTrail-style
// field some Sigma rules use) is not UAL's SharePoint `EventSource`.
bool KnownTopLevel(std::string_view name) {
  static const auto* const kSet =
      new absl::flat_hash_set<std::string_view>(std::begin(kKnownKeys), std::end(kKnownKeys));
  return kSet->contains(name.substr(0, name.find('.')));
}

void AddNameValues(const std::vector<NameValue>& list, std::string_view sub, FieldValues& out) {
  for (const NameValue& nv : list) {
    if (sub.empty()) {
      out.Add(nv.name);
      if (nv.has_value) out.Add(nv.value);
    } else if (EqualsIgnoreCase(nv.name, sub)) {
      // {"Name":"X"} without a Value: present, with an empty value.
      out.Add(nv.has_value ? std::string_view(nv.value) : std::string_view());
    }
  }
}

void AddEnum(int32_t n, std::string_view name, FieldValues& out) {
  if (n < 0) return;
  out.AddOwned(std::to_string(n));
  if (!name.empty()) out.Add(name);
}

void AddIfSet(std::string_view v, FieldValues& out) {
  if (!v.empty()) out.Add(v);
}

}  // namespace

FieldRef FieldRef::Resolve(std::string_view name) {
  FieldRef ref;
  ref.name_ = std::string(name);
  ref.known_ = KnownTopLevel(name);
  const std::string lower = Lower(name);
  if (auto it = Aliases().find(lower); it != Aliases().end()) {
    ref.source_ = it->second;
    return ref;
  }
  for (auto [prefix, source] :
       {std::pair{std::string_view("parameters."), Source::kParameters},
        std::pair{std::string_view("operationproperties."), Source::kOperationProps}}) {
    if (StartsWithIgnoreCase(lower, prefix)) {
      ref.source_ = source;
      ref.sub_ = std::string(name.substr(prefix.size()));
      return ref;
    }
  }
  ref.source_ = Source::kExtra;
  ref.sub_ = std::string(name);
  return ref;
}

bool FieldRef::is_operation() const { return source_ == Source::kOperation; }

void FieldRef::Collect(const Event& e, FieldValues& out) const {
  switch (source_) {
    case Source::kId:
      return AddIfSet(e.record_id, out);
    case Source::kCreationTime:
      if (!(e.flags & kFlagNoTime)) out.AddOwned(FormatRfc3339(e.time_ms));
      return;
    case Source::kRecordType:
      return AddEnum(e.record_type, RecordTypeName(e.record_type), out);
    case Source::kOperation:
      return AddIfSet(e.operation, out);
    case Source::kWorkload:
      return AddIfSet(e.workload, out);
    case Source::kResultStatus:
      return AddIfSet(e.result_status, out);
    case Source::kOrganizationId:
      return AddIfSet(e.organization_id, out);
    case Source::kUserId:
      if (!e.actor_upn.empty()) out.AddOwned(Lower(e.actor_upn));
      return;
    case Source::kLogonUserSid:
      return AddIfSet(e.actor_sid, out);
    case Source::kLogonUserDisplayName:
      return AddIfSet(e.actor_display, out);
    case Source::kUserType:
      return AddEnum(e.user_type, UserTypeName(e.user_type), out);
    case Source::kLogonType:
      return AddEnum(e.logon_type, LogonTypeName(e.logon_type), out);
    case Source::kMailboxGuid:
      return AddIfSet(e.mailbox_guid, out);
    case Source::kMailboxOwnerUpn:
      if (!e.mailbox_upn.empty()) out.AddOwned(Lower(e.mailbox_upn));
      return;
    case Source::kClientIp:
      return AddIfSet(e.client_ip, out);
    case Source::kClientInfo:
      return AddIfSet(e.client_info, out);
    case Source::kSessionId:
      return AddIfSet(e.session_id, out);
    case Source::kAadSessionId:
      return AddIfSet(e.aad_session_id, out);
    case Source::kAppId:
      return AddIfSet(e.app_id, out);
    case Source::kClientAppId:
      return AddIfSet(e.client_app_id, out);
    case Source::kExternalAccess:
      if (e.external_access >= 0) out.Add(e.external_access ? "True" : "False");
      return;
    case Source::kObjectId:
      return AddIfSet(e.object_id, out);
    case Source::kParameters:
      return AddNameValues(e.parameters, sub_, out);
    case Source::kOperationProps:
      return AddNameValues(e.operation_properties, sub_, out);
    case Source::kItemSubject:
      for (const MailItem& item : e.items) AddIfSet(item.subject, out);
      return;
    case Source::kItemFolder:
      for (const MailItem& item : e.items) AddIfSet(item.folder, out);
      return;
    case Source::kItemMessageId:
      for (const MailItem& item : e.items) AddIfSet(item.message_id, out);
      return;
    case Source::kItemId:
      for (const MailItem& item : e.items) AddIfSet(item.item_id, out);
      return;
    case Source::kItemSize:
      for (const MailItem& item : e.items) {
        if (item.size_bytes >= 0) out.AddOwned(std::to_string(item.size_bytes));
      }
      return;
    case Source::kFolders:
      for (const std::string& f : e.folders) out.Add(f);
      return;
    case Source::kExtra:
      for (const NameValue& nv : e.extra) {
        if (nv.name.size() < sub_.size() || !StartsWithIgnoreCase(nv.name, sub_)) continue;
        if (nv.name.size() == sub_.size() || nv.name[sub_.size()] == '.') {
          out.Add(nv.has_value ? std::string_view(nv.value) : std::string_view());
        }
      }
      return;
  }
}

void CollectAllValues(const Event& e, FieldValues& out) {
  for (const std::string* s :
       {&e.record_id, &e.operation, &e.workload, &e.result_status, &e.organization_id, &e.actor_upn,
        &e.actor_sid, &e.actor_display, &e.mailbox_guid, &e.mailbox_upn, &e.client_ip,
        &e.client_ip_raw, &e.client_info, &e.session_id, &e.aad_session_id, &e.app_id,
        &e.client_app_id, &e.object_id}) {
    AddIfSet(*s, out);
  }
  AddNameValues(e.parameters, "", out);
  AddNameValues(e.operation_properties, "", out);
  for (const MailItem& item : e.items) {
    AddIfSet(item.subject, out);
    AddIfSet(item.folder, out);
    AddIfSet(item.message_id, out);
  }
  for (const std::string& f : e.folders) out.Add(f);
  for (const NameValue& nv : e.extra) AddIfSet(nv.value, out);
}

}  // namespace tern::sigma
