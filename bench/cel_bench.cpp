// CEL selector evaluation (issue #5): five representative DRA device selectors, compiled once and
// evaluated against one device, next to the same checks written by hand in C++ (the peer: what a
// selector would cost with no interpreter at all). Prints Google Benchmark's table, then ns/eval
// per selector with the ratio CEL / native.
#include "cel/program.h"
#include "ratio_reporter.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace {

using sluice::cel::MapActivation;
using sluice::cel::Program;
using sluice::cel::Value;

// A device as the DRA allocator presents it to selectors: NVIDIA's driver style attributes and
// capacity, built once through CEL itself (quantity() and semver() values included).
constexpr const char* kDevice = R"({
  'driver': 'gpu.nvidia.com',
  'attributes': {
    'gpu.nvidia.com': {
      'productName': 'NVIDIA H100 80GB HBM3', 'architecture': 'Hopper', 'index': 3,
      'uuid': 'GPU-4a3b2c1d-0000-1111-2222-333344445555', 'brand': 'Nvidia',
      'driverVersion': semver('550.54.15'), 'cudaComputeCapability': semver('9.0.0'),
      'type': 'gpu'
    },
    'resource.kubernetes.io': {'pcieRoot': 'pci0000:40'}
  },
  'capacity': {'gpu.nvidia.com': {'memory': quantity('80Gi')}}
})";

struct NativeDevice {
  std::string driver = "gpu.nvidia.com";
  std::map<std::string, std::map<std::string, std::string>> strings = {
      {"gpu.nvidia.com",
       {{"productName", "NVIDIA H100 80GB HBM3"}, {"architecture", "Hopper"}, {"type", "gpu"}}},
      {"resource.kubernetes.io", {{"pcieRoot", "pci0000:40"}}}};
  std::map<std::string, long long> ints = {{"index", 3}};
  int driver_major = 550, driver_minor = 54, driver_patch = 15;
  long long memory_bytes = 80LL << 30;
};

std::string lower_ascii(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

struct Selector {
  const char* name;
  const char* cel;
  bool (*native)(const NativeDevice&);
};

const Selector kSelectors[] = {
    {"issue_example",
     R"(device.driver == "gpu.nvidia.com" && device.attributes["gpu.nvidia.com"].productName.lowerAscii().matches("h100") && device.capacity["gpu.nvidia.com"].memory.compareTo(quantity("40Gi")) >= 0)",
     [](const NativeDevice& d) {
       return d.driver == "gpu.nvidia.com" &&
              lower_ascii(d.strings.at("gpu.nvidia.com").at("productName")).find("h100") !=
                  std::string::npos &&
              d.memory_bytes >= (40LL << 30);
     }},
    {"device_class", R"(device.driver == "gpu.nvidia.com")",
     [](const NativeDevice& d) { return d.driver == "gpu.nvidia.com"; }},
    {"model_and_index",
     R"(device.attributes["gpu.nvidia.com"].architecture == "Hopper" && device.attributes["gpu.nvidia.com"].index < 4)",
     [](const NativeDevice& d) {
       return d.strings.at("gpu.nvidia.com").at("architecture") == "Hopper" &&
              d.ints.at("index") < 4;
     }},
    {"topology_and_driver",
     R"(device.attributes["resource.kubernetes.io"].pcieRoot in ["pci0000:40", "pci0000:41"] && device.attributes["gpu.nvidia.com"].driverVersion.isGreaterThan(semver("535.0.0")))",
     [](const NativeDevice& d) {
       const std::string& root = d.strings.at("resource.kubernetes.io").at("pcieRoot");
       return (root == "pci0000:40" || root == "pci0000:41") &&
              (d.driver_major > 535 ||
               (d.driver_major == 535 && (d.driver_minor > 0 || d.driver_patch > 0)));
     }},
    {"defensive_any_of",
     R"(device.attributes["gpu.nvidia.com"].?productName.orValue("") != "" && ["H100", "H200", "B200"].exists(m, device.attributes["gpu.nvidia.com"].productName.contains(m)))",
     [](const NativeDevice& d) {
       const auto& attrs = d.strings.at("gpu.nvidia.com");
       const auto it = attrs.find("productName");
       if (it == attrs.end() || it->second.empty()) return false;
       for (const char* m : {"H100", "H200", "B200"}) {
         if (it->second.find(m) != std::string::npos) return true;
       }
       return false;
     }},
};

MapActivation device_activation() {
  auto program = Program::compile(kDevice);
  if (!program) {
    std::fprintf(stderr, "device literal: %s\n", program.error().message.c_str());
    std::exit(1);
  }
  const Value device = program->evaluate(MapActivation());
  if (device.is_error()) {
    std::fprintf(stderr, "device literal: %s\n", device.error_message().c_str());
    std::exit(1);
  }
  MapActivation vars;
  vars.set("device", device);
  return vars;
}

void BM_Cel(benchmark::State& state, const Selector& selector) {
  const MapActivation vars = device_activation();
  auto program = Program::compile(selector.cel);
  if (!program) {
    state.SkipWithError(program.error().message.c_str());
    return;
  }
  const Value first = program->evaluate(vars);
  if (first.is_error() || first.kind() != sluice::cel::ValueKind::kBool || !first.as_bool()) {
    state.SkipWithError(first.is_error() ? first.error_message().c_str() : "not true");
    return;
  }
  for (auto _ : state) {
    Value v = program->evaluate(vars);
    benchmark::DoNotOptimize(v);
  }
}

void BM_Native(benchmark::State& state, const Selector& selector) {
  const NativeDevice device;
  for (auto _ : state) {
    bool matched = selector.native(device);
    benchmark::DoNotOptimize(matched);
  }
}

void BM_Compile(benchmark::State& state, const Selector& selector) {
  for (auto _ : state) {
    auto program = Program::compile(selector.cel);
    benchmark::DoNotOptimize(program);
  }
}

}  // namespace

int main(int argc, char** argv) {
  for (const Selector& s : kSelectors) {
    benchmark::RegisterBenchmark((std::string("eval/") + s.name).c_str(), BM_Cel, s);
    benchmark::RegisterBenchmark((std::string("native/") + s.name).c_str(), BM_Native, s);
    benchmark::RegisterBenchmark((std::string("compile/") + s.name).c_str(), BM_Compile, s);
  }
  benchmark::Initialize(&argc, argv);
  sluice::bench_util::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  std::printf("\n%-22s %12s %12s %8s %12s\n", "selector", "CEL ns/eval", "native ns", "ratio",
              "compile ns");
  for (const Selector& s : kSelectors) {
    const double cel = reporter.ns(std::string("eval/") + s.name);
    const double native = reporter.ns(std::string("native/") + s.name);
    const double compile = reporter.ns(std::string("compile/") + s.name);
    if (cel < 0 || native <= 0) continue;
    std::printf("%-22s %12.0f %12.1f %8.1f %12.0f\n", s.name, cel, native, cel / native, compile);
  }
  benchmark::Shutdown();
  return 0;
}
