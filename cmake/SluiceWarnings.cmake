# Warnings for Sluice's own targets only.
# Not enabled, on purpose: -Wnull-dereference (GCC 12 reports "potential null pointer dereference"
# inside Asio's inlined executors in every coroutine user) and -Wmismatched-new-delete (GCC 12 false
# positive on coroutine frames that use Asio's frame allocator).
set(SLUICE_WARNING_FLAGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Wcast-align -Wunused -Woverloaded-virtual -Wimplicit-fallthrough -Wno-mismatched-new-delete)
# GCC 12 at -O3 (CMAKE_BUILD_TYPE=Release) reports a false -Wrestrict inside std::string for
# `"literal" + std::string` (GCC bug 105329, fixed in 13), which -Werror turns into a failed build.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  list(APPEND SLUICE_WARNING_FLAGS -Wno-restrict)
endif()
option(SLUICE_WERROR "Treat warnings as errors" ON)
if(SLUICE_WERROR)
  list(APPEND SLUICE_WARNING_FLAGS -Werror)
endif()
