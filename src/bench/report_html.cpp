#include "bench/report_html.h"

#include "bench/report_html_assets.h"
#include "bench/report_html_data.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string_view>

namespace sluice::bench {
namespace {

// The tables are rendered here rather than by the script so that the numbers read the same with
// JavaScript off, and so that every piece of run text passes through one escaping function.

void append_text(std::string& out, std::string_view tag, std::string_view text,
                 std::string_view attrs = {}) {
  out += '<';
  out += tag;
  out += attrs;
  out += '>';
  append_html_escaped(out, text);
  out += "</";
  out += tag;
  out += '>';
}

std::string format_number(double v, const char* spec) {
  if (!std::isfinite(v)) {
    return "-";
  }
  char buf[48];
  std::snprintf(buf, sizeof(buf), spec, v);
  return buf;
}

std::string format_ms(double seconds) {
  const double ms = seconds * 1000;
  return format_number(ms, std::abs(ms) < 100 ? "%.3f" : "%.1f");
}

void num_cell(std::string& out, std::string_view text) {
  append_text(out, "td", text, " class=\"num\"");
}

void num_cell(std::string& out, std::uint64_t v) { num_cell(out, std::to_string(v)); }

// Columns [first_numeric, end_numeric) hold numbers and are right-aligned.
void header_row(std::string& out, std::initializer_list<std::string_view> names,
                std::size_t first_numeric, std::size_t end_numeric = SIZE_MAX) {
  out += "<thead><tr>";
  std::size_t i = 0;
  for (std::string_view name : names) {
    const bool numeric = i >= first_numeric && i < end_numeric;
    ++i;
    append_text(out, "th", name, numeric ? " class=\"num\"" : "");
  }
  out += "</tr></thead><tbody>";
}

void open_table(std::string& out, std::string_view title) {
  out += "<section>";
  append_text(out, "h2", title);
  out += "<div class=\"scroll\"><table>";
}

void close_table(std::string& out) { out += "</tbody></table></div></section>\n"; }

void context_header(std::string& out, const std::vector<StageReport>& stages,
                    const ReportContext& c) {
  out += "<header>";
  append_text(out, "h1", c.title);
  out += "<dl class=\"context\">";
  const std::pair<std::string_view, std::string_view> rows[] = {{"Command", c.command_line},
                                                                {"Target", c.target_url},
                                                                {"Dataset", c.dataset},
                                                                {"Started", c.started_at}};
  for (const auto& [name, value] : rows) {
    if (!value.empty()) {
      append_text(out, "dt", name);
      append_text(out, "dd", value);
    }
  }
  append_text(out, "dt", "Stages");
  append_text(out, "dd", std::to_string(stages.size()));
  out += "</dl></header>\n";
}

void chart(std::string& out, std::string_view title, std::string_view kind, std::string_view note) {
  out += "<section>";
  append_text(out, "h2", title);
  append_text(out, "p", note, " class=\"note\"");
  out += "<div class=\"chart\" data-chart=\"";
  out += kind;
  out += "\"></div></section>\n";
}

void stages_table(std::string& out, const std::vector<StageReport>& stages) {
  open_table(out, "Stages");
  header_row(out,
             {"Stage", "Target (req/s)", "Achieved (req/s)", "Duration (s)", "Completed", "Failed",
              "Requests/s", "Goodput (req/s)", "Input tok/s", "Output tok/s", "Tokens in / out",
              "Errors", "Notes"},
             1, 11);
  for (const StageReport& r : stages) {
    out += "<tr>";
    append_text(out, "td", r.name);
    num_cell(out, r.target_rate > 0 ? format_number(r.target_rate, "%.2f") : "closed loop");
    num_cell(out, format_number(r.achieved_rate, "%.2f"));
    num_cell(out, format_number(r.duration_s, "%.2f"));
    num_cell(out, r.completed);
    num_cell(out, r.failed);
    num_cell(out, format_number(r.requests_per_s, "%.2f"));
    num_cell(out, format_number(r.goodput_requests_per_s, "%.2f"));
    num_cell(out, format_number(r.input_tokens_per_s, "%.1f"));
    num_cell(out, format_number(r.output_tokens_per_s, "%.1f"));
    num_cell(out, std::to_string(r.input_tokens) + " / " + std::to_string(r.output_tokens));
    std::string errors;
    for (const auto& [type, count] : r.errors) {
      errors += errors.empty() ? "" : ", ";
      errors += type + ": " + std::to_string(count);
    }
    append_text(out, "td", errors.empty() ? "none" : errors);
    std::string notes;
    const auto add_note = [&notes](std::string_view note) {
      notes += notes.empty() ? "" : "; ";
      notes += note;
    };
    if (r.target_rate <= 0) {
      add_note("closed loop, concurrency " + std::to_string(r.concurrency));
    }
    if (r.interrupted) {
      add_note("interrupted");
    }
    if (r.usage_missing > 0) {
      add_note(std::to_string(r.usage_missing) + " without usage (tokens counted from chunks)");
    }
    if (r.token_mismatches > 0) {
      add_note(std::to_string(r.token_mismatches) + " usage/chunk token mismatches");
    }
    for (const auto& [target, failures] : r.scrape_failures) {
      add_note(std::to_string(failures) + " failed scrapes of " + target);
    }
    append_text(out, "td", notes, " class=\"wrap\"");
    out += "</tr>\n";
  }
  close_table(out);
}

void latency_table(std::string& out, const std::vector<StageReport>& stages) {
  open_table(out, "Latency (ms)");
  header_row(out, {"Stage", "Metric", "Count", "Mean", "p50", "p90", "p99", "Max"}, 2);
  for (const StageReport& r : stages) {
    const std::pair<const char*, const Summary*> metrics[] = {
        {"TTFT", &r.ttft},
        {"TPOT", &r.tpot},
        {"NTPOT", &r.ntpot},
        {"ITL (per chunk)", &r.itl},
        {"ITL (per token)", &r.itl_per_token},
        {"E2E", &r.e2e},
        {"Schedule delay", &r.schedule_delay}};
    for (const auto& [name, s] : metrics) {
      out += "<tr>";
      append_text(out, "td", r.name);
      append_text(out, "td", name);
      num_cell(out, static_cast<std::uint64_t>(s->count));
      for (double v : {s->mean, s->p50, s->p90, s->p99, s->max}) {
        num_cell(out, s->count > 0 ? format_ms(v) : "-");
      }
      out += "</tr>\n";
    }
  }
  close_table(out);
}

void models_table(std::string& out, const std::vector<StageReport>& stages) {
  open_table(out, "Requests per model");
  header_row(out, {"Stage", "Model", "Completed", "Failed"}, 2);
  bool any = false;
  for (const StageReport& r : stages) {
    for (const auto& [model, counts] : r.per_model) {
      any = true;
      out += "<tr>";
      append_text(out, "td", r.name);
      append_text(out, "td", model);
      num_cell(out, counts.first);
      num_cell(out, counts.second);
      out += "</tr>\n";
    }
  }
  if (!any) {
    out += "<tr><td colspan=\"4\" class=\"empty\">No per-model counts recorded.</td></tr>";
  }
  close_table(out);
}

void scraped_table(std::string& out, const std::vector<StageReport>& stages) {
  open_table(out, "Scraped metrics");
  header_row(out, {"Stage", "Target", "Series", "Kind", "Value", "Max"}, 4);
  bool any = false;
  for (const StageReport& r : stages) {
    for (const ScrapedMetric& m : r.scraped) {
      any = true;
      out += "<tr>";
      append_text(out, "td", r.name);
      append_text(out, "td", m.target);
      append_text(out, "td", m.series, " class=\"wrap\"");
      append_text(out, "td", m.kind);
      num_cell(out, format_number(m.value, "%.6g"));
      num_cell(out, format_number(m.max, "%.6g"));
      out += "</tr>\n";
    }
  }
  if (!any) {
    out +=
        "<tr><td colspan=\"6\" class=\"empty\">No metrics scraped (sluice bench --scrape URL "
        "adds them).</td></tr>";
  }
  close_table(out);
}

}  // namespace

std::string report_html(const std::vector<StageReport>& stages, const ReportContext& context) {
  std::string out;
  out.reserve(64 * 1024);
  out +=
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      // The page must never reach the network: the policy blocks anything but inline code.
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n";
  append_text(out, "title", context.title);
  out += "\n<style>";
  out += report_css();
  out += "</style></head>\n<body>\n<script>";
  out += report_error_hook_js();
  out += "</script>\n";
  context_header(out, stages, context);
  out +=
      "<noscript><p class=\"note\">The charts need JavaScript; the tables below do not.</p>"
      "</noscript>\n";
  chart(out, "Latency percentiles vs achieved rate", "latency",
        "One point per stage and percentile; hover a point for its stage and value.");
  chart(out, "Throughput vs target rate", "throughput",
        "Completed and good (within the SLOs) requests per second, and output tokens per second.");
  chart(out, "TTFT distribution per stage", "ttft-histogram",
        std::to_string(kTtftHistogramBins) +
            " bins from the fastest TTFT to the 99.9th percentile; the red bar holds the slower "
            "tail.");
  stages_table(out, stages);
  latency_table(out, stages);
  models_table(out, stages);
  scraped_table(out, stages);
  out += "<script type=\"application/json\" id=\"data\">";
  out += report_data_json(stages, context);
  out += "</script>\n<script>";
  out += report_js();
  out += "</script>\n</body></html>\n";
  return out;
}

}  // namespace sluice::bench
