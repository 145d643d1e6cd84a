// The two gRPC services of `sluice epp`, on gRPC's synchronous API: each ext_proc stream runs on
// one gRPC thread that moves messages between the wire and its StreamProcessor; health answers
// from a function evaluated at each call.
#pragma once

#include "envoy/service/ext_proc/v3/external_processor.grpc.pb.h"
#include "extproc/stream_processor.h"
#include "grpc/health/v1/health.grpc.pb.h"

#include <atomic>
#include <functional>
#include <optional>
#include <string>

namespace sluice::extproc {

class ExternalProcessorService final : public pb::ExternalProcessor::Service {
 public:
  ExternalProcessorService(Picker& picker, StreamLimits limits)
      : picker_(picker), limits_(limits) {}

  grpc::Status Process(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<pb::ProcessingResponse, pb::ProcessingRequest>* stream) override;

 private:
  Picker& picker_;
  StreamLimits limits_;
};

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
