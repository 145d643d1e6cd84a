// TZif and POSIX TZ rules, and the zone cache (see time_zone.h).
#include "cel/time_zone.h"

#include "cel/time_format.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <fcntl.h>
#include <memory>
#include <mutex>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_map>

namespace sluice::cel::detail {
namespace {

constexpr std::string_view kZoneInfoDir = "/usr/share/zoneinfo/";
/// Real TZif files are a few KiB; anything far larger is not one.
constexpr std::size_t kMaxZoneFileBytes = 256 * 1024;
/// Longest accepted zone name (IANA names are under 40 bytes).
constexpr std::size_t kMaxZoneNameBytes = 128;
/// Parsed zones kept process-wide; a flood of distinct names only evicts, never grows memory.
constexpr std::size_t kMaxCachedZones = 64;
/// RFC 8536's recommended bounds for a local time type's UT offset (-25h+1s .. 26h-1s).
constexpr std::int32_t kMinUtOffset = -89999;
constexpr std::int32_t kMaxUtOffset = 93599;

Error bad_tz(std::string what) { return make_error(ErrorCode::kInvalidArgument, std::move(what)); }

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// ---- POSIX TZ strings ------------------------------------------------------------------------

class TzScanner {
 public:
  explicit TzScanner(std::string_view text) : text_(text) {}
  bool done() const { return pos_ == text_.size(); }
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  bool literal(char c) {
    if (peek() != c || done()) return false;
    ++pos_;
    return true;
  }

  /// A zone abbreviation: three or more letters, or `<...>` of letters, digits, '+' and '-'.
  bool name() {
    std::size_t n = 0;
    if (literal('<')) {
      while (!done() && peek() != '>') {
        const char c = peek();
        if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-') return false;
        ++pos_;
        ++n;
      }
      return literal('>') && n >= 3;
    }
    while (is_alpha(peek())) {
      ++pos_;
      ++n;
    }
    return n >= 3;
  }

  /// A number of at most `max_digits` digits.
  bool number(int max_digits, int& out) {
    int v = 0;
    int n = 0;
    while (is_digit(peek()) && n < max_digits) {
      v = v * 10 + (peek() - '0');
      ++pos_;
      ++n;
    }
    out = v;
    return n > 0;
  }

  /// `[+|-]hh[:mm[:ss]]` in seconds, hours at most `max_hours`.
  bool clock(int max_hours, std::int32_t& out) {
    int sign = 1;
    if (literal('-')) {
      sign = -1;
    } else {
      literal('+');
    }
    int h = 0, m = 0, s = 0;
    if (!number(3, h) || h > max_hours) return false;
    if (literal(':')) {
      if (!number(2, m) || m > 59) return false;
      if (literal(':') && (!number(2, s) || s > 59)) return false;
    }
    out = sign * (h * 3600 + m * 60 + s);
    return true;
  }

  bool date(PosixTzRule::Date& d) {
    using Kind = PosixTzRule::Date::Kind;
    if (literal('M')) {
      d.kind = Kind::kMonthWeekDay;
      return number(2, d.month) && d.month >= 1 && d.month <= 12 && literal('.') &&
             number(1, d.week) && d.week >= 1 && d.week <= 5 && literal('.') &&
             number(1, d.weekday) && d.weekday <= 6;
    }
    if (literal('J')) {
      d.kind = Kind::kJulianNoLeap;
      return number(3, d.day) && d.day >= 1 && d.day <= 365;
    }
    d.kind = Kind::kJulian;
    return number(3, d.day) && d.day <= 365;
  }

