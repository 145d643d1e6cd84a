// multi-turn: `conversations` conversations of `turns` user turns, interleaved round-robin: turn 1
// of conversations 1..C, then turn 2 of each, ..., then turn `turns` of each; then C fresh
// conversations (new content) start over. Turn t sends the whole history user1, assistant1, ...,
// user_t. The assistant replies are synthetic text of the previous turn's max_tokens words: the
// client cannot wait for the server's real text without serializing the conversation, and a
// fixed history keeps every turn's messages an exact prefix of the next turn's, which is what a
// server prefix cache should be exercised with.

#include "bench/dataset_kinds.h"
#include "bench/dataset_words.h"

#include <algorithm>
#include <limits>

namespace sluice::bench::dataset_detail {
namespace {

constexpr std::uint64_t kTurnStream = 0x4D5455;   // "MTU": user turn lengths and text
constexpr std::uint64_t kReplyStream = 0x4D5441;  // "MTA": assistant reply text
constexpr std::uint32_t kMaxConversations = 1'000'000;
constexpr std::uint32_t kMaxTurns = 10'000;

class MultiTurnDataset final : public Dataset {
 public:
  explicit MultiTurnDataset(const DatasetOptions& options)
      : options_(options),
        user_words_(options.seed),
        reply_words_(options.seed ^ kReplyStream),
        conversations_(options.conversations) {}

  Prompt next() override {
    const std::uint64_t per_round =
        static_cast<std::uint64_t>(options_.conversations) * options_.turns;
    const std::uint64_t position = position_++;
    const std::uint64_t round = position / per_round;
    const std::uint64_t in_round = position % per_round;
    const auto turn = static_cast<std::uint32_t>(in_round / options_.conversations);
    const auto slot = static_cast<std::uint32_t>(in_round % options_.conversations);
    const std::uint64_t conversation_id = round * options_.conversations + slot;
    const std::uint64_t item = conversation_id * options_.turns + turn;

    Conversation& c = conversations_[slot];
    if (turn == 0) {
      c.history.clear();
      c.history.reserve(2 * static_cast<std::size_t>(options_.turns) - 1);
      c.words = 0;
    } else {
      std::uint64_t rng = item_state(options_.seed, kReplyStream, item - 1);
      c.history.push_back(
          ChatMessage{"assistant", reply_words_.make(c.last_max_tokens, item - 1, rng)});
      c.words += c.last_max_tokens;
    }
    std::uint64_t rng = item_state(options_.seed, kTurnStream, item);
    const std::uint32_t user_words = options_.input.sample(rng);
    const std::uint32_t max_tokens = options_.output.sample(rng);
    c.history.push_back(ChatMessage{"user", user_words_.make(user_words, item, rng)});
    c.words += user_words;
    c.last_max_tokens = max_tokens;

    Prompt prompt;
    prompt.messages = c.history;
    prompt.input_tokens = static_cast<std::uint32_t>(
        std::min<std::uint64_t>(c.words, std::numeric_limits<std::uint32_t>::max()));
    prompt.max_tokens = max_tokens;
    return prompt;
  }

  std::uint64_t size() const override { return 0; }

  std::string describe() const override {
    return "multi-turn: " + std::to_string(options_.conversations) + " conversations x " +
           std::to_string(options_.turns) + " turns, user turn " + options_.input.to_string() +
           " words, output " + options_.output.to_string() + " tokens";
  }

 private:
  struct Conversation {
    std::vector<ChatMessage> history;
    std::uint64_t words = 0;
    std::uint32_t last_max_tokens = 0;
  };

  DatasetOptions options_;
  WordWriter user_words_;
  WordWriter reply_words_;
  std::vector<Conversation> conversations_;
  std::uint64_t position_ = 0;
};

}  // namespace

Result<std::unique_ptr<Dataset>> make_multi_turn(const DatasetOptions& options) {
  if (options.conversations == 0 || options.conversations > kMaxConversations) {
    return make_error(
        ErrorCode::kInvalidArgument,
        "multi-turn dataset needs 1 <= conversations <= " + std::to_string(kMaxConversations),
        "conversations");
  }
  if (options.turns == 0 || options.turns > kMaxTurns) {
    return make_error(ErrorCode::kInvalidArgument,
                      "multi-turn dataset needs 1 <= turns <= " + std::to_string(kMaxTurns),
                      "turns");
  }
  return std::unique_ptr<Dataset>(std::make_unique<MultiTurnDataset>(options));
}

}  // namespace sluice::bench::dataset_detail
