// `sluice dra allocate -f FILE ... [--node NAME]`: allocates every pending ResourceClaim of the
// input the way the Kubernetes scheduler would (a pod's claims together on one node), choosing
// the best placement, and prints the claims with status.allocation as YAML.
#include "cli/commands.h"
#include "dra/cluster.h"
#include "dra/decode.h"
#include "dra/encode.h"
#include "dra/explain.h"
#include "dra/plan.h"

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

constexpr const char* kExplainHelp =
    R"(Tells why a ResourceClaim cannot be allocated, or where it would go and why there. The input
is read as for `sluice dra allocate`; the claim is allocated with the other pending claims of the
pod that uses it, next to the claims already allocated in the input. The first lines name the
cause; then, per node and request, every device that was removed and by which check: class
selector, request selector (with the CEL error), taint, allocated to another claim, capacity,
shared counter; constraints list the values found on the candidates.

Exit status: 0 when the claim can be allocated (or already is); 1 when it cannot; 2 on invalid
input or an unknown claim.

Examples:
  sluice dra explain -f examples/dra/h100-nodes.yaml --claim default/eight-gpus
  sluice dra explain -f cluster.yaml --claim ml/train-0-gpus --node gpu-node-3)";

constexpr const char* kPlanHelp =
    R"(Places a queue of Workloads on a cluster and compares the result with first-fit baselines
that behave like the upstream scheduler. The cluster files are read as for `sluice dra allocate`
(claims already allocated there hold their devices; pending claims and pods are left alone). A
Workload (apiVersion sluice.dev/v1alpha1) asks for `replicas` pods with the claims of
`resourceClaims` (a template gives each replica its own claim, a named claim is shared);
higher `priority` goes first, and a `gang: true` workload is placed whole or not at all.

Baselines: Kubernetes' first-fit device search, with the node chosen at random among the
feasible ones (kube-scheduler breaks ties at random, and DRA adds no node score in 1.35; the
seed is --seed), and with the first feasible node by name.

Reported per strategy: pods placed, devices allocated, devices left free, stranded devices per
workload (free devices on nodes where one more replica no longer fits), pods spread over more
than one NUMA node or PCIe root, solver steps and time; then every workload's placements.

Exit status: 0 when Sluice placed every pod; 1 when some did not fit; 2 on invalid input.

Example:
  sluice dra plan -f examples/dra/mixed-fleet.yaml -f examples/dra/workload.yaml)";

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

struct ExplainFlags {
  std::vector<std::string> files;
  std::string claim;
  std::string node;
  std::size_t max_nodes = 20;
};

int run_explain(const ExplainFlags& flags) {
  auto inventory = load(flags.files);
  if (!inventory.ok()) {
    std::cerr << "sluice dra explain: " << inventory.error().message << "\n";
    return 2;
  }
  dra::ExplainOptions options;
  options.node = flags.node;
  options.max_nodes = flags.max_nodes;
  auto explanation = dra::explain_claim(*inventory, flags.claim, options);
  if (!explanation.ok()) {
    std::cerr << "sluice dra explain: " << explanation.error().message << "\n";
    return 2;
  }
  std::cout << explanation->text;
  return explanation->allocatable ? 0 : 1;
}

struct PlanFlags {
  std::vector<std::string> files;
  std::uint64_t seed = 1;
};

int run_plan(const PlanFlags& flags) {
  auto inventory = load(flags.files);
  if (!inventory.ok()) {
    std::cerr << "sluice dra plan: " << inventory.error().message << "\n";
    return 2;
  }
  dra::PlanOptions options;
  options.seed = flags.seed;
  auto report = dra::plan_workloads(*inventory, options);
  if (!report.ok()) {
    std::cerr << "sluice dra plan: " << report.error().message << "\n";
    return 2;
  }
  std::cout << dra::format_plan(*report);
  return report->strategies.front().pods_placed == report->pods_total ? 0 : 1;
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

  CLI::App* explain = dra->add_subcommand(
      "explain", "Why a ResourceClaim cannot be allocated, or where it would go and why");
  explain->footer(kExplainHelp);
  auto explain_flags = std::make_shared<ExplainFlags>();
  explain->add_option("-f,--filename", explain_flags->files, "Input file (repeatable)")
      ->required()
      ->check(CLI::ExistingFile);
  explain->add_option("--claim", explain_flags->claim, "The claim, as NAMESPACE/NAME")->required();
  explain->add_option("--node", explain_flags->node, "Only look at this node");
  explain
      ->add_option("--max-nodes", explain_flags->max_nodes,
                   "Nodes shown in detail (0 = all; the summary covers every node)")
      ->capture_default_str();

  CLI::App* plan = dra->add_subcommand(
      "plan", "Place a queue of Workloads; compare with first-fit baselines like upstream's");
  plan->footer(kPlanHelp);
  auto plan_flags = std::make_shared<PlanFlags>();
  plan->add_option("-f,--filename", plan_flags->files,
                   "Cluster or workload file (repeatable: -f CLUSTER -f WORKLOAD)")
      ->required()
      ->check(CLI::ExistingFile);
  plan->add_option("--seed", plan_flags->seed, "Seed of the random-node baseline")
      ->capture_default_str();

  return [flags, explain_flags, plan_flags, explain, plan]() {
    if (explain->parsed()) return run_explain(*explain_flags);
    if (plan->parsed()) return run_plan(*plan_flags);
    return run_allocate(*flags);
  };
}

}  // namespace sluice::cli
