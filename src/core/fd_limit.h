// Open-file limit: load generators and servers holding thousands of connections need more than
// the usual soft limit of 1024 descriptors.
#pragma once

#include <cstdint>

namespace sluice {

/// Raises the soft RLIMIT_NOFILE to the hard limit (never lowers it). Returns the soft limit in
/// effect afterwards.
std::uint64_t raise_fd_limit();

}  // namespace sluice
