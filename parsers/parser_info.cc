#include "parsers/parser_info.h"

#include "simdjson.h"

namespace tern {

std::string JsonLibraryVersion() {
  return "simdjson " + std::to_string(simdjson::SIMDJSON_VERSION_MAJOR) + "." +
         std::to_string(simdjson::SIMDJSON_VERSION_MINOR) + "." +
         std::to_string(simdjson::SIMDJSON_VERSION_REVISION) + " (" +
         simdjson::get_active_implementation()->name() + ")";
}

}  // namespace tern
