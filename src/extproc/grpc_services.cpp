#include "extproc/grpc_services.h"

#include <chrono>
#include <thread>
#include <vector>

namespace sluice::extproc {

namespace {

/// One ext_proc stream: read a message, hand it to the StreamProcessor, write its answers one by
/// one, then read the next. Deletes itself when gRPC is done with the stream.
class StreamReactor final
    : public grpc::ServerBidiReactor<pb::ProcessingRequest, pb::ProcessingResponse> {
 public:
  StreamReactor(Picker& picker, StreamLimits limits, std::atomic<std::int64_t>& open)
      : processor_(picker, limits), open_(open) {
    open_.fetch_add(1, std::memory_order_relaxed);
    StartRead(&in_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // Envoy closed its side (or the stream broke)
      Finish(grpc::Status::OK);
      return;
    }
    out_.clear();
    next_ = 0;
    if (!processor_.on_message(in_, out_)) {
      Finish({grpc::StatusCode::INVALID_ARGUMENT,
              "ext_proc message out of order or empty (headers must come first)"});
      return;
    }
    write_next();
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish({grpc::StatusCode::CANCELLED, "Envoy went away"});
      return;
    }
    write_next();
  }

  void OnDone() override {
    open_.fetch_sub(1, std::memory_order_relaxed);
    delete this;  // a routed request still open is reported cancelled
  }

 private:
  void write_next() {
    if (next_ < out_.size()) {
      StartWrite(&out_[next_++]);
    } else if (processor_.done()) {
      Finish(grpc::Status::OK);
    } else {
      StartRead(&in_);
    }
  }

  StreamProcessor processor_;
  std::atomic<std::int64_t>& open_;
  pb::ProcessingRequest in_;
  std::vector<pb::ProcessingResponse> out_;
  std::size_t next_ = 0;
};

}  // namespace

grpc::ServerBidiReactor<pb::ProcessingRequest, pb::ProcessingResponse>*
ExternalProcessorService::Process(grpc::CallbackServerContext*) {
  return new StreamReactor(picker_, limits_, open_);
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
