#include "scheduling/prefix_hash.h"

#include "core/hash.h"

#include <algorithm>

namespace sluice::scheduling {

void prompt_block_hashes(std::string_view model, std::string_view text, std::size_t block_chars,
                         std::size_t max_blocks, std::vector<std::uint64_t>& out) {
  out.clear();
  if (block_chars == 0) {
    return;
  }
  const std::size_t blocks = std::min(text.size() / block_chars, max_blocks);
  out.reserve(blocks);
  std::uint64_t chain = hash64(model);
  for (std::size_t i = 0; i < blocks; ++i) {
    chain = hash64(text.data() + i * block_chars, block_chars, chain);
    out.push_back(chain);
  }
}

std::vector<std::uint64_t> prompt_block_hashes(std::string_view model, std::string_view text,
                                               std::size_t block_chars, std::size_t max_blocks) {
  std::vector<std::uint64_t> out;
  prompt_block_hashes(model, text, block_chars, max_blocks, out);
  return out;
}

}  // namespace sluice::scheduling
