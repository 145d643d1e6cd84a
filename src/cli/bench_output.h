// What `sluice bench` prints and writes: the per-stage table, the live progress line and the
// report directory (summary.json, report.html).
#pragma once

#include "bench/driver/session.h"
#include "bench/report_html.h"
#include "bench/stage_report.h"
#include "core/result.h"

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace sluice::cli {

/// The stage's numbers as a table on stdout.
void print_stage(const bench::StageReport& report);
/// "http_503: 4, io: 1", or "no errors".
std::string errors_text(const bench::StageReport& report);

/// The live progress line on stderr: rewritten in place on a terminal ("auto" or "always"), one
/// line per second otherwise ("always"), or nothing ("never", or "auto" without a terminal).
class ProgressPrinter {
 public:
  explicit ProgressPrinter(const std::string& mode);
  bool enabled() const { return enabled_; }
  void begin_stage(const std::string& name, std::size_t number, std::size_t total);
  void print(const bench::Progress& progress);
  /// Ends an in-place line so the stage table starts on a fresh line.
  void end_stage();

 private:
  bool enabled_ = false;
  bool in_place_ = false;
  bool line_open_ = false;
  std::string label_;
};

/// The command line as given, rebuilt from the parsed flags (for the report's header).
std::string command_line_of(const CLI::App& command);
/// The wall-clock time in UTC, e.g. "2026-11-23T22:19:26Z".
std::string now_iso8601();

/// Writes DIR/summary.json and DIR/report.html and says so on stdout.
Status write_report_dir(const std::string& dir, const std::vector<bench::StageReport>& reports,
                        const bench::ReportContext& context);

}  // namespace sluice::cli
