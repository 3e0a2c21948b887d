// Propagation macros for absl::Status / absl::StatusOr.
//
// Debian 12 ships Abseil 20220623, which predates absl's own status_macros.h,
// so tern carries these two small macros. Thread-safe: they are expressions.
#ifndef TERN_CORE_BASE_STATUS_MACROS_H_
#define TERN_CORE_BASE_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define TERN_STATUS_CONCAT_INNER_(a, b) a##b
#define TERN_STATUS_CONCAT_(a, b) TERN_STATUS_CONCAT_INNER_(a, b)

// Evaluates `expr` (an absl::Status); returns it from the caller when not OK.
#define TERN_RETURN_IF_ERROR(expr)                   \
  do {                                               \
    ::absl::Status tern_status_ = (expr);            \
    if (!tern_status_.ok()) return tern_status_;     \
  } while (0)

// Evaluates `rexpr` (an absl::StatusOr<T>); on error returns its status,
// otherwise moves the value into `lhs` (which may be a declaration).
#define TERN_ASSIGN_OR_RETURN(lhs, rexpr) \
  TERN_ASSIGN_OR_RETURN_IMPL_(TERN_STATUS_CONCAT_(tern_statusor_, __LINE__), lhs, rexpr)

#define TERN_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()

#endif  // TERN_CORE_BASE_STATUS_MACROS_H_
