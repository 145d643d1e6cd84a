#include "bench/dataset_file.h"

#include <filesystem>
#include <system_error>

namespace sluice::bench::dataset_detail {

std::string json_problem(simdjson::error_code code, std::string_view expected) {
  switch (code) {
    case simdjson::INCORRECT_TYPE:
    case simdjson::NO_SUCH_FIELD:
    case simdjson::NUMBER_OUT_OF_RANGE:
      return std::string(expected);
    default:
      return std::string("invalid JSON (") + simdjson::error_message(code) + ")";
  }
}

Result<simdjson::padded_string> read_dataset_file(const std::string& path, std::string_view kind) {
  const std::string where = std::string(kind) + " file '" + path + "': ";
  if (path.empty()) {
    return make_error(ErrorCode::kInvalidArgument, std::string(kind) + " dataset needs a file path",
                      "path");
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return make_error(
        ErrorCode::kInvalidArgument,
        where + (std::filesystem::exists(path, ec) ? "not a regular file" : "no such file"),
        "path");
  }
  simdjson::padded_string contents;
  if (const auto code = simdjson::padded_string::load(path).get(contents);
      code != simdjson::SUCCESS) {
    return make_error(ErrorCode::kInvalidArgument,
                      where + "cannot read: " + simdjson::error_message(code), "path");
  }
  return contents;
}

}  // namespace sluice::bench::dataset_detail
