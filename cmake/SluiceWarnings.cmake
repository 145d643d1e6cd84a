# Warnings for Sluice's own targets only (third-party headers are included as SYSTEM).
set(SLUICE_WARNING_FLAGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Wcast-align -Wunused -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough)
option(SLUICE_WERROR "Treat warnings as errors" ON)
if(SLUICE_WERROR)
  list(APPEND SLUICE_WARNING_FLAGS -Werror)
endif()
