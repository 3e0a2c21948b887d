// How many worker threads a `--threads N` option means on this machine.
// Thread-safe.
#ifndef TERN_CORE_BASE_THREADS_H_
#define TERN_CORE_BASE_THREADS_H_

#include <thread>

namespace tern {

// `requested` when positive; for 0 (or less), one per core, at least 1.
inline int ResolveThreads(int requested) {
  if (requested > 0) return requested;
  const unsigned cores = std::thread::hardware_concurrency();
  return cores > 0 ? static_cast<int>(cores) : 1;
}

}  // namespace tern

#endif  // TERN_CORE_BASE_THREADS_H_
