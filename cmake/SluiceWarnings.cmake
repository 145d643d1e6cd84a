# Warnings for Sluice's own targets only.
# Not enabled, on purpose: -Wnull-dereference (GCC 12 reports "potential null pointer dereference"
# inside Asio's inlined executors in every coroutine user) and -Wmismatched-new-delete (GCC 12 false
# positive on coroutine frames that use Asio's frame allocator).
set(SLUICE_WARNING_FLAGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Wcast-align -Wunused -Woverloaded-virtual -Wimplicit-fallthrough -Wno-mismatched-new-delete)
option(SLUICE_WERROR "Treat warnings as errors" ON)
if(SLUICE_WERROR)
  list(APPEND SLUICE_WARNING_FLAGS -Werror)
endif()
