// Private to src/bench/dataset*.cpp: reading dataset files (sharegpt, trace) into one padded
// buffer that simdjson can parse in place, sub-range by sub-range.
#pragma once

#include "core/result.h"

#include <simdjson.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace sluice::bench::dataset_detail {

/// What went wrong reading a JSON value: `expected` when the value is there but of the wrong
/// type, missing or out of range (the caller's wording), "invalid JSON (...)" for syntax errors.
std::string json_problem(simdjson::error_code code, std::string_view expected);

/// Reads the whole file. Errors (kInvalidArgument) say "<kind> file '<path>': <why>".
Result<simdjson::padded_string> read_dataset_file(const std::string& path, std::string_view kind);

/// A view of bytes [offset, offset + length) of `file` that simdjson may parse: the rest of the
/// file and the buffer's padding follow it, so no copy is needed.
inline simdjson::padded_string_view padded_slice(const simdjson::padded_string& file,
                                                 std::size_t offset, std::size_t length) {
  return simdjson::padded_string_view(file.data() + offset, length,
                                      file.size() - offset + simdjson::SIMDJSON_PADDING);
}

}  // namespace sluice::bench::dataset_detail
