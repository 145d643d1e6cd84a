#include "epp_echo_peer.h"

#include "envoy/service/ext_proc/v3/external_processor.grpc.pb.h"

#include <cstdio>
#include <grpcpp/grpcpp.h>
#include <memory>
#include <string>
#include <vector>

namespace {

namespace pb = envoy::service::ext_proc::v3;

/// One stream, driven by completion-queue events (the tag is the call).
class EchoCall {
 public:
  EchoCall(pb::ExternalProcessor::AsyncService& service, grpc::ServerCompletionQueue& queue)
      : service_(service), queue_(queue) {
    service_.RequestProcess(&context_, &stream_, &queue_, &queue_, this);
  }

  void proceed(bool ok) {
    switch (state_) {
      case State::kWaitingForCall:
        new EchoCall(service_, queue_);  // the next stream
        if (!ok) return finished();
        read();
        return;
      case State::kReading:
        if (!ok) return finish(grpc::Status::OK);
        out_.clear();
        next_ = 0;
        if (in_.has_request_body()) {
          body_ += in_.request_body().body();
          if (in_.request_body().end_of_stream()) answer();
        }
        write_next();
        return;
      case State::kWriting:
        if (!ok) return finish(grpc::Status::CANCELLED);
        write_next();
        return;
      case State::kFinishing:
        return finished();
    }
  }

 private:
  enum class State { kWaitingForCall, kReading, kWriting, kFinishing };

  void read() {
    state_ = State::kReading;
    stream_.Read(&in_, this);
  }
  void write_next() {
    if (next_ == out_.size()) return read();
    state_ = State::kWriting;
    stream_.Write(out_[next_++], this);
  }
  void finish(const grpc::Status& status) {
    state_ = State::kFinishing;
    stream_.Finish(status, this);
  }
  void finished() { delete this; }

  void answer() {
    auto* set = out_.emplace_back()
                    .mutable_request_headers()
                    ->mutable_response()
                    ->mutable_header_mutation()
                    ->add_set_headers();
    set->mutable_header()->set_key("x-gateway-destination-endpoint");
    set->mutable_header()->set_raw_value("127.0.0.1:8000");
    for (std::size_t at = 0; at < body_.size(); at += 62'000) {
      auto* chunk = out_.emplace_back()
                        .mutable_request_body()
                        ->mutable_response()
                        ->mutable_body_mutation()
                        ->mutable_streamed_response();
      chunk->set_body(body_.substr(at, 62'000));
      chunk->set_end_of_stream(at + 62'000 >= body_.size());
    }
  }

  pb::ExternalProcessor::AsyncService& service_;
  grpc::ServerCompletionQueue& queue_;
  grpc::ServerContext context_;
  grpc::ServerAsyncReaderWriter<pb::ProcessingResponse, pb::ProcessingRequest> stream_{&context_};
  State state_ = State::kWaitingForCall;
  pb::ProcessingRequest in_;
  std::string body_;
  std::vector<pb::ProcessingResponse> out_;
  std::size_t next_ = 0;
};

}  // namespace

int serve_echo_peer() {
  pb::ExternalProcessor::AsyncService service;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::ServerCompletionQueue> queue = builder.AddCompletionQueue();
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  std::printf("echo on port %d\n", port);
  std::fflush(stdout);
  new EchoCall(service, *queue);
  void* tag = nullptr;
  bool ok = false;
  while (queue->Next(&tag, &ok)) static_cast<EchoCall*>(tag)->proceed(ok);
  return 0;
}
