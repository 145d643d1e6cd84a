#include "core/hash.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace sluice {

std::uint64_t hash64(const void* data, std::size_t size, std::uint64_t seed) {
  return XXH64(data, size, seed);
}

}  // namespace sluice
