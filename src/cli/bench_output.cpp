#include "cli/bench_output.h"

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace sluice::cli {
namespace {

void print_row(const char* name, const bench::Summary& s) {
  std::printf("%-18s %10.3f %10.3f %10.3f %10.3f %10.3f %10.3f %10.3f\n", name, s.mean * 1e3,
              s.p50 * 1e3, s.p90 * 1e3, s.p99 * 1e3, s.p999 * 1e3, s.min * 1e3, s.max * 1e3);
}

Status write_file(const std::filesystem::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  if (!out) {
    return make_error(ErrorCode::kIo, "cannot write " + path.string());
  }
  std::printf("wrote %s\n", path.string().c_str());
  return {};
}

}  // namespace

std::string errors_text(const bench::StageReport& r) {
  std::string out;
  for (const auto& [type, count] : r.errors) {
    out += (out.empty() ? "" : ", ") + type + ": " + std::to_string(count);
  }
  return out.empty() ? "no errors" : out;
}

void print_stage(const bench::StageReport& r) {
  std::printf("== %s%s\n", r.name.c_str(), r.interrupted ? " (interrupted)" : "");
  std::printf("requests: %llu completed, %llu failed (%s)\n",
              static_cast<unsigned long long>(r.completed),
              static_cast<unsigned long long>(r.failed), errors_text(r).c_str());
  if (r.concurrency > 0) {
    std::printf("load: closed loop, concurrency %d; achieved %.2f/s", r.concurrency,
                r.achieved_rate);
  } else {
    std::printf("rate: target %.2f/s, achieved %.2f/s", r.target_rate, r.achieved_rate);
  }
  std::printf("; duration %.3f s\n", r.duration_s);
  std::printf("throughput: %.2f req/s, %.1f input tok/s, %.1f output tok/s, goodput %.2f req/s\n",
              r.requests_per_s, r.input_tokens_per_s, r.output_tokens_per_s,
              r.goodput_requests_per_s);
  if (r.per_model.size() > 1) {
    std::printf("models:");
    for (const auto& [model, counts] : r.per_model) {
      std::printf(" %s %llu/%llu", model.c_str(), static_cast<unsigned long long>(counts.first),
                  static_cast<unsigned long long>(counts.first + counts.second));
    }
    std::printf(" (completed/sent)\n");
  }
  std::printf("%-18s %10s %10s %10s %10s %10s %10s %10s\n", "metric (ms)", "mean", "p50", "p90",
              "p99", "p99.9", "min", "max");
  print_row("ttft", r.ttft);
  print_row("itl (per chunk)", r.itl);
  print_row("itl (per token)", r.itl_per_token);
  print_row("tpot", r.tpot);
  print_row("ntpot", r.ntpot);
  print_row("e2e", r.e2e);
  print_row("schedule delay", r.schedule_delay);
  std::fflush(stdout);
}

ProgressPrinter::ProgressPrinter(const std::string& mode) {
  const bool terminal = ::isatty(STDERR_FILENO) == 1;
  enabled_ = mode == "always" || (mode == "auto" && terminal);
  in_place_ = terminal;
}

void ProgressPrinter::begin_stage(const std::string& name, std::size_t number, std::size_t total) {
  label_ = "[" + name + " " + std::to_string(number) + "/" + std::to_string(total) + "]";
}

void ProgressPrinter::print(const bench::Progress& p) {
  char ttft[32] = "-";
  if (p.ttft_p50) {
    std::snprintf(ttft, sizeof(ttft), "%.1f ms", *p.ttft_p50 * 1e3);
  }
  std::fprintf(stderr, "%s%s %6.1fs sent %llu in-flight %llu ok %llu errors %llu ttft p50 %s%s",
               in_place_ ? "\r\033[K" : "", label_.c_str(), p.elapsed_s,
               static_cast<unsigned long long>(p.sent),
               static_cast<unsigned long long>(p.in_flight),
               static_cast<unsigned long long>(p.completed),
               static_cast<unsigned long long>(p.failed), ttft, in_place_ ? "" : "\n");
  line_open_ = in_place_;
}

void ProgressPrinter::end_stage() {
  if (line_open_) {
    std::fputs("\n", stderr);
    line_open_ = false;
  }
}

std::string command_line_of(const CLI::App& command) {
  std::string out = "sluice " + command.get_name();
  for (const CLI::Option* option : command.get_options()) {
    if (option->count() == 0 || option->get_name() == "--help") {
      continue;
    }
    if (option->get_expected_min() == 0) {  // a flag
      out += " " + option->get_name();
      continue;
    }
    for (const std::string& value : option->results()) {
      out += " " + option->get_name() + " " + value;
    }
  }
  return out;
}

std::string now_iso8601() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buf;
}

Status write_report_dir(const std::string& dir, const std::vector<bench::StageReport>& reports,
                        const bench::ReportContext& context) {
  const std::filesystem::path base(dir);
  if (Status s = write_file(base / "summary.json", bench::summary_json(reports)); !s.ok()) {
    return s;
  }
  return write_file(base / "report.html", bench::report_html(reports, context));
}

}  // namespace sluice::cli