  /// `date[/time]`; the time defaults to 02:00 and may run from -167h to 167h (RFC 8536 3.3.1).
  bool transition(PosixTzRule::Date& d, std::int32_t& time) {
    if (!date(d)) return false;
    time = 7200;
    return !literal('/') || clock(167, time);
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

/// Days since the epoch of a rule date in `year`.
std::int64_t rule_day(const PosixTzRule::Date& d, std::int64_t year) {
  using Kind = PosixTzRule::Date::Kind;
  const std::int64_t jan1 = days_from_civil(year, 1, 1);
  switch (d.kind) {
    case Kind::kJulianNoLeap: {
      const bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
      return jan1 + d.day - 1 + (leap && d.day >= 60 ? 1 : 0);
    }
    case Kind::kJulian:
      return jan1 + d.day;
    case Kind::kMonthWeekDay:
      break;
  }
  const std::int64_t first = days_from_civil(year, d.month, 1);
  const std::int64_t first_weekday = ((first + 4) % 7 + 7) % 7;  // 1970-01-01 was a Thursday
  std::int64_t day = first + (d.weekday - first_weekday + 7) % 7 + (d.week - 1) * 7;
  // Week 5 means the last such weekday of the month.
  const std::int64_t next_month =
      d.month == 12 ? days_from_civil(year + 1, 1, 1) : days_from_civil(year, d.month + 1, 1);
  while (day >= next_month) day -= 7;
  return day;
}

// ---- TZif ------------------------------------------------------------------------------------

class ByteReader {
 public:
  explicit ByteReader(std::string_view data) : data_(data) {}
  std::size_t remaining() const { return data_.size() - pos_; }
  std::size_t position() const { return pos_; }
  std::string_view rest() const { return data_.substr(pos_); }
  void skip(std::size_t n) { pos_ += n; }
  std::uint8_t u8() { return static_cast<std::uint8_t>(data_[pos_++]); }
  std::uint32_t u32() {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | u8();
    return v;
  }
  std::int64_t i64() {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | u8();
    return static_cast<std::int64_t>(v);
  }

 private:
  std::string_view data_;
  std::size_t pos_ = 0;
};

struct TzifHeader {
  char version = 0;
  std::uint32_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0;

  /// Bytes of the data block that follows, with `time_size`-byte transition times.
  std::uint64_t block_size(std::uint64_t time_size) const {
    return std::uint64_t{timecnt} * (time_size + 1) + std::uint64_t{typecnt} * 6 + charcnt +
           std::uint64_t{leapcnt} * (time_size + 4) + isstdcnt + isutcnt;
  }
};

Result<TzifHeader> read_header(ByteReader& in) {
  if (in.remaining() < 44 || in.rest().substr(0, 4) != "TZif") return bad_tz("not a TZif file");
  in.skip(4);
  TzifHeader h;
  h.version = static_cast<char>(in.u8());
  in.skip(15);
  h.isutcnt = in.u32();
  h.isstdcnt = in.u32();
  h.leapcnt = in.u32();
  h.timecnt = in.u32();
  h.typecnt = in.u32();
  h.charcnt = in.u32();
  if (h.typecnt == 0) return bad_tz("TZif file without local time types");
  return h;
}

// ---- the zone cache --------------------------------------------------------------------------

bool valid_zone_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxZoneNameBytes || name[0] == '/') return false;
  if (name.find("..") != std::string_view::npos) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return is_alpha(c) || is_digit(c) || c == '/' || c == '_' || c == '-' || c == '+' || c == '.';
  });
}

