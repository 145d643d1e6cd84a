// Fast non-cryptographic hashing (xxHash64), used for prefix-cache block chains and for
// deterministic per-request seeds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sluice {

std::uint64_t hash64(const void* data, std::size_t size, std::uint64_t seed = 0);
inline std::uint64_t hash64(std::string_view s, std::uint64_t seed = 0) {
  return hash64(s.data(), s.size(), seed);
}

/// splitmix64: a tiny, high-quality PRNG step; deterministic across platforms.
inline std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

}  // namespace sluice
