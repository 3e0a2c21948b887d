#include "core/base/version.h"

#ifndef TERN_VERSION
#define TERN_VERSION "0.0.0-dev"
#endif

namespace tern {

const char* ToolVersion() { return TERN_VERSION; }

}  // namespace tern