Result<std::string> read_zone_file(std::string_view name) {
  std::string path(kZoneInfoDir);
  path += name;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return make_error(ErrorCode::kNotFound, "unknown time zone '" + std::string(name) + "'");
  struct stat st {};
  std::string data;
  bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
            static_cast<std::uint64_t>(st.st_size) <= kMaxZoneFileBytes;
  if (ok) {
    data.resize(static_cast<std::size_t>(st.st_size));
    std::size_t got = 0;
    while (got < data.size()) {
      const ssize_t n = ::read(fd, data.data() + got, data.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    data.resize(got);
  }
  ::close(fd);
  if (!ok) return make_error(ErrorCode::kNotFound, "unknown time zone '" + std::string(name) + "'");
  return data;
}

class ZoneCache {
 public:
  std::shared_ptr<const TimeZone> find(std::string_view name) {
    std::lock_guard lock(mutex_);
    const auto it = zones_.find(std::string(name));
    return it == zones_.end() ? nullptr : it->second;
  }
  void insert(std::string_view name, std::shared_ptr<const TimeZone> zone) {
    std::lock_guard lock(mutex_);
    if (zones_.size() >= kMaxCachedZones) zones_.erase(zones_.begin());
    zones_.emplace(std::string(name), std::move(zone));
  }

 private:
  std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<const TimeZone>> zones_;
};

ZoneCache& zone_cache() {
  static ZoneCache cache;
  return cache;
}

/// The last zones this thread used, so repeated lookups take no lock.
struct RecentZones {
  struct Slot {
    std::string name;
    std::shared_ptr<const TimeZone> zone;
  };
  std::array<Slot, 4> slots;
  std::size_t next = 0;
};

Result<std::shared_ptr<const TimeZone>> find_zone(std::string_view name) {
  thread_local RecentZones recent;
  for (const RecentZones::Slot& slot : recent.slots) {
    if (slot.zone != nullptr && slot.name == name) return slot.zone;
  }
  if (!valid_zone_name(name)) {
    return bad_tz("invalid time zone name '" + std::string(name.substr(0, kMaxZoneNameBytes)) +
                  "'");
  }
  std::shared_ptr<const TimeZone> zone = zone_cache().find(name);
  if (zone == nullptr) {
    Result<std::string> data = read_zone_file(name);
    if (!data.ok()) return std::move(data).error();
    Result<TimeZone> parsed = TimeZone::parse_tzif(*data);
    if (!parsed.ok()) {
      return make_error(ErrorCode::kNotFound, "time zone '" + std::string(name) +
                                                  "' is not readable: " + parsed.error().message);
    }
    zone = std::make_shared<const TimeZone>(std::move(parsed).value());
    zone_cache().insert(name, zone);
  }
  RecentZones::Slot& slot = recent.slots[recent.next];
  recent.next = (recent.next + 1) % recent.slots.size();
  slot.name.assign(name);
  slot.zone = zone;
  return zone;
}

/// `[+|-]h[h]:mm` in seconds east of UTC, or empty if `text` is not of that form.
std::optional<std::int32_t> fixed_offset(std::string_view text) {
  std::size_t i = 0;
  int sign = 1;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    sign = text[0] == '-' ? -1 : 1;
    i = 1;
  }
  const std::size_t colon = text.find(':', i);
  if (colon == std::string_view::npos || colon == i || colon - i > 2 || text.size() != colon + 3) {
    return std::nullopt;
  }
  int hours = 0;
  for (std::size_t k = i; k < colon; ++k) {
    if (!is_digit(text[k])) return std::nullopt;
    hours = hours * 10 + (text[k] - '0');
  }
  if (!is_digit(text[colon + 1]) || !is_digit(text[colon + 2])) return std::nullopt;
  const int minutes = (text[colon + 1] - '0') * 10 + (text[colon + 2] - '0');
  if (hours > 23 || minutes > 59) return std::nullopt;
  return sign * (hours * 3600 + minutes * 60);
}

}  // namespace

Result<PosixTzRule> PosixTzRule::parse(std::string_view text) {
  TzScanner in(text);
  PosixTzRule rule;
  std::int32_t west = 0;
  if (!in.name() || !in.clock(24, west))
    return bad_tz("invalid TZ rule '" + std::string(text) + "'");
  rule.std_offset = -west;  // POSIX offsets count hours west of Greenwich
  if (in.done()) return rule;
  if (!in.name()) return bad_tz("invalid TZ rule '" + std::string(text) + "'");
  rule.has_dst = true;
  rule.dst_offset = rule.std_offset + 3600;
  if (!in.done() && in.peek() != ',') {
    if (!in.clock(24, west)) return bad_tz("invalid TZ rule '" + std::string(text) + "'");
    rule.dst_offset = -west;
  }
  if (in.done()) {
    // No dates: POSIX leaves them to the implementation; use the US rules, as glibc does.
    rule.start = {Date::Kind::kMonthWeekDay, 0, 3, 2, 0};
    rule.end = {Date::Kind::kMonthWeekDay, 0, 11, 1, 0};
    return rule;
  }
  if (!in.literal(',') || !in.transition(rule.start, rule.start_time) || !in.literal(',') ||
      !in.transition(rule.end, rule.end_time) || !in.done()) {
    return bad_tz("invalid TZ rule '" + std::string(text) + "'");
  }
  return rule;
}

std::int32_t PosixTzRule::offset_at(std::int64_t seconds) const {
  if (!has_dst) return std_offset;
  // Far beyond any timestamp CEL holds; keeps the arithmetic below from overflowing.
  constexpr std::int64_t kLimit = std::int64_t{1} << 50;
  seconds = std::clamp(seconds, -kLimit, kLimit);
  const std::int64_t year = civil_from_seconds(seconds + std_offset).year;
  // DST starts at a local standard time and ends at a local daylight time.
  const std::int64_t starts = rule_day(start, year) * 86400 + start_time - std_offset;
  const std::int64_t ends = rule_day(end, year) * 86400 + end_time - dst_offset;
  const bool dst = starts < ends ? (seconds >= starts && seconds < ends)
                                 : !(seconds >= ends && seconds < starts);  // southern hemisphere
  return dst ? dst_offset : std_offset;
}

