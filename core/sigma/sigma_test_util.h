// Test helpers for the Sigma engine: compiling a rule from a YAML snippet
// and building real-shaped audit events.
#ifndef TERN_CORE_SIGMA_SIGMA_TEST_UTIL_H_
#define TERN_CORE_SIGMA_SIGMA_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "core/model/event.h"
#include "core/sigma/loader.h"

namespace tern::sigma::testing_util {

inline std::vector<std::string> Messages(const RuleLoad& load) {
  std::vector<std::string> out;
  for (const Diagnostic& d : load.diagnostics) out.push_back(d.ToString());
  return out;
}

// Compiles one rule; `body` holds at least the detection (title, id,
// logsource and level are added when missing). Fails the test on errors.
inline Rule Compile(const std::string& body) {
  std::string text = body;
  if (text.find("title:") == std::string::npos) text = "title: Test rule\n" + text;
  if (text.find("\nid:") == std::string::npos && !text.starts_with("id:")) {
    text = "id: test-rule\n" + text;
  }
  if (text.find("logsource:") == std::string::npos) text += "logsource:\n  product: m365\n";
  if (text.find("level:") == std::string::npos) text += "level: medium\n";
  RuleLoad load;
  LoadText(text, "test.yml", load);
  for (const std::string& m : Messages(load)) ADD_FAILURE() << m;
  if (load.rules.empty()) return Rule{};
  return load.rules.front();
}

// An ExchangeAdmin cmdlet record.
inline Event Admin(std::string operation, std::vector<NameValue> parameters = {}) {
  Event e;
  e.record_id = "id-" + operation;
  e.record_type = 1;
  e.operation = std::move(operation);
  e.workload = "Exchange";
  e.result_status = "True";
  e.actor_upn = "Admin@Contoso.com";
  e.client_ip_raw = "203.0.113.5:51234";
  e.client_ip = "203.0.113.5";
  e.parameters = std::move(parameters);
  return e;
}

// An Azure AD sign-in record with its ExtendedProperties flattened.
inline Event Login(std::string operation, std::string user, std::string ip, TimeMs t) {
  Event e;
  e.record_id = "login-" + user + "-" + std::to_string(t);
  e.record_type = 15;
  e.operation = std::move(operation);
  e.workload = "AzureActiveDirectory";
  e.actor_upn = std::move(user);
  e.client_ip = ip;
  e.client_ip_raw = ip;
  e.time_ms = t;
  e.extra.push_back({"ExtendedProperties.UserAgent", "python-requests/2.31"});
  e.extra.push_back({"ExtendedProperties.RequestType", "OAuth2:Token"});
  return e;
}

}  // namespace tern::sigma::testing_util

#endif  // TERN_CORE_SIGMA_SIGMA_TEST_UTIL_H_
