// Regular expressions on RE2 (linear time, no backtracking; Go's regexp, which cel-go and
// Kubernetes use, has the same syntax and leftmost-first semantics):
//
//   s.matches(re), matches(s, re) -> bool   cel-spec: true if re matches any substring of s
//   s.find(re) -> string                     Kubernetes: the leftmost match, or "" if none
//   s.findAll(re) -> list(string)            Kubernetes: successive non-overlapping matches
//   s.findAll(re, n) -> list(string)         at most n of them; n < 0 means all
//
// An invalid pattern is an error value. Compiled patterns are cached per thread (patterns are
// almost always constants), in a fixed number of slots, so memory stays bounded.
#include "cel/functions.h"
#include "core/hash.h"

#include <array>
#include <cstdint>
#include <memory>
#include <re2/re2.h>
#include <string>
#include <string_view>

namespace sluice::cel::detail {
namespace {

// RE2's memory budget per compiled pattern (program plus lazily built DFA states). Kubernetes
// patterns are small; a pattern over budget fails to compile (an error value), and a DFA over
// budget falls back to RE2's NFA, still linear. Slots * budget bounds a thread's worst case.
constexpr std::int64_t kMaxMemPerPattern = 1 << 20;
constexpr std::size_t kCacheSlots = 32;
constexpr std::size_t kMaxCachedPattern = 4096;  // longer patterns compile per call
constexpr std::size_t kMaxPatternInMessage = 64;
// RE2 runs in time linear in the text, but when its DFA is over budget (big patterns) the NFA
// fallback costs about program size * text length: a 5,000-character literal pattern against a
// 5,000-character text takes a quarter of a second. Calls whose worst case exceeds this many
// steps (about a second of CPU) are an error instead. Small patterns pass on megabyte texts.
constexpr std::uint64_t kMaxWork = 100'000'000;

struct Compiled {
  std::unique_ptr<const RE2> re;  ///< null if the pattern is invalid
  std::string error;              ///< the error value's message when re is null
};

Compiled compile(std::string_view pattern) {
  RE2::Options options;
  options.set_log_errors(false);  // RE2 would otherwise print every bad pattern to stderr
  options.set_max_mem(kMaxMemPerPattern);
  auto re = std::make_unique<const RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (re->ok()) return Compiled{std::move(re), {}};
  std::string message = "invalid regular expression '";
  message.append(pattern.substr(0, kMaxPatternInMessage));
  if (pattern.size() > kMaxPatternInMessage) message += "...";
  message += "': ";
  // RE2 quotes the offending part of the pattern, which can be long too.
  message.append(std::string_view(re->error()).substr(0, 2 * kMaxPatternInMessage));
  return Compiled{nullptr, std::move(message)};
}

/// `use(re)`, or an error if the worst case of matching `text_size` bytes is over kMaxWork.
template <typename Use>
Value run(const RE2& re, std::size_t text_size, Use& use) {
  const auto work =
      static_cast<std::uint64_t>(re.ProgramSize()) * (static_cast<std::uint64_t>(text_size) + 1);
  if (work > kMaxWork) {
    return Value::error("regular expression too costly: program size " +
                        std::to_string(re.ProgramSize()) + " times text size " +
                        std::to_string(text_size) + " is over " + std::to_string(kMaxWork));
  }
  return use(re);
}

/// Calls `use(const RE2&)` with `pattern` compiled, or returns the compile error (or the work
/// limit error for a text of `text_size` bytes) as a value.
template <typename Use>
Value with_regex(const std::string& pattern, std::size_t text_size, Use&& use) {
  if (pattern.size() > kMaxCachedPattern) {
    const Compiled once = compile(pattern);
    return once.re ? run(*once.re, text_size, use) : Value::error(once.error);
  }
  struct Slot {
    std::uint64_t hash = 0;
    std::uint64_t last_use = 0;
    std::string pattern;
    Compiled compiled;
  };
  struct Cache {
    std::array<Slot, kCacheSlots> slots;
    std::uint64_t clock = 0;
  };
  thread_local Cache cache;
  const std::uint64_t hash = hash64(pattern);
  const std::uint64_t now = ++cache.clock;
  Slot* victim = &cache.slots[0];
  for (Slot& slot : cache.slots) {
    if (slot.last_use != 0 && slot.hash == hash && slot.pattern == pattern) {
      slot.last_use = now;
      return slot.compiled.re ? run(*slot.compiled.re, text_size, use)
                              : Value::error(slot.compiled.error);
    }
    if (slot.last_use < victim->last_use) victim = &slot;  // least recently used (or unused)
  }
  victim->compiled = compile(pattern);
  victim->pattern = pattern;
  victim->hash = hash;
  victim->last_use = now;
  const Compiled& compiled = victim->compiled;
  return compiled.re ? run(*compiled.re, text_size, use) : Value::error(compiled.error);
}

/// The byte length of the UTF-8 sequence at s[pos] (1 for an invalid byte, as Go steps over it).
std::size_t rune_width(std::string_view s, std::size_t pos) {
  const auto byte = [&](std::size_t i) {
    return i < s.size() ? static_cast<unsigned char>(s[i]) : 0u;
  };
  const auto cont = [&](std::size_t i) { return (byte(i) & 0xC0u) == 0x80u; };
  const unsigned lead = byte(pos);
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return cont(pos + 1) ? 2 : 1;
  if (lead >= 0xE0 && lead <= 0xEF) {
    const unsigned b1 = byte(pos + 1);
    const bool ok_b1 = lead == 0xE0 ? (b1 >= 0xA0 && b1 <= 0xBF)
                                    : (lead == 0xED ? (b1 >= 0x80 && b1 <= 0x9F) : cont(pos + 1));
    return ok_b1 && cont(pos + 2) ? 3 : 1;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    const unsigned b1 = byte(pos + 1);
    const bool ok_b1 = lead == 0xF0 ? (b1 >= 0x90 && b1 <= 0xBF)
                                    : (lead == 0xF4 ? (b1 >= 0x80 && b1 <= 0x8F) : cont(pos + 1));
    return ok_b1 && cont(pos + 2) && cont(pos + 3) ? 4 : 1;
  }
  return 1;
}

bool string_pair(std::span<const Value> args) {
  return args.size() >= 2 && args[0].kind() == ValueKind::kString &&
         args[1].kind() == ValueKind::kString;
}

Value matches(std::span<const Value> args) {
  if (args.size() != 2 || !string_pair(args)) return no_overload("matches", args);
  const std::string& text = args[0].as_string();
  return with_regex(args[1].as_string(), text.size(), [&](const RE2& re) {
    return Value::boolean(
        re.Match(re2::StringPiece(text), 0, text.size(), RE2::UNANCHORED, nullptr, 0));
  });
}

Value find(std::span<const Value> args) {
  if (args.size() != 2 || !string_pair(args)) return no_overload("find", args);
  const std::string& text = args[0].as_string();
  return with_regex(args[1].as_string(), text.size(), [&](const RE2& re) {
    re2::StringPiece match;
    if (!re.Match(re2::StringPiece(text), 0, text.size(), RE2::UNANCHORED, &match, 1)) {
      return Value::string("");
    }
    return Value::string(std::string(match.data(), match.size()));
  });
}

Value find_all(std::span<const Value> args) {
  const bool with_limit = args.size() == 3 && args[2].kind() == ValueKind::kInt;
  if (!string_pair(args) || (args.size() != 2 && !with_limit)) return no_overload("findAll", args);
  const std::int64_t limit = with_limit ? args[2].as_int() : -1;
  const std::string& text = args[0].as_string();
  return with_regex(args[1].as_string(), text.size(), [&](const RE2& re) {
    // Go's FindAllString: after each match continue at its end; an empty match moves one
    // character on, and one right where the previous match ended is skipped. Every step advances,
    // so at most size + 1 searches run.
    ValueList found;
    const re2::StringPiece whole(text);
    std::size_t pos = 0;
    std::size_t previous_end = std::string::npos;
    while (pos <= text.size() && (limit < 0 || static_cast<std::int64_t>(found.size()) < limit)) {
      re2::StringPiece match;
      if (!re.Match(whole, pos, text.size(), RE2::UNANCHORED, &match, 1)) break;
      const auto begin = static_cast<std::size_t>(match.data() - text.data());
      const std::size_t end = begin + match.size();
      bool accept = true;
      if (match.empty() && end == pos) {
        accept = begin != previous_end;
        pos += pos < text.size() ? rune_width(text, pos) : 1;
      } else {
        pos = end;
      }
      previous_end = end;
      if (accept) found.push_back(Value::string(std::string(match.data(), match.size())));
    }
    return Value::list(std::move(found));
  });
}

}  // namespace

void register_regex(FunctionRegistry& r) {
  r.add("matches", CallStyle::kMember, &matches);
  r.add("matches", CallStyle::kGlobal, &matches);
  r.add("find", CallStyle::kMember, &find);
  r.add("findAll", CallStyle::kMember, &find_all);
}

}  // namespace sluice::cel::detail
