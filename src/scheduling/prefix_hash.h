// Prompt prefix hashing for the approximate prefix cache (GIE's "prefix-aware" routing): the
// prompt is cut into fixed-size character blocks and each block's hash chains the previous one,
// so block i's hash identifies the whole prefix up to and including block i.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace sluice::scheduling {

/// GIE defaults: 64 characters (about 16 tokens) per block, at most 256 blocks (about 4k tokens).
inline constexpr std::size_t kDefaultBlockChars = 64;
inline constexpr std::size_t kDefaultMaxPrefixBlocks = 256;

/// Appends the block-hash chain of `text` to `out` (cleared first): one hash per *full* block of
/// `block_chars` characters, at most `max_blocks`. The chain is seeded with `model` so that the
/// same text for different models never matches. Only the first block_chars*max_blocks characters
/// are read: a 1 MiB prompt costs the same as a 16 KiB one. block_chars == 0 yields nothing.
void prompt_block_hashes(std::string_view model, std::string_view text, std::size_t block_chars,
                         std::size_t max_blocks, std::vector<std::uint64_t>& out);

/// Convenience form that allocates the result.
std::vector<std::uint64_t> prompt_block_hashes(std::string_view model, std::string_view text,
                                               std::size_t block_chars = kDefaultBlockChars,
                                               std::size_t max_blocks = kDefaultMaxPrefixBlocks);

}  // namespace sluice::scheduling
