#include "extproc/grpc_services.h"

#include <chrono>
#include <thread>
#include <vector>

namespace sluice::extproc {

grpc::Status ExternalProcessorService::Process(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<pb::ProcessingResponse, pb::ProcessingRequest>* stream) {
  StreamProcessor processor(picker_, limits_);
  pb::ProcessingRequest in;
  std::vector<pb::ProcessingResponse> out;
  while (stream->Read(&in)) {
    out.clear();
    if (!processor.on_message(in, out)) {
      return {grpc::StatusCode::INVALID_ARGUMENT,
              "ext_proc message out of order or empty (headers must come first)"};
    }
    for (const pb::ProcessingResponse& response : out) {
      if (!stream->Write(response)) return {grpc::StatusCode::CANCELLED, "Envoy went away"};
    }
    if (processor.done()) return grpc::Status::OK;
  }
  // Envoy closed its side; a request still in flight is reported as cancelled by ~processor.
  return context->IsCancelled() ? grpc::Status(grpc::StatusCode::CANCELLED, "cancelled")
                                : grpc::Status::OK;
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
