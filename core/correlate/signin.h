// Entra ID sign-ins as first-class records (issue 13): RecordType 15
// UserLoggedIn / UserLoginFailed normalized from the flattened AuditData
// (Event::extra): user agent, request type, authentication method, error
// code and the session ids that link a sign-in to the mailbox sessions it
// opened (DETECTIONS.md section 2: DeviceProperties.SessionId ==
// AppAccessContext.AADSessionId of the Exchange records). Pure functions;
// thread-safe.
#ifndef TERN_CORE_CORRELATE_SIGNIN_H_
#define TERN_CORE_CORRELATE_SIGNIN_H_

#include <string>

#include "core/correlate/identity_directory.h"
#include "core/model/event.h"

namespace tern::correlate {

struct SignIn {
  bool succeeded = false;
  std::string user_agent;      // ExtendedProperties.UserAgent
  std::string request_type;    // ExtendedProperties.RequestType ("OAuth2:Authorize", ...)
  std::string auth_method;     // UserAuthenticationMethod / authentication details
  std::string error_code;      // ErrorNumber ("0" on success), "" when absent
  std::string result_detail;   // ExtendedProperties.ResultStatusDetail / LogonError
  std::string session_id;      // DeviceProperties.SessionId (the Entra sign-in session)
  std::string application_id;  // ApplicationId (the client application)
};

// True for RecordType 15 UserLoggedIn / UserLoginFailed (and other
// "…Login…" operations of the Entra ID STS).
bool IsSignIn(const Event& e);

// The normalized sign-in. REQUIRES: IsSignIn(e).
SignIn ReadSignIn(const Event& e);

// The Entra sign-in session an event belongs to: DeviceProperties.SessionId
// for sign-ins, AppAccessContext.AADSessionId for Exchange records; "".
std::string SignInSessionOf(const Event& e);

// One line for timelines: "sign-in succeeded (OAuth2:Authorize, Chrome …)"
// or "sign-in failed: error 50126 InvalidUserNameOrPassword".
std::string DescribeSignIn(const SignIn& s);

// The UPN of the identity an Entra ID directory record (RecordType 8, e.g.
// "Reset user password.") changes: the Target array's UPN, else its object
// id resolved through `identities`, else an ObjectId that is an address;
// "" when none.
std::string TargetUpnOf(const Event& e, const IdentityDirectory& identities);

}  // namespace tern::correlate

#endif  // TERN_CORE_CORRELATE_SIGNIN_H_
