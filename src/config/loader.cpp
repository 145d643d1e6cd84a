#include "config/loader.h"

#include "config/documents.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

namespace sluice::config {
namespace {

Error to_error(const detail::ConfigError& e) {
  std::string msg = e.where().file + ":" + std::to_string(e.where().line) + ":" +
                    std::to_string(e.where().column) + ": ";
  if (!e.path().empty()) msg += e.path() + ": ";
  msg += e.what();
  return make_error(ErrorCode::kInvalidArgument, std::move(msg), e.path());
}

// yaml-cpp parses the whole stream eagerly; a syntax error anywhere fails the file with its mark.
Status parse_one(std::string_view text, const std::string& name, detail::Documents& docs) {
  std::vector<YAML::Node> nodes;
  try {
    nodes = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    const int line = e.mark.line < 0 ? 1 : e.mark.line + 1;
    const int col = e.mark.column < 0 ? 1 : e.mark.column + 1;
    return make_error(
        ErrorCode::kInvalidArgument,
        name + ":" + std::to_string(line) + ":" + std::to_string(col) + ": invalid YAML: " + e.msg);
  }
  for (const YAML::Node& doc : nodes) {
    if (!doc || doc.IsNull()) continue;  // `---` with nothing (or only comments) after it
    detail::parse_document(doc, name, docs);
  }
  return {};
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    const bool exists = std::filesystem::exists(path, ec);
    return make_error(exists ? ErrorCode::kIo : ErrorCode::kNotFound,
                      path + ": cannot open configuration file");
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return make_error(ErrorCode::kIo, path + ": read error");
  return ss.str();
}

}  // namespace

Result<GatewayConfig> parse_gateway_config(
    const std::vector<std::pair<std::string, std::string>>& sources) {
  try {
    detail::Documents docs;
    std::vector<std::string> names;
    for (const auto& [name, text] : sources) {
      names.push_back(name);
      if (Status s = parse_one(text, name, docs); !s) return std::move(s).error();
    }
    return detail::resolve(std::move(docs), std::move(names));
  } catch (const detail::ConfigError& e) {
    return to_error(e);
  } catch (const YAML::Exception& e) {
    // Node conversions are guarded, but keep the no-exception contract even for surprises.
    return make_error(ErrorCode::kInvalidArgument, "invalid configuration: " + e.msg);
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kInternal, std::string("configuration loader: ") + e.what());
  }
}

Result<GatewayConfig> parse_gateway_config(std::string_view text, const std::string& source_name) {
  return parse_gateway_config({{source_name, std::string(text)}});
}

Result<GatewayConfig> load_gateway_config(const std::vector<std::string>& paths) {
  std::vector<std::pair<std::string, std::string>> sources;
  for (const std::string& path : paths) {
    Result<std::string> text = read_file(path);
    if (!text) return std::move(text).error();
    sources.emplace_back(path, std::move(text).value());
  }
  return parse_gateway_config(sources);
}

Result<GatewayConfig> load_gateway_config(const std::string& path) {
  return load_gateway_config(std::vector<std::string>{path});
}

}  // namespace sluice::config
