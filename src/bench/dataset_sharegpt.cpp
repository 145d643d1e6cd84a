// sharegpt: ShareGPT_V3_unfiltered_cleaned_split.json, a JSON array of
//   {"id": ..., "conversations": [{"from": "human", "value": "..."}, {"from": "gpt", ...}, ...]}
// An entry is usable when its conversation has >= 2 turns, the first from "human" with a
// non-empty value and the second from "gpt". Prompt = the first human value as one user
// message; max_tokens = the gpt reply's token count under sluice::openai's tokenizer (>= 1).
//
// The file can be hundreds of MB, so it is read once into one buffer, the top-level array is
// split into entries by a light bracket/string scanner, and each entry is parsed in place by
// simdjson On-Demand: memory stays near the file size plus the kept prompts, instead of the
// several times the file size that indexing the whole document at once would take.

#include "bench/dataset_file.h"
#include "bench/dataset_kinds.h"
#include "bench/dataset_words.h"
#include "core/hash.h"
#include "openai/tokenizer.h"

#include <algorithm>
#include <limits>
#include <utility>

namespace sluice::bench::dataset_detail {
namespace {

constexpr std::uint64_t kShuffleStream = 0x534732;  // "SG2"
constexpr std::uint64_t kOutputStream = 0x53474F;   // "SGO"
constexpr std::string_view kKind = "sharegpt";

struct Entry {
  std::size_t offset = 0;  // of the prompt in the text arena
  std::uint32_t length = 0;
  std::uint32_t prompt_tokens = 0;
  std::uint32_t reply_tokens = 0;
};

struct Corpus {
  std::string text;  // every kept prompt, back to back
  std::vector<Entry> entries;
  std::uint64_t total_entries = 0;
};

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

std::size_t skip_space(std::string_view doc, std::size_t i) {
  while (i < doc.size() && is_space(doc[i])) ++i;
  return i;
}

// `i` is at an opening quote; returns the index after the closing quote, or npos.
std::size_t string_end(std::string_view doc, std::size_t i) {
  for (std::size_t from = i + 1;;) {
    const std::size_t quote = doc.find('"', from);
    if (quote == std::string_view::npos) return quote;
    std::size_t backslashes = 0;
    while (quote - backslashes > i + 1 && doc[quote - backslashes - 1] == '\\') ++backslashes;
    if (backslashes % 2 == 0) return quote + 1;
    from = quote + 1;
  }
}

// The end of the JSON value starting at `i`, or npos if the document ends first. Only brackets
// and strings are tracked; simdjson validates the value itself afterwards.
std::size_t value_end(std::string_view doc, std::size_t i) {
  const char first = doc[i];
  if (first == '"') return string_end(doc, i);
  if (first != '{' && first != '[') {
    while (i < doc.size() && !is_space(doc[i]) && doc[i] != ',' && doc[i] != ']') ++i;
    return i;
  }
  std::size_t depth = 0;
  while (i < doc.size()) {
    const char c = doc[i];
    if (c == '"') {
      i = string_end(doc, i);
      if (i == std::string_view::npos) return i;
      continue;
    }
    if (c == '{' || c == '[') {
      ++depth;
    } else if ((c == '}' || c == ']') && --depth == 0) {
      return i + 1;
    }
    ++i;
  }
  return std::string_view::npos;
}

Error file_error(const std::string& path, const std::string& why) {
  return make_error(ErrorCode::kInvalidArgument,
                    std::string(kKind) + " file '" + path + "': " + why, "path");
}

Error entry_error(const std::string& path, std::uint64_t index, const std::string& why) {
  return file_error(path, "entry " + std::to_string(index) + ": " + why);
}

std::uint32_t saturate(std::size_t n) {
  return static_cast<std::uint32_t>(
      std::min<std::size_t>(n, std::numeric_limits<std::uint32_t>::max()));
}

struct Turn {
  std::string_view from;
  std::string_view value;
};

// Reads a turn's "from" and "value" strings; the views live until the parser's next document.
simdjson::error_code read_turn(simdjson::ondemand::value turn_value, Turn& turn) {
  simdjson::ondemand::object turn_object;
  if (const auto code = turn_value.get_object().get(turn_object)) return code;
  if (const auto code = turn_object.find_field_unordered("from").get_string().get(turn.from)) {
    return code;
  }
  return turn_object.find_field_unordered("value").get_string().get(turn.value);
}

// Parses one entry and appends it to `corpus` if usable.
Status add_entry(simdjson::ondemand::parser& parser, const simdjson::padded_string& file,
                 std::size_t offset, std::size_t length, const std::string& path,
                 std::uint64_t index, Corpus& corpus) {
  const auto invalid = [&](simdjson::error_code code, std::string_view expected) {
    return entry_error(path, index, json_problem(code, expected));
  };
  simdjson::ondemand::document doc;
  if (const auto code = parser.iterate(padded_slice(file, offset, length)).get(doc)) {
    return invalid(code, "invalid JSON");
  }
  simdjson::ondemand::object object;
  if (const auto code = doc.get_object().get(object)) return invalid(code, "expected an object");
  simdjson::ondemand::array conversations;
  if (const auto code =
          object.find_field_unordered("conversations").get_array().get(conversations)) {
    return invalid(code, "expected a \"conversations\" array");
  }
  Turn turns[2];
  std::size_t count = 0;
  for (auto turn_value : conversations) {
    simdjson::ondemand::value value;
    if (const auto code = turn_value.get(value)) return invalid(code, "invalid JSON");
    if (const auto code = read_turn(value, turns[count])) {
      return invalid(code, "conversation turn " + std::to_string(count) +
                               ": expected an object with string \"from\" and \"value\"");
    }
    if (++count == 2) break;
  }
  if (count < 2 || turns[0].from != "human" || turns[1].from != "gpt" || turns[0].value.empty()) {
    return Status{};  // unusable, skipped
  }
  static const openai::Tokenizer tokenizer;
  Entry entry;
  entry.offset = corpus.text.size();
  entry.length = saturate(turns[0].value.size());
  entry.prompt_tokens = saturate(tokenizer.count(turns[0].value));
  entry.reply_tokens = std::max<std::uint32_t>(1, saturate(tokenizer.count(turns[1].value)));
  corpus.text.append(turns[0].value.substr(0, entry.length));
  corpus.entries.push_back(entry);
  return Status{};
}

Result<Corpus> load_corpus(const std::string& path) {
  auto file = read_dataset_file(path, kKind);
  if (!file.ok()) return std::move(file).error();
  const std::string_view doc(file->data(), file->size());
  std::size_t i = 0;
  if (doc.substr(0, 3) == "\xEF\xBB\xBF") i = 3;  // UTF-8 byte order mark
  i = skip_space(doc, i);
  if (i == doc.size() || doc[i] != '[') {
    return file_error(path, "expected a JSON array of conversations");
  }
  Corpus corpus;
  // Prompts are a fraction of the file: reserving the file's size up front avoids re-copying the
  // arena as it grows, and costs only address space for the part never written.
  corpus.text.reserve(doc.size());
  simdjson::ondemand::parser parser;
  i = skip_space(doc, i + 1);
  if (i < doc.size() && doc[i] == ']') {
    ++i;
  } else {
    for (;; ++corpus.total_entries) {
      if (i == doc.size()) {
        return entry_error(path, corpus.total_entries, "file truncated (array not closed)");
      }
      const std::size_t end = value_end(doc, i);
      if (end == std::string_view::npos) {
        return entry_error(path, corpus.total_entries, "file truncated (entry not closed)");
      }
      if (auto status = add_entry(parser, *file, i, end - i, path, corpus.total_entries, corpus);
          !status.ok()) {
        return std::move(status).error();
      }
      i = skip_space(doc, end);
      if (i == doc.size()) {
        return entry_error(path, corpus.total_entries, "file truncated (array not closed)");
      }
      if (doc[i] == ']') {
        ++corpus.total_entries;
        ++i;
        break;
      }
      if (doc[i] != ',') {
        return entry_error(path, corpus.total_entries, "expected ',' or ']' after the entry");
      }
      i = skip_space(doc, i + 1);
    }
  }
  if (skip_space(doc, i) != doc.size()) return file_error(path, "unexpected data after the array");
  if (corpus.entries.empty()) {
    return file_error(path, "no usable entries among " + std::to_string(corpus.total_entries) +
                                " (need a conversation whose first turn is from \"human\" with a "
                                "non-empty value and whose second is from \"gpt\")");
  }
  return corpus;
}

class ShareGptDataset final : public Dataset {
 public:
  ShareGptDataset(const DatasetOptions& options, Corpus corpus)
      : options_(options), corpus_(std::move(corpus)) {
    order_.resize(corpus_.entries.size());
    for (std::size_t i = 0; i < order_.size(); ++i) order_[i] = static_cast<std::uint32_t>(i);
    std::uint64_t rng = item_state(options_.seed, kShuffleStream, 0);
    for (std::size_t i = order_.size(); i > 1; --i) {  // Fisher-Yates
      std::swap(order_[i - 1], order_[splitmix64(rng) % i]);
    }
  }

