// A minimal HTTP client for the exports: POST a body, get status and body
// back. The only libcurl user in tern; no curl type appears here.
//
// Transport failures (refused, unreachable, timed out, DNS) are Unavailable
// with curl's own message; any HTTP answer, 4xx and 5xx included, is a
// response for the caller to judge. Thread-compatible: one client per
// thread (it keeps its connection alive between requests).
#ifndef TERN_REPORTS_EXPORT_HTTP_CLIENT_H_
#define TERN_REPORTS_EXPORT_HTTP_CLIENT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace tern {

struct HttpResponse {
  long status = 0;  // HTTP status code
  std::string body;
};

class HttpClient {
 public:
  // InternalError if libcurl cannot be initialized.
  static absl::StatusOr<std::unique_ptr<HttpClient>> Create();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // POSTs `body` to `url`. `timeout_ms` bounds the whole request (0 = none);
  // connecting alone is bounded by 10 s.
  absl::StatusOr<HttpResponse> Post(const std::string& url, std::string_view body,
                                    int64_t timeout_ms);

  // Percent-encodes `text` for a URL query parameter value.
  std::string Escape(std::string_view text);

 private:
  struct Impl;
  explicit HttpClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// `url` with the password of its user-info part ("http://u:p@host/")
// replaced by "***", for messages and logs.
std::string RedactUrl(std::string_view url);

}  // namespace tern

#endif  // TERN_REPORTS_EXPORT_HTTP_CLIENT_H_
