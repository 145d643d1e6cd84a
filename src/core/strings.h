// Small text helpers shared by modules that read lists out of headers, metrics labels and
// metadata.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

/// The items of a comma-separated list, spaces around each trimmed, empty items dropped, at most
/// `max_items` of them (the rest ignored: the input may be untrusted).
std::vector<std::string> split_list(std::string_view list, std::size_t max_items);

/// `s` with ASCII letters lower-cased.
std::string ascii_lower(std::string_view s);

}  // namespace sluice