  Prompt next() override {
    const std::uint32_t index = order_[position_++ % order_.size()];
    const Entry& entry = corpus_.entries[index];
    std::uint32_t max_tokens = entry.reply_tokens;
    if (options_.override_output) {
      std::uint64_t rng = item_state(options_.seed, kOutputStream, index);
      max_tokens = options_.output.sample(rng);
    }
    return user_prompt(corpus_.text.substr(entry.offset, entry.length), entry.prompt_tokens,
                       max_tokens);
  }

  std::uint64_t size() const override { return order_.size(); }

  std::string describe() const override {
    return "sharegpt: " + options_.path + ", " + std::to_string(order_.size()) + " usable of " +
           std::to_string(corpus_.total_entries) + " entries, output " +
           (options_.override_output ? options_.output.to_string() + " tokens"
                                     : std::string("from the replies"));
  }

 private:
  DatasetOptions options_;
  Corpus corpus_;
  std::vector<std::uint32_t> order_;
  std::uint64_t position_ = 0;
};

}  // namespace

Result<std::unique_ptr<Dataset>> make_sharegpt(const DatasetOptions& options) {
  auto corpus = load_corpus(options.path);
  if (!corpus.ok()) return std::move(corpus).error();
  if (corpus->entries.size() > std::numeric_limits<std::uint32_t>::max()) {
    return file_error(options.path, "too many entries");
  }
  return std::unique_ptr<Dataset>(
      std::make_unique<ShareGptDataset>(options, std::move(corpus).value()));
}

}  // namespace sluice::bench::dataset_detail
