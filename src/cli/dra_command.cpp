// `sluice dra allocate -f FILE ... [--node NAME]`: allocates every pending ResourceClaim of the
// input the way the Kubernetes scheduler would (a pod's claims together on one node), choosing
// the best placement, and prints the claims with status.allocation as YAML.
#include "cli/commands.h"
#include "dra/cluster.h"
#include "dra/decode.h"
#include "dra/encode.h"

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace sluice::cli {
namespace {

constexpr const char* kAllocateHelp =
    R"(Reads DeviceClasses, ResourceSlices, ResourceClaims, ResourceClaimTemplates, Nodes and
Pods (resource.k8s.io/v1 and v1, YAML or JSON, several documents or `kind: List`, as
`kubectl get -o yaml` prints them), allocates every claim that has no status.allocation, and
prints those claims with status.allocation as YAML. The claims of one pending Pod go together on
one node; claims no Pod uses are placed one by one. Claims already allocated keep their devices.

Exit status: 0 when every pending claim was allocated; 1 when some could not be (each listed on
stderr with a one-line reason); 2 on invalid input (the object and field are named).

Examples:
  sluice dra allocate -f examples/dra/h100-nodes.yaml
  kubectl get resourceslices,deviceclasses,resourceclaims,nodes,pods -A -o yaml > cluster.yaml
  sluice dra allocate -f cluster.yaml --node gpu-node-3)";

struct AllocateFlags {
  std::vector<std::string> files;
  std::string node;
};

Result<dra::Inventory> load(const std::vector<std::string>& files) {
  dra::Inventory inventory;
  for (const std::string& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return make_error(ErrorCode::kInvalidArgument, file + ": cannot be read");
    std::ostringstream text;
    text << in.rdbuf();
    auto part = dra::decode(text.str(), file);
    if (!part.ok()) return std::move(part).error();
    inventory.append(std::move(*part));
  }
  if (auto status = dra::validate_references(inventory); !status.ok()) {
    return std::move(status).error();
  }
  if (auto status = dra::validate_cel(inventory); !status.ok()) return std::move(status).error();
  return inventory;
}

int run_allocate(const AllocateFlags& flags) {
  auto inventory = load(flags.files);
  if (!inventory.ok()) {
    std::cerr << "sluice dra allocate: " << inventory.error().message << "\n";
    return 2;
  }
  if (!flags.node.empty()) {
    bool known = false;
    for (const dra::Node& n : inventory->nodes) known = known || n.meta.name == flags.node;
    if (!known) {
      std::cerr << "sluice dra allocate: --node " << flags.node << ": no such Node in the input\n";
      return 2;
    }
  }
  dra::ClusterOptions options;
  options.only_node = flags.node;
  auto result = dra::allocate_cluster(*inventory, options);
  if (!result.ok()) {
    std::cerr << "sluice dra allocate: " << result.error().message << "\n";
    return 2;
  }
  std::cout << dra::encode_claims(result->claims);
  int failed = 0;
  for (const dra::Placement& p : result->placements) {
    if (p.allocated) continue;
    ++failed;
    for (const std::string& claim : p.claims) {
      std::cerr << "not allocated: ResourceClaim " << claim
                << (p.pod.empty() ? "" : " (Pod " + p.pod + ")") << ": " << p.reason << "\n";
    }
  }
  return failed == 0 ? 0 : 1;
}

}  // namespace

Runner add_dra_command(CLI::App& app) {
  CLI::App* dra = app.add_subcommand(
      "dra", "Dynamic Resource Allocation (resource.k8s.io/v1): allocate GPUs to ResourceClaims");
  dra->require_subcommand(1);
  CLI::App* allocate =
      dra->add_subcommand("allocate", "Allocate every pending ResourceClaim of the input");
  allocate->footer(kAllocateHelp);
  auto flags = std::make_shared<AllocateFlags>();
  allocate->add_option("-f,--filename", flags->files, "Input file (repeatable)")
      ->required()
      ->check(CLI::ExistingFile);
  allocate->add_option("--node", flags->node, "Only allocate on this node");
  return [flags] { return run_allocate(*flags); };
}

}  // namespace sluice::cli
