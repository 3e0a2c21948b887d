// Byte counts for people: what the console and tern.log show of sizes.
// Pure function; thread-safe.
#ifndef TERN_CORE_BASE_HUMAN_BYTES_H_
#define TERN_CORE_BASE_HUMAN_BYTES_H_

#include <cstdint>
#include <string>

namespace tern {

// 1234567 bytes as "1.2 MB" (decimal units; "512 B" below a kilobyte).
std::string HumanBytes(uint64_t bytes);

}  // namespace tern

#endif  // TERN_CORE_BASE_HUMAN_BYTES_H_
