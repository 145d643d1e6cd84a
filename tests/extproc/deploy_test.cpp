// The deploy/ examples: the Envoy bootstrap wires Envoy to `sluice epp` the way the Inference
// Gateway protocol needs (ext_proc filter with the processing modes, ORIGINAL_DST cluster on the
// destination header, gRPC health check of the ext_proc service on the EPP's health port), and the
// Kubernetes manifest's InferencePool points its endpointPickerRef at the EPP's Service port, and
// its Deployment runs one worker per requested core.
#include "extproc/stream_processor.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <string>
#include <vector>

namespace sluice::extproc {
namespace {

std::string repo(const std::string& relative) {
  return (std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / relative)
      .string();
}

YAML::Node find_named(const YAML::Node& list, const std::string& name) {
  for (const YAML::Node& item : list) {
    if (item["name"].as<std::string>() == name) return item;
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

TEST(Deploy, EnvoyBootstrapWiresEnvoyToTheEpp) {
  const YAML::Node envoy = YAML::LoadFile(repo("deploy/envoy/envoy.yaml"));
  const YAML::Node hcm =
      envoy["static_resources"]["listeners"][0]["filter_chains"][0]["filters"][0]["typed_config"];
  const YAML::Node ext_proc = find_named(hcm["http_filters"], "envoy.filters.http.ext_proc");
  ASSERT_TRUE(ext_proc.IsDefined());
  const YAML::Node mode = ext_proc["typed_config"]["processing_mode"];
  EXPECT_EQ(mode["request_header_mode"].as<std::string>(), "SEND");
  EXPECT_EQ(mode["request_body_mode"].as<std::string>(), "FULL_DUPLEX_STREAMED");
  EXPECT_EQ(mode["response_body_mode"].as<std::string>(), "FULL_DUPLEX_STREAMED");
  EXPECT_EQ(mode["request_trailer_mode"].as<std::string>(), "SEND");
  const std::string epp_cluster =
      ext_proc["typed_config"]["grpc_service"]["envoy_grpc"]["cluster_name"].as<std::string>();
  // The router filter comes after ext_proc, or the EPP's header would be set too late.
  EXPECT_EQ(hcm["http_filters"][1]["name"].as<std::string>(), "envoy.filters.http.router");

  const YAML::Node clusters = envoy["static_resources"]["clusters"];
  const YAML::Node original = find_named(clusters, "original_destination_cluster");
  ASSERT_TRUE(original.IsDefined());
  EXPECT_EQ(original["type"].as<std::string>(), "ORIGINAL_DST");
  EXPECT_EQ(original["original_dst_lb_config"]["http_header_name"].as<std::string>(),
            kDestinationHeader);
  const YAML::Node epp = find_named(clusters, epp_cluster);
  ASSERT_TRUE(epp.IsDefined()) << "the ext_proc filter names cluster " << epp_cluster;
  EXPECT_EQ(epp["health_checks"][0]["grpc_health_check"]["service_name"].as<std::string>(),
            "envoy.service.ext_proc.v3.ExternalProcessor");
  const YAML::Node endpoint = epp["load_assignment"]["endpoints"][0]["lb_endpoints"][0]["endpoint"];
  EXPECT_EQ(endpoint["address"]["socket_address"]["port_value"].as<int>(), 9002);
  EXPECT_EQ(endpoint["health_check_config"]["port_value"].as<int>(), 9003);
  EXPECT_TRUE(epp["typed_extension_protocol_options"].IsDefined()) << "gRPC needs HTTP/2";
}

TEST(Deploy, InferencePoolPointsAtTheEppService) {
  const std::vector<YAML::Node> docs =
      YAML::LoadAllFromFile(repo("deploy/kubernetes/inferencepool.yaml"));
  YAML::Node pool;
  YAML::Node service;
  for (const YAML::Node& d : docs) {
    if (d["kind"].as<std::string>() == "InferencePool") pool = d;
    if (d["kind"].as<std::string>() == "Service") service = d;
  }
  ASSERT_TRUE(pool.IsDefined() && service.IsDefined());
  EXPECT_EQ(pool["apiVersion"].as<std::string>(), "inference.networking.k8s.io/v1");
  const YAML::Node ref = pool["spec"]["endpointPickerRef"];
  EXPECT_EQ(ref["kind"].as<std::string>(), "Service");
  EXPECT_EQ(ref["name"].as<std::string>(), service["metadata"]["name"].as<std::string>());
  const int port = ref["port"]["number"].as<int>();
  bool exposed = false;
  for (const YAML::Node& p : service["spec"]["ports"])
    exposed = exposed || p["port"].as<int>() == port;
  EXPECT_TRUE(exposed) << "the Service exposes the endpointPickerRef port " << port;
  EXPECT_EQ(port, 9002);
  EXPECT_EQ(ref["failureMode"].as<std::string>(), "FailClose");
}

TEST(Deploy, TheEppDeploymentRunsOneWorkerPerRequestedCore) {
  YAML::Node container;
  for (const YAML::Node& d : YAML::LoadAllFromFile(repo("deploy/kubernetes/inferencepool.yaml"))) {
    if (d["kind"].as<std::string>() == "Deployment")
      container = find_named(d["spec"]["template"]["spec"]["containers"], "epp");
  }
  ASSERT_TRUE(container.IsDefined());
  const auto args = container["args"].as<std::vector<std::string>>();
  ASSERT_FALSE(args.empty());
  EXPECT_EQ(args[0], "epp");
  std::string workers;
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "--workers") workers = args[i + 1];
  }
  EXPECT_EQ(workers, container["resources"]["requests"]["cpu"].as<std::string>());
  EXPECT_EQ(container["resources"]["limits"]["cpu"].as<std::string>(), workers)
      << "a CPU limit under the workers' count would throttle them";
}

}  // namespace
}  // namespace sluice::extproc
