// Starting `sluice epp` in the integration tests: on 127.0.0.1, every port picked free.
#pragma once

#include "process.h"

#include <chrono>
#include <regex>
#include <string>
#include <vector>

namespace sluice::testing {

/// The command line of `sluice epp` on 127.0.0.1 with free ports, then `args` (a source such as
/// --endpoint URL or --config FILE, and any options).
inline std::vector<std::string> epp_argv(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {SLUICE_BIN,       "epp", "--host",        "127.0.0.1",
                                   "--grpc-port",    "0",   "--health-port", "0",
                                   "--metrics-port", "0"};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

/// Waits for the EPP's ready line and returns its ext_proc port.
inline int ext_proc_port(ChildProcess& epp) {
  return std::stoi(
      epp.wait_for(std::regex(R"(ext_proc on port (\d+))"), std::chrono::seconds(20))[1]);
}

}  // namespace sluice::testing