Result<TimeZone> TimeZone::parse_tzif(std::string_view data) {
  ByteReader in(data);
  Result<TzifHeader> header = read_header(in);
  if (!header.ok()) return std::move(header).error();
  std::uint64_t time_size = 4;
  if (header->version != '\0') {
    // Version 2+: skip the 32-bit block to the 64-bit header and block that follow it.
    const std::uint64_t v1 = header->block_size(4);
    if (v1 > in.remaining()) return bad_tz("truncated TZif file");
    in.skip(static_cast<std::size_t>(v1));
    header = read_header(in);
    if (!header.ok()) return std::move(header).error();
    time_size = 8;
  }
  const TzifHeader& h = *header;
  if (h.block_size(time_size) > in.remaining()) return bad_tz("truncated TZif file");
  TimeZone zone;
  zone.transitions_.reserve(h.timecnt);
  for (std::uint32_t i = 0; i < h.timecnt; ++i) {
    const std::int64_t t =
        time_size == 8 ? in.i64() : std::int64_t{static_cast<std::int32_t>(in.u32())};
    if (!zone.transitions_.empty() && t <= zone.transitions_.back()) {
      return bad_tz("TZif transitions out of order");
    }
    zone.transitions_.push_back(t);
  }
  zone.transition_types_.reserve(h.timecnt);
  for (std::uint32_t i = 0; i < h.timecnt; ++i) {
    const std::uint8_t type = in.u8();
    if (type >= h.typecnt) return bad_tz("TZif transition to an unknown local time type");
    zone.transition_types_.push_back(type);
  }
  zone.type_offsets_.reserve(h.typecnt);
  for (std::uint32_t i = 0; i < h.typecnt; ++i) {
    const auto offset = static_cast<std::int32_t>(in.u32());
    in.skip(2);  // isdst, abbreviation index
    if (offset < kMinUtOffset || offset > kMaxUtOffset) return bad_tz("TZif offset out of range");
    zone.type_offsets_.push_back(offset);
  }
  // Abbreviations, leap seconds and the standard/UT indicators do not change offsets.
  in.skip(static_cast<std::size_t>(std::uint64_t{h.charcnt} +
                                   std::uint64_t{h.leapcnt} * (time_size + 4) + h.isstdcnt +
                                   h.isutcnt));
  if (time_size == 8) {
    // The footer: "\n<POSIX TZ rule>\n", the rule possibly empty.
    const std::string_view rest = in.rest();
    const std::size_t end = rest.find('\n', 1);
    if (rest.empty() || rest[0] != '\n' || end == std::string_view::npos) {
      return bad_tz("invalid TZif footer");
    }
    const std::string_view text = rest.substr(1, end - 1);
    if (!text.empty()) {
      Result<PosixTzRule> rule = PosixTzRule::parse(text);
      if (!rule.ok()) return std::move(rule).error();
      zone.rule_ = *rule;
    }
  }
  return zone;
}

std::int32_t TimeZone::offset_at(std::int64_t seconds) const {
  const auto after = std::upper_bound(transitions_.begin(), transitions_.end(), seconds);
  if (after == transitions_.end() && rule_) return rule_->offset_at(seconds);
  if (after == transitions_.begin()) return type_offsets_.front();
  return type_offsets_[transition_types_[static_cast<std::size_t>(after - transitions_.begin() -
                                                                  1)]];
}

Result<std::int32_t> utc_offset(std::string_view zone, std::int64_t seconds) {
  if (zone.empty() || zone == "UTC" || zone == "Z") return 0;
  if (zone.find(':') != std::string_view::npos) {
    if (auto offset = fixed_offset(zone)) return *offset;
    return bad_tz("invalid time zone offset '" + std::string(zone.substr(0, kMaxZoneNameBytes)) +
                  "', want [+|-]hh:mm");
  }
  Result<std::shared_ptr<const TimeZone>> found = find_zone(zone);
  if (!found.ok()) return std::move(found).error();
  return (*found)->offset_at(seconds);
}

}  // namespace sluice::cel::detail
