// Internal to src/openai: readers for the polymorphic request fields (chat message `content` and
// completion `prompt`), split from request.cpp to keep each file to one concern.
#pragma once

#include "core/result.h"
#include "openai/json_reader.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::openai::detail {

/// A message's non-null `content`: a string, or an array of content parts whose {"type":"text"}
/// parts are joined with "\n" into `out`; other part types are skipped. `path` names the field
/// in errors ("messages[2].content").
Status read_content(JsonValue& value, std::string_view path, std::string& out);

/// A completion's non-null `prompt`: a non-empty string or [string] into `text`, or token ids
/// ([1,2] or [[1,2]]) into `token_ids`. More than one prompt per request is rejected.
Status read_prompt(JsonValue& value, std::string& text, std::vector<std::uint32_t>& token_ids);

}  // namespace sluice::openai::detail
