#include "gateway/access_log.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdio>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <thread>
#include <unistd.h>
#include <vector>

namespace sluice::gateway {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kFields[] = {
    "time",    "method",        "path",         "model",         "target_model", "objective",
    "pool",    "endpoint",      "status",       "stream",        "attempts",     "duration_ms",
    "ttft_ms", "scheduling_us", "input_tokens", "output_tokens", "bytes",        "error"};

AccessLogEntry full_entry() {
  AccessLogEntry e;
  // 2026-01-02T03:04:05.678Z
  e.time = std::chrono::sys_days{std::chrono::year{2026} / 1 / 2} + 3h + 4min + 5s + 678ms;
  e.method = "POST";
  e.path = "/v1/chat/completions";
  e.model = "food-review";
  e.target_model = "food-review-v2";
  e.objective = "critical";
  e.pool = "pool-a";
  e.endpoint = "10.0.0.1:8000";
  e.status = 200;
  e.stream = true;
  e.attempts = 2;
  e.duration_ms = 12.5;
  e.ttft_ms = 3.25;
  e.scheduling_us = 14.0;
  e.input_tokens = 10;
  e.output_tokens = 20;
  e.bytes = 4096;
  return e;
}

// Parses one line (without its newline) and returns key -> raw JSON of the value, checking the
// key order on the way.
std::map<std::string, std::string> parse_line(std::string_view line) {
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  const auto error = parser.parse(line.data(), line.size()).get(object);
  EXPECT_EQ(error, simdjson::SUCCESS) << line;
  std::map<std::string, std::string> out;
  if (error) {
    return out;
  }
  std::size_t i = 0;
  for (const auto field : object) {
    EXPECT_LT(i, std::size(kFields));
    if (i < std::size(kFields)) {
      EXPECT_EQ(field.key, kFields[i]) << line;
    }
    ++i;
    out[std::string(field.key)] = simdjson::minify(field.value);
  }
  EXPECT_EQ(i, std::size(kFields)) << line;
  return out;
}

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    EXPECT_NE(nl, std::string_view::npos) << "unterminated line: " << text;
    if (nl == std::string_view::npos) {
      break;
    }
    lines.emplace_back(text.substr(0, nl));
    text.remove_prefix(nl + 1);
  }
  return lines;
}

TEST(AccessLogLine, HasEveryFieldInOrder) {
  std::string line;
  append_access_log_line(line, full_entry());
  ASSERT_EQ(line.back(), '\n');
  ASSERT_EQ(line.find('\n'), line.size() - 1);
  const auto f = parse_line(std::string_view(line).substr(0, line.size() - 1));
  EXPECT_EQ(f.at("time"), R"("2026-01-02T03:04:05.678Z")");
  EXPECT_EQ(f.at("method"), R"("POST")");
  EXPECT_EQ(f.at("path"), R"("/v1/chat/completions")");
  EXPECT_EQ(f.at("model"), R"("food-review")");
  EXPECT_EQ(f.at("target_model"), R"("food-review-v2")");
  EXPECT_EQ(f.at("objective"), R"("critical")");
  EXPECT_EQ(f.at("pool"), R"("pool-a")");
  EXPECT_EQ(f.at("endpoint"), R"("10.0.0.1:8000")");
  EXPECT_EQ(f.at("status"), "200");
  EXPECT_EQ(f.at("stream"), "true");
  EXPECT_EQ(f.at("attempts"), "2");
  EXPECT_EQ(f.at("duration_ms"), "12.5");
  EXPECT_EQ(f.at("ttft_ms"), "3.25");
  EXPECT_EQ(f.at("scheduling_us"), "14");
  EXPECT_EQ(f.at("input_tokens"), "10");
  EXPECT_EQ(f.at("output_tokens"), "20");
  EXPECT_EQ(f.at("bytes"), "4096");
  EXPECT_EQ(f.at("error"), "null");
}

