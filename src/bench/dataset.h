// Where benchmark prompts come from: synthetic lengths, shared-prefix groups, multi-turn
// conversations, a ShareGPT JSON file, or a trace (arrival time, input length, output length).
// Pure and deterministic for a given seed; the driver turns each Prompt into an OpenAI request.
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
  /// The generator's estimate of the prompt's tokens (sluice sim counts synthetic words as
  /// exactly one token each); used when the server returns no usage.
  std::uint32_t input_tokens = 0;
  std::uint32_t max_tokens = 1;  ///< sent as max_tokens, with ignore_eos
  /// Trace replay only: when to send, as an offset from the start of the stage.
  std::optional<Duration> arrival;
};

struct DatasetOptions {
  /// synthetic | shared-prefix | multi-turn | sharegpt | trace
  std::string kind = "synthetic";
  LengthDistribution input = LengthDistribution::fixed(128);   ///< prompt (question) words
  LengthDistribution output = LengthDistribution::fixed(128);  ///< max_tokens
  std::uint64_t seed = 0;
  // shared-prefix: groups x prompts_per_group prompts; each group shares a prefix_len-word system
  // prompt, each prompt adds its own question drawn from `input`.
  std::uint32_t groups = 8, prompts_per_group = 16, prefix_len = 512;
  // multi-turn: `conversations` interleaved conversations of `turns` user turns each; every turn
  // resends the whole history (earlier user turns and assistant replies).
  std::uint32_t conversations = 16, turns = 4;
  /// sharegpt and trace: the file to read.
  std::string path;
  /// sharegpt: take max_tokens from the --output-len distribution instead of the reply length.
  bool override_output = false;
};

/// An endless, deterministic stream of prompts (finite datasets cycle; a trace cycles with its
/// arrival offsets shifted by the trace's span per lap).
class Dataset {
 public:
  virtual ~Dataset() = default;
  virtual Prompt next() = 0;
  /// Items before the dataset repeats (0 = never repeats).
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
