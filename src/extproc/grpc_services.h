// The two gRPC services of `sluice epp`. ext_proc uses gRPC's callback API: a stream is a reactor
// whose callbacks run on gRPC's own threads, one message at a time (read, handle, write the
// answers, then read the next), so no thread waits per stream and a stream's callbacks never
// overlap. Health uses the synchronous API and answers from a function evaluated at each call.
#pragma once

#include "envoy/service/ext_proc/v3/external_processor.grpc.pb.h"
#include "extproc/stream_processor.h"
#include "grpc/health/v1/health.grpc.pb.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace sluice::extproc {

class ExternalProcessorService final : public pb::ExternalProcessor::CallbackService {
 public:
  ExternalProcessorService(Picker& picker, StreamLimits limits)
      : picker_(picker), limits_(limits) {}

  grpc::ServerBidiReactor<pb::ProcessingRequest, pb::ProcessingResponse>* Process(
      grpc::CallbackServerContext* context) override;

  /// ext_proc streams open now (llm_d_epp_extproc_streams_inflight).
  std::int64_t streams_in_flight() const { return open_.load(std::memory_order_relaxed); }

 private:
  Picker& picker_;
  StreamLimits limits_;
  std::atomic<std::int64_t> open_{0};
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
