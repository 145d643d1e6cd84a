#include "extproc/grpc_services.h"

#include <chrono>
#include <thread>

namespace sluice::extproc {

namespace {

/// One ext_proc stream: each message parsed and handed to the StreamProcessor, its answers framed
/// in order; the RPC ends after an ImmediateResponse or when Envoy closes its side.
class ExtProcStream final : public GrpcStream {
 public:
  ExtProcStream(Picker& picker, StreamLimits limits, EppRequestMetrics* metrics)
      : processor_(picker, limits), metrics_(metrics) {}
  ~ExtProcStream() override {
    if (metrics_) {
      metrics_->observe_stream(code_.value_or(GrpcCode::kCancelled),
                               std::chrono::steady_clock::now() - opened_);
    }
  }
  ExtProcStream(const ExtProcStream&) = delete;
  ExtProcStream& operator=(const ExtProcStream&) = delete;

  void on_end(const GrpcStatus& status) override { code_ = status.code; }

  std::optional<GrpcStatus> on_message(std::string_view message, std::string& out) override {
    switch (processor_.on_wire_message(message, out)) {
      case StreamProcessor::Accepted::kYes:
        break;
      case StreamProcessor::Accepted::kUnparsable:
        return GrpcStatus{GrpcCode::kInvalidArgument, "cannot parse a ProcessingRequest"};
      case StreamProcessor::Accepted::kOutOfOrder:
        return GrpcStatus{GrpcCode::kInvalidArgument,
                          "ext_proc message out of order or empty (headers must come first)"};
    }
    if (processor_.done()) return GrpcStatus{};
    return std::nullopt;
  }

 private:
  StreamProcessor processor_;
  EppRequestMetrics* metrics_;
  const std::chrono::steady_clock::time_point opened_ = std::chrono::steady_clock::now();
  std::optional<GrpcCode> code_;  ///< unset until the RPC ends: a reset stream is CANCELLED
};

}  // namespace

GrpcStreamFactory ext_proc_streams(Picker& picker, StreamLimits limits,
                                   EppRequestMetrics* metrics) {
  return [&picker, limits, metrics](std::string_view path) -> std::unique_ptr<GrpcStream> {
    if (path != kExtProcMethod) return nullptr;
    return std::make_unique<ExtProcStream>(picker, limits, metrics);
  };
}

grpc::Status HealthService::Check(grpc::ServerContext*,
                                  const grpc::health::v1::HealthCheckRequest* request,
                                  grpc::health::v1::HealthCheckResponse* response) {
  const std::optional<ServingStatus> status = status_of_(request->service());
  if (!status) return {grpc::StatusCode::NOT_FOUND, "unknown service " + request->service()};
  response->set_status(*status);
  return grpc::Status::OK;
}

grpc::Status HealthService::Watch(
    grpc::ServerContext* context, const grpc::health::v1::HealthCheckRequest* request,
    grpc::ServerWriter<grpc::health::v1::HealthCheckResponse>* writer) {
  std::optional<ServingStatus> last;
  while (!context->IsCancelled() && !stopping_) {
    const ServingStatus now = status_of_(request->service())
                                  .value_or(grpc::health::v1::HealthCheckResponse::SERVICE_UNKNOWN);
    if (now != last) {
      grpc::health::v1::HealthCheckResponse response;
      response.set_status(now);
      if (!writer->Write(response)) break;
      last = now;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return grpc::Status::OK;
}

}  // namespace sluice::extproc
