// Counts heap allocations made through global operator new in this test binary (the replacement
// operators live in allocation_counter_test.cpp), to check "does not allocate" contracts.
#pragma once

#include <cstddef>

namespace sluice::openai::testing {

/// Number of global operator new calls so far in this process.
std::size_t allocation_count();

}  // namespace sluice::openai::testing
