// The version of this build of tern (CMake's PROJECT_VERSION), recorded in
// run records, custody, manifests and reports. Thread-safe.
#ifndef TERN_CORE_BASE_VERSION_H_
#define TERN_CORE_BASE_VERSION_H_

namespace tern {

// "1.2.0"; "0.0.0-dev" when built outside CMake.
const char* ToolVersion();

}  // namespace tern

#endif  // TERN_CORE_BASE_VERSION_H_
