// The two gRPC services of `sluice epp`. ext_proc streams run on Sluice's own HTTP/2 server
// (grpc_h2_server.h), each message handled on the connection's thread as it arrives. Health uses
// gRPC C++'s synchronous API on its own port and answers from a function evaluated at each call.
#pragma once

#include "extproc/epp_request_metrics.h"
#include "extproc/grpc_stream.h"
#include "extproc/stream_processor.h"
#include "grpc/health/v1/health.grpc.pb.h"

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::extproc {

inline constexpr std::string_view kExtProcMethod =
    "/envoy.service.ext_proc.v3.ExternalProcessor/Process";

/// The ext_proc Process method for GrpcH2Server; other paths are UNIMPLEMENTED. With `metrics`,
/// each stream's end is counted there (llm_d_epp_extproc_streams_total and its duration).
GrpcStreamFactory ext_proc_streams(Picker& picker, StreamLimits limits,
                                   EppRequestMetrics* metrics = nullptr);

class HealthService final : public grpc::health::v1::Health::Service {
 public:
  using ServingStatus = grpc::health::v1::HealthCheckResponse::ServingStatus;
  /// `status_of(service)`: its status, or nullopt for a service this server does not know.
  explicit HealthService(std::function<std::optional<ServingStatus>(const std::string&)> status_of)
      : status_of_(std::move(status_of)) {}

  grpc::Status Check(grpc::ServerContext* context,
                     const grpc::health::v1::HealthCheckRequest* request,
                     grpc::health::v1::HealthCheckResponse* response) override;
  /// Sends the status now and again whenever it changes, until the caller leaves or stop().
  grpc::Status Watch(grpc::ServerContext* context,
                     const grpc::health::v1::HealthCheckRequest* request,
                     grpc::ServerWriter<grpc::health::v1::HealthCheckResponse>* writer) override;
  /// Ends every Watch (before the server shuts down).
  void stop() { stopping_ = true; }

 private:
  std::function<std::optional<ServingStatus>(const std::string&)> status_of_;
  std::atomic<bool> stopping_{false};
};

}  // namespace sluice::extproc
