// Where benchmark prompts come from: synthetic lengths, shared-prefix groups, multi-turn
// conversations, a ShareGPT JSON file, or a trace (arrival time, input length, output length).
// Pure and deterministic for a given seed; the driver turns each Prompt into an OpenAI request.
//
// Synthetic text (every kind but sharegpt) is made of words from a fixed vocabulary of short
// English words with a leading space (" the", " data", " model", ...): `sluice sim`'s tokenizer
// (src/openai/tokenizer.h) counts each such word as exactly one token, so a prompt of N words is
// N tokens there, and real BPE tokenizers give close to one token per word as well. Every
// request's text opens with words derived from its own index, so unrelated requests never share
// a prefix by accident; only what a kind shares on purpose (shared-prefix system prompts,
// multi-turn history) can hit a server's prefix cache. Same options and seed -> the same
// sequence on every platform (splitmix64 only, no std:: distributions).
//
// Kinds, their emission order and what repeats:
//   synthetic      one user message of `input` words; max_tokens from `output`. Never repeats.
//   shared-prefix  [system: the group's prefix_len words, user: a question of `input` words].
//                  The groups x prompts_per_group items are emitted in one seeded shuffle (groups
//                  interleaved), the same order every lap; an item's lengths repeat each lap but
//                  its question text is fresh, so only the system prompts are shared.
//   multi-turn     turn 1 of each of the `conversations` conversations, then turn 2 of each, ...
//                  up to `turns`, then as many fresh conversations. Turn t sends user1,
//                  assistant1, ..., user_t; assistant_k is synthetic text of turn k's max_tokens
//                  words (the server's real reply is not awaited), which keeps turn t's messages
//                  an exact prefix of turn t+1's. Never repeats.
//   sharegpt       entries of a ShareGPT JSON array whose conversation starts human, gpt with a
//                  non-empty human value: the first human value as the user message, max_tokens
//                  = the gpt reply's token count (sluice::openai tokenizer, >= 1) unless
//                  override_output. A seeded shuffle of the usable entries, repeated verbatim
//                  every lap.
//   trace          one row per prompt: input_length words (>= 1), max_tokens = output_length
//                  (>= 1), `arrival` = the row's time minus the first row's. Laps repeat the
//                  lengths and arrivals shifted by (span + mean gap); the text is fresh.
//                  Formats: CSV with header TIMESTAMP,ContextTokens,GeneratedTokens (Azure LLM
//                  inference traces; seconds or "YYYY-MM-DD HH:MM:SS.fffffff") or
//                  timestamp,input_length,output_length; or JSONL lines
//                  {"timestamp": S, "input_length": N, "output_length": N}.
#pragma once

#include "bench/lengths.h"
#include "core/clock.h"
#include "core/result.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sluice::bench {

struct ChatMessage {
  std::string role;  ///< "system", "user" or "assistant"
  std::string content;
};

/// One request's content. Chat requests send `messages`; completions requests send the contents
/// joined with "\n".
struct Prompt {
  std::vector<ChatMessage> messages;
  /// The generator's estimate of the prompt's tokens, used when the server returns no usage:
  /// the word count of all messages for synthetic text (exact for sluice sim), the sluice::openai
  /// tokenizer's count of the content for sharegpt. Tokens that the server's chat template adds
  /// (role headers, begin/end markers) are NOT included.
  std::uint32_t input_tokens = 0;
  std::uint32_t max_tokens = 1;  ///< sent as max_tokens, with ignore_eos
  /// Trace replay only: when to send, as an offset from the start of the stage.
  std::optional<Duration> arrival;
};

struct DatasetOptions {
  /// synthetic | shared-prefix | multi-turn | sharegpt | trace
  std::string kind = "synthetic";
  /// Words of the user message (synthetic), the question (shared-prefix) or each user turn
  /// (multi-turn). Unused by sharegpt and trace.
  LengthDistribution input = LengthDistribution::fixed(128);
  /// max_tokens. Unused by trace, and by sharegpt unless override_output.
  LengthDistribution output = LengthDistribution::fixed(128);
  std::uint64_t seed = 0;
  // shared-prefix: groups x prompts_per_group prompts; each group shares a prefix_len-word system
  // prompt, each prompt adds its own question drawn from `input`. All >= 1; at most 10M items
  // and 16M system-prompt words in total.
  std::uint32_t groups = 8, prompts_per_group = 16, prefix_len = 512;
  // multi-turn: `conversations` interleaved conversations of `turns` user turns each; every turn
  // resends the whole history (earlier user turns and assistant replies). 1 <= conversations <=
  // 1M, 1 <= turns <= 10k.
  std::uint32_t conversations = 16, turns = 4;
  /// sharegpt and trace: the file to read.
  std::string path;
  /// sharegpt: take max_tokens from the --output-len distribution instead of the reply length.
  bool override_output = false;
};

/// An endless, deterministic stream of prompts (finite datasets cycle; a trace cycles with its
/// arrival offsets shifted by span + mean gap per lap). next() costs O(prompt bytes) with what is
/// shared pre-generated at construction; not thread-safe (one generator thread calls it).
class Dataset {
 public:
  virtual ~Dataset() = default;
  virtual Prompt next() = 0;
  /// Items per lap: shared-prefix items, usable sharegpt entries, trace rows; 0 for the endless
  /// kinds (synthetic, multi-turn). See the kinds above for what a new lap repeats.
  virtual std::uint64_t size() const = 0;
  /// One line for logs and reports, e.g. "shared-prefix: 8 groups x 16 prompts, prefix 512".
  virtual std::string describe() const = 0;
  /// True if prompts carry arrival offsets (trace replay): the driver then ignores --rate.
  virtual bool has_arrivals() const { return false; }
};

/// Builds the dataset `options.kind` names. Unknown kinds, unreadable or malformed files and
/// invalid sizes give kInvalidArgument whose message names the file and, for malformed input,
/// the line or entry.
Result<std::unique_ptr<Dataset>> make_dataset(const DatasetOptions& options);

}  // namespace sluice::bench
