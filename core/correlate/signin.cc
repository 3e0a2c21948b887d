#include "core/correlate/signin.h"

#include <string_view>

#include "core/base/strings.h"
#include "core/correlate/text.h"

namespace tern::correlate {
namespace {

constexpr int32_t kRecordAadStsLogon = 15;

std::string ExtraText(const Event& e, std::string_view path) {
  const NameValue* nv = Event::Find(e.extra, path);
  return nv == nullptr ? std::string() : std::string(Trim(nv->value));
}

}  // namespace

bool IsSignIn(const Event& e) {
  return e.record_type == kRecordAadStsLogon || EqualsIgnoreCase(e.operation, "UserLoggedIn") ||
         EqualsIgnoreCase(e.operation, "UserLoginFailed");
}

SignIn ReadSignIn(const Event& e) {
  SignIn s;
  s.succeeded = !EqualsIgnoreCase(e.operation, "UserLoginFailed") &&
                !EqualsIgnoreCase(e.result_status, "Failed") &&
                !EqualsIgnoreCase(e.result_status, "Failure");
  s.user_agent = ExtraText(e, "ExtendedProperties.UserAgent");
  if (s.user_agent.empty()) s.user_agent = e.client_info;
  s.request_type = ExtraText(e, "ExtendedProperties.RequestType");
  s.auth_method = ExtraText(e, "UserAuthenticationMethod");
  if (s.auth_method.empty()) s.auth_method = ExtraText(e, "AuthenticationMethod");
  s.error_code = ExtraText(e, "ErrorNumber");
  s.result_detail = ExtraText(e, "LogonError");
  if (s.result_detail.empty())
    s.result_detail = ExtraText(e, "ExtendedProperties.ResultStatusDetail");
  s.session_id = Lower(ExtraText(e, "DeviceProperties.SessionId"));
  s.application_id = ExtraText(e, "ApplicationId");
  return s;
}

std::string SignInSessionOf(const Event& e) {
  if (IsSignIn(e)) return Lower(ExtraText(e, "DeviceProperties.SessionId"));
  return Lower(Trim(e.aad_session_id));
}

std::string DescribeSignIn(const SignIn& s) {
  std::string out = s.succeeded ? "sign-in succeeded" : "sign-in failed";
  if (!s.succeeded && !s.error_code.empty() && s.error_code != "0") {
    out = Cat(out, ": error ", s.error_code);
  }
  if (!s.result_detail.empty()) out = Cat(out, " ", s.result_detail);
  std::string how;
  for (const std::string* part : {&s.request_type, &s.auth_method, &s.user_agent}) {
    if (part->empty()) continue;
    how = how.empty() ? *part : Cat(how, ", ", *part);
  }
  if (!how.empty()) out = Cat(out, " (", how, ")");
  if (!s.session_id.empty()) out = Cat(out, " session ", s.session_id);
  return out;
}

std::string TargetUpnOf(const Event& e, const IdentityDirectory& identities) {
  const std::string tenant = TenantOf(e);
  std::string fallback;
  for (const NameValue& nv : e.extra) {
    if (!EqualsIgnoreCase(nv.name, "Target.ID")) continue;
    const std::string id = NormalIdentifier(nv.value);
    if (id.find('@') != std::string::npos) {
      const std::string upn = identities.UpnOf(tenant, id);
      return upn.empty() ? id : upn;
    }
    if (fallback.empty() && StartsWithIgnoreCase(Trim(nv.value), "User_")) {
      fallback = identities.UpnOf(tenant, id);
    }
  }
  if (!fallback.empty()) return fallback;
  const std::string object = Lower(Trim(e.object_id));
  return object.find('@') != std::string::npos ? object : "";
}

}  // namespace tern::correlate
