#include "cli/up_config.h"

#include "config/loader.h"

namespace sluice::cli {

std::string_view up_config_yaml() {
  return R"yaml(# The embedded default of `sluice up` (print it with `sluice up --print-config`; run the same
# gateway against your own servers with `sluice gateway --config FILE`, format in docs/gateway.md).
#
# Four simulated vLLM endpoints: two serve Llama-3.1-8B with the LoRA adapters sql-lora and
# food-review, two serve Mistral-7B. Each model family is one InferencePool; requests are routed
# by model name, then by the default scheduling profile (queue depth, KV-cache load, prefix-cache
# locality, LoRA affinity, in-flight requests).
apiVersion: sluice.dev/v1alpha1
kind: Gateway
metadata:
  name: sluice-up
spec:
  listen:
    address: 127.0.0.1
    port: 8080
  timeouts:
    connect: 2s
    firstByte: 120s
    streamIdle: 30s
  retries:
    maxRetries: 2
  metrics:
    scrapeInterval: 50ms
    staleAfter: 1s
---
apiVersion: inference.networking.k8s.io/v1
kind: InferencePool
metadata:
  name: llama
spec:
  selector:
    matchLabels: {model: llama-3.1-8b}
  targetPorts:
  - number: 8000
---
apiVersion: inference.networking.k8s.io/v1
kind: InferencePool
metadata:
  name: mistral
spec:
  selector:
    matchLabels: {model: mistral-7b}
  targetPorts:
  - number: 8002
---
apiVersion: sluice.dev/v1alpha1
kind: StaticEndpoints
metadata:
  name: simulated-fleet
spec:
  endpoints:
  - address: 127.0.0.1:8000
    labels: {model: llama-3.1-8b}
  - address: 127.0.0.1:8001
    labels: {model: llama-3.1-8b}
  - address: 127.0.0.1:8002
    labels: {model: mistral-7b}
  - address: 127.0.0.1:8003
    labels: {model: mistral-7b}
---
apiVersion: sluice.dev/v1alpha1
kind: ModelRoute
metadata:
  name: llama-models
spec:
  poolRef:
    name: llama
  models:
  - meta-llama/Llama-3.1-8B-Instruct
  - name: sql-lora
    baseModel: meta-llama/Llama-3.1-8B-Instruct
  - name: food-review
    baseModel: meta-llama/Llama-3.1-8B-Instruct
---
apiVersion: sluice.dev/v1alpha1
kind: ModelRoute
metadata:
  name: mistral-models
spec:
  poolRef:
    name: mistral
  models:
  - mistralai/Mistral-7B-Instruct-v0.3
---
# Send `x-llm-d-inference-objective: batch` to mark a request sheddable: it gets 429 while its
# pool is saturated instead of queueing behind interactive traffic.
apiVersion: llm-d.ai/v1alpha2
kind: InferenceObjective
metadata:
  name: interactive
spec:
  priority: 10
  poolRef:
    name: llama
---
apiVersion: llm-d.ai/v1alpha2
kind: InferenceObjective
metadata:
  name: batch
spec:
  priority: -1
  poolRef:
    name: llama
)yaml";
}

Result<config::GatewayConfig> up_config(const std::string& host,
                                        const std::vector<std::uint16_t>& ports) {
  auto cfg = config::parse_gateway_config(up_config_yaml(), "<sluice up>");
  if (!cfg.ok()) {
    return cfg;
  }
  for (config::InferencePool& pool : cfg->pools) {
    for (config::PoolEndpoint& e : pool.endpoints) {
      const std::size_t i = static_cast<std::size_t>(e.port - kUpFirstPort);
      if (e.port < kUpFirstPort || i >= ports.size()) {
        return make_error(ErrorCode::kInternal,
                          "embedded config: endpoint " + e.address() + " is not in the fleet");
      }
      e.host = host;
      e.port = ports[i];
    }
  }
  return cfg;
}

}  // namespace sluice::cli
