# Every third-party dependency is found here, once. All of them come from Debian 12 packages
# (scripts/packages.txt); see ../shared/DESIGN.md for the list and docs/adr/ for additions.
find_package(Threads REQUIRED)
find_package(Boost 1.81 CONFIG REQUIRED COMPONENTS json url)
find_package(simdjson REQUIRED)
find_package(yaml-cpp CONFIG REQUIRED)
find_package(spdlog REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(prometheus-cpp CONFIG REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
find_path(XXHASH_INCLUDE_DIR xxhash.h REQUIRED)
if(SLUICE_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(SLUICE_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
# ext_proc (src/extproc): protobuf messages and the gRPC server, generated from our .proto files.
find_package(Protobuf REQUIRED)
find_package(gRPC CONFIG REQUIRED)
# HTTP/2 for the ext_proc server (docs/adr/0003): gRPC framing on Sluice's own event loops.
pkg_check_modules(NGHTTP2 REQUIRED IMPORTED_TARGET libnghttp2)
