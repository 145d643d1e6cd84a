// HttpClient over https against a minimal TLS server using an in-memory self-signed certificate.
#include "net/client.h"
#include "test_util.h"

#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <thread>

namespace sluice::net {
namespace {

using namespace std::chrono_literals;
namespace beast = boost::beast;
using testing::run_on;

// A server context with a fresh EC key and a self-signed certificate for CN=localhost.
std::unique_ptr<asio::ssl::context> self_signed_server_context() {
  auto context = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  const std::string cn = "localhost";
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509_sign(cert, key, EVP_sha256());
  SSL_CTX_use_certificate(context->native_handle(), cert);
  SSL_CTX_use_PrivateKey(context->native_handle(), key);
  X509_free(cert);
  EVP_PKEY_free(key);
  return context;
}

// Serves `requests` requests on one accepted TLS connection.
asio::awaitable<void> serve_tls(asio::ip::tcp::acceptor acceptor, asio::ssl::context* context,
                                int requests) {
  auto socket = co_await acceptor.async_accept(asio::use_awaitable);
  beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), *context);
  co_await stream.async_handshake(asio::ssl::stream_base::server, asio::use_awaitable);
  beast::flat_buffer buffer;
  for (int i = 0; i < requests; ++i) {
    Request request;
    co_await http::async_read(stream, buffer, request, asio::use_awaitable);
    Response response{http::status::ok, 11};
    response.body() = "tls " + std::string(request.target());
    response.keep_alive(true);
    response.prepare_payload();
    co_await http::async_write(stream, response, asio::use_awaitable);
  }
}

class TlsClientTest : public ::testing::Test {
 protected:
  void start_server(int requests) {
    acceptor_.open(asio::ip::tcp::v4());
    acceptor_.bind({asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    asio::co_spawn(server_context_, serve_tls(std::move(acceptor_), tls_.get(), requests),
                   [](std::exception_ptr) {});  // handshake failures are expected in one test
    server_thread_ = std::thread([this] { server_context_.run(); });
  }
  void TearDown() override {
    server_context_.stop();
    if (server_thread_.joinable()) server_thread_.join();
  }
  std::string url(std::string_view path) const {
    return "https://127.0.0.1:" + std::to_string(port_) + std::string(path);
  }

  asio::io_context server_context_;
  asio::ip::tcp::acceptor acceptor_{server_context_};
  std::unique_ptr<asio::ssl::context> tls_ = self_signed_server_context();
  std::uint16_t port_ = 0;
  std::thread server_thread_;
  asio::io_context client_context_;
  HttpClient client_{client_context_.get_executor()};
};

// Outside the coroutine: GCC 12 rejects braced lists of string literals inside coroutines.
constexpr std::array<const char*, 2> kPaths = {"/one", "/two"};

asio::awaitable<std::vector<Result<ClientResponse>>> two_requests(HttpClient* client,
                                                                  std::string base, bool verify) {
  std::vector<Result<ClientResponse>> out;
  for (const char* path : kPaths) {
    ClientRequest request;
    request.url = base + path;
    request.verify_tls = verify;
    request.timeout = 3s;
    out.push_back(co_await client->request(std::move(request)));
  }
  co_return out;
}

TEST_F(TlsClientTest, HttpsRequestsReuseOneConnection) {
  start_server(2);
  auto results = run_on(client_context_, two_requests(&client_, url(""), false));
  ASSERT_EQ(results.size(), 2u);
  ASSERT_TRUE(results[0].ok()) << results[0].error().message;
  ASSERT_TRUE(results[1].ok()) << results[1].error().message;
  EXPECT_EQ(results[0]->body, "tls /one");
  EXPECT_EQ(results[1]->body, "tls /two");
  EXPECT_EQ(client_.connections_opened(), 1u);
}

TEST_F(TlsClientTest, VerificationRejectsASelfSignedCertificateWhenAsked) {
  start_server(1);
  ClientRequest request;
  request.url = url("/");
  request.verify_tls = true;
  request.timeout = 3s;
  auto result = run_on(client_context_, client_.request(std::move(request)));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kIo);
  EXPECT_NE(result.error().message.find("TLS handshake"), std::string::npos)
      << result.error().message;
}

}  // namespace
}  // namespace sluice::net
