#include "bench/stage_report.h"

#include "openai/json_writer.h"

#include <cstdio>

namespace sluice::bench {
namespace {

void append_key(std::string& out, std::string_view key) {
  openai::append_json_string(out, key);
  out += ':';
}

void append_summary(std::string& out, std::string_view name, const Summary& s) {
  append_key(out, name);
  out += '{';
  const std::pair<const char*, double> fields[] = {
      {"mean", s.mean}, {"p50", s.p50},   {"p90", s.p90}, {"p95", s.p95},
      {"p99", s.p99},   {"p999", s.p999}, {"min", s.min}, {"max", s.max}};
  for (const auto& [key, value] : fields) {
    append_key(out, key);
    openai::append_json_number(out, value);
    out += ',';
  }
  out += "\"count\":" + std::to_string(s.count) + "}";
}

void append_stage(std::string& out, const StageReport& r) {
  out += "{\"name\":";
  openai::append_json_string(out, r.name);
  out += ",\"target_rate\":";
  openai::append_json_number(out, r.target_rate);
  out += ",\"achieved_rate\":";
  openai::append_json_number(out, r.achieved_rate);
  out += ",\"duration_s\":";
  openai::append_json_number(out, r.duration_s);
  out += ",\"concurrency\":" + std::to_string(r.concurrency);
  out += r.interrupted ? ",\"interrupted\":true" : ",\"interrupted\":false";
  out += ",\"requests\":{\"completed\":" + std::to_string(r.completed) +
         ",\"failed\":" + std::to_string(r.failed) + "},\"errors\":{";
  const char* sep = "";
  for (const auto& [type, count] : r.errors) {
    out += sep;
    sep = ",";
    append_key(out, type);
    out += std::to_string(count);
  }
  out += '}';
  const std::pair<const char*, const Summary*> summaries[] = {
      {"ttft", &r.ttft},   {"itl", &r.itl}, {"itl_per_token", &r.itl_per_token},  {"tpot", &r.tpot},
      {"ntpot", &r.ntpot}, {"e2e", &r.e2e}, {"schedule_delay", &r.schedule_delay}};
  for (const auto& [metric, summary] : summaries) {
    out += ',';
    append_summary(out, metric, *summary);
  }
  out += ",\"throughput\":{\"requests_per_s\":";
  openai::append_json_number(out, r.requests_per_s);
  out += ",\"input_tokens_per_s\":";
  openai::append_json_number(out, r.input_tokens_per_s);
  out += ",\"output_tokens_per_s\":";
  openai::append_json_number(out, r.output_tokens_per_s);
  out += "},\"goodput_requests_per_s\":";
  openai::append_json_number(out, r.goodput_requests_per_s);
  out += ",\"tokens\":{\"input\":" + std::to_string(r.input_tokens) +
         ",\"output\":" + std::to_string(r.output_tokens) +
         ",\"usage_missing\":" + std::to_string(r.usage_missing) +
         ",\"mismatches\":" + std::to_string(r.token_mismatches) + "}";
  out += ",\"models\":{";
  sep = "";
  for (const auto& [model, counts] : r.per_model) {
    out += sep;
    sep = ",";
    append_key(out, model);
    out += "{\"completed\":" + std::to_string(counts.first) +
           ",\"failed\":" + std::to_string(counts.second) + "}";
  }
  out += "},\"scraped\":[";
  sep = "";
  for (const ScrapedMetric& m : r.scraped) {
    out += sep;
    sep = ",";
    out += "{\"target\":";
    openai::append_json_string(out, m.target);
    out += ",\"series\":";
    openai::append_json_string(out, m.series);
    out += ",\"kind\":";
    openai::append_json_string(out, m.kind);
    out += ",\"value\":";
    openai::append_json_number(out, m.value);
    out += ",\"max\":";
    openai::append_json_number(out, m.max);
    out += '}';
  }
  out += "],\"scrape_failures\":{";
  sep = "";
  for (const auto& [target, count] : r.scrape_failures) {
    out += sep;
    sep = ",";
    append_key(out, target);
    out += std::to_string(count);
  }
  out += "}}";
}

}  // namespace

std::string summary_json(const std::vector<StageReport>& stages) {
  std::string out = "{\"stages\":[";
  const char* sep = "";
  for (const StageReport& r : stages) {
    out += sep;
    sep = ",";
    append_stage(out, r);
  }
  out += "]}\n";
  return out;
}

}  // namespace sluice::bench