TEST(AccessLogLine, EmptyOptionalFieldsAreNull) {
  AccessLogEntry e;
  e.time = std::chrono::sys_days{std::chrono::year{1999} / 12 / 31} + 23h + 59min + 59s + 7ms;
  e.method = "POST";
  e.path = "/v1/completions";
  e.model = "m";
  e.target_model = "m";
  e.status = 503;
  e.error = "no endpoint serves model m";
  std::string line;
  append_access_log_line(line, e);
  const auto f = parse_line(std::string_view(line).substr(0, line.size() - 1));
  EXPECT_EQ(f.at("time"), R"("1999-12-31T23:59:59.007Z")");
  EXPECT_EQ(f.at("objective"), "null");
  EXPECT_EQ(f.at("pool"), "null");
  EXPECT_EQ(f.at("endpoint"), "null");
  EXPECT_EQ(f.at("ttft_ms"), "null");
  EXPECT_EQ(f.at("stream"), "false");
  EXPECT_EQ(f.at("attempts"), "0");
  EXPECT_EQ(f.at("error"), R"("no endpoint serves model m")");
}

TEST(AccessLogLine, EscapesHostileStrings) {
  AccessLogEntry e = full_entry();
  e.path = "/v1/x?q=\"a\"\\b\n\x01";
  e.model = "bad\xff\xfeutf8";
  e.error = "tab\there";
  std::string line;
  append_access_log_line(line, e);
  ASSERT_EQ(line.find('\n'), line.size() - 1) << "a raw newline would split the line";
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(line).get(doc), simdjson::SUCCESS) << line;
  std::string_view path;
  ASSERT_EQ(doc["path"].get(path), simdjson::SUCCESS);
  EXPECT_EQ(path, "/v1/x?q=\"a\"\\b\n\x01");
  std::string_view model;
  ASSERT_EQ(doc["model"].get(model), simdjson::SUCCESS);
  EXPECT_EQ(model, "bad\xEF\xBF\xBD\xEF\xBF\xBDutf8");
  std::string_view error;
  ASSERT_EQ(doc["error"].get(error), simdjson::SUCCESS);
  EXPECT_EQ(error, "tab\there");
}

struct Pipe {
  int read = -1;
  int write = -1;
  Pipe() {
    int fds[2];
    EXPECT_EQ(::pipe2(fds, O_CLOEXEC), 0);
    read = fds[0];
    write = fds[1];
  }
  ~Pipe() {
    close_write();
    if (read >= 0) {
      ::close(read);
    }
  }
  void close_write() {
    if (write >= 0) {
      ::close(write);
      write = -1;
    }
  }
  // Everything currently in the pipe, without blocking.
  std::string drain() const {
    const int flags = ::fcntl(read, F_GETFL);
    ::fcntl(read, F_SETFL, flags | O_NONBLOCK);
    std::string out;
    char buf[4096];
    for (;;) {
      const ssize_t n = ::read(read, buf, sizeof(buf));
      if (n <= 0) {
        break;
      }
      out.append(buf, static_cast<std::size_t>(n));
    }
    ::fcntl(read, F_SETFL, flags);
    return out;
  }
};

TEST(AccessLog, BuffersUntilFlush) {
  Pipe pipe;
  AccessLog log(pipe.write, 2);
  log.record(1, full_entry());
  log.record(1, full_entry());
  EXPECT_EQ(pipe.drain(), "") << "nothing may be written before a flush";
  log.flush(0);  // another worker's buffer is empty
  EXPECT_EQ(pipe.drain(), "");
  log.flush(1);
  const auto lines = split_lines(pipe.drain());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(parse_line(lines[0]).at("status"), "200");
  log.flush(1);
  EXPECT_EQ(pipe.drain(), "") << "a flush writes each line once";
}

TEST(AccessLog, WritesWholeLinesPastTheThreshold) {
  Pipe pipe;
  std::string one;
  append_access_log_line(one, full_entry());
  AccessLog log(pipe.write, 1, one.size() * 3 + 1);
  log.record(0, full_entry());
  log.record(0, full_entry());
  log.record(0, full_entry());
  EXPECT_EQ(pipe.drain(), "");
  log.record(0, full_entry());  // passes the threshold: written at once
  const std::string written = pipe.drain();
  EXPECT_EQ(written.size(), one.size() * 4);
  EXPECT_EQ(split_lines(written).size(), 4u);
}

TEST(AccessLog, DestructionFlushes) {
  Pipe pipe;
  {
    AccessLog log(pipe.write, 3);
    log.record(2, full_entry());
  }
  EXPECT_EQ(split_lines(pipe.drain()).size(), 1u);
}

TEST(AccessLog, TwoWorkersOnAPipeNeverInterleaveLines) {
  constexpr int kLines = 3000;
  Pipe pipe;
  // A small pipe makes writes block part-way, where unlocked writers would interleave.
  ::fcntl(pipe.write, F_SETPIPE_SZ, 4096);
  std::string received;
  std::thread reader([&] {
    char buf[1024];
    for (;;) {
      const ssize_t n = ::read(pipe.read, buf, sizeof(buf));
      if (n <= 0) {
        break;
      }
      received.append(buf, static_cast<std::size_t>(n));
    }
  });
  {
    AccessLog log(pipe.write, 2, 8 * 1024);
    std::vector<std::thread> workers;
    for (std::size_t w = 0; w < 2; ++w) {
      workers.emplace_back([&log, w] {
        const std::string pool = w == 0 ? "pool-zero" : "pool-one";
        const std::string path = "/v1/" + std::string(700, w == 0 ? 'a' : 'b');
        for (int i = 0; i < kLines; ++i) {
          AccessLogEntry e = full_entry();
          e.pool = pool;
          e.path = path;
          e.bytes = static_cast<std::uint64_t>(i);
          log.record(w, e);
          if (i % 97 == 0) {
            log.flush(w);
          }
        }
        log.flush(w);
      });
    }
    for (std::thread& t : workers) {
      t.join();
    }
  }
  pipe.close_write();
  reader.join();

  const auto lines = split_lines(received);
  ASSERT_EQ(lines.size(), 2u * kLines);
  std::map<std::string, std::uint64_t> next;  // pool -> next expected "bytes"
  for (const std::string& line : lines) {
    const auto f = parse_line(line);
    if (f.empty()) {
      FAIL() << "interleaved line: " << line.substr(0, 200);
    }
    const std::string pool = f.at("pool");
    EXPECT_EQ(f.at("bytes"), std::to_string(next[pool]++)) << "lines of one worker out of order";
  }
  EXPECT_EQ(next[R"("pool-zero")"], static_cast<std::uint64_t>(kLines));
  EXPECT_EQ(next[R"("pool-one")"], static_cast<std::uint64_t>(kLines));
}

TEST(AccessLog, OpenAppendsToAFile) {
  char path[] = "/tmp/sluice-access-XXXXXX";
  const int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, "existing\n", 9), 9);
  ::close(fd);
  {
    auto log = AccessLog::open(path, 1);
    ASSERT_TRUE(log.ok()) << log.error().message;
    (*log)->record(0, full_entry());
  }
  std::ifstream in(path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::remove(path);
  const auto lines = split_lines(text);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "existing");
  EXPECT_EQ(parse_line(lines[1]).at("method"), R"("POST")");

  const auto missing = AccessLog::open("/nonexistent-dir/access.log", 1);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kIo);
  EXPECT_NE(missing.error().message.find("/nonexistent-dir/access.log"), std::string::npos);
}

TEST(AccessLog, FailedWritesAreCountedNotRetried) {
  const int fd = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    GTEST_SKIP() << "no /dev/full";
  }
  {
    AccessLog log(fd, 1);
    log.record(0, full_entry());
    log.record(0, full_entry());
    log.flush(0);
    EXPECT_EQ(log.dropped_lines(), 2u);
    log.flush(0);  // the buffer was dropped, not kept for another try
    EXPECT_EQ(log.dropped_lines(), 2u);
  }
  ::close(fd);
}

}  // namespace
}  // namespace sluice::gateway
