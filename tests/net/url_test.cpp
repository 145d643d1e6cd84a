#include "net/url.h"

#include <gtest/gtest.h>

namespace sluice::net {
namespace {

TEST(UrlTest, ParsesHostPortPathAndQuery) {
  auto url = parse_http_url("http://127.0.0.1:8000/v1/models?x=1&y=2");
  ASSERT_TRUE(url.ok()) << url.error().message;
  EXPECT_FALSE(url->tls);
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, 8000);
  EXPECT_EQ(url->host_header, "127.0.0.1:8000");
  EXPECT_EQ(url->target, "/v1/models?x=1&y=2");
  EXPECT_EQ(url->pool_key(), "http://127.0.0.1:8000");
}

TEST(UrlTest, DefaultsPortAndPath) {
  auto http_url = parse_http_url("http://example.com");
  ASSERT_TRUE(http_url.ok());
  EXPECT_EQ(http_url->port, 80);
  EXPECT_EQ(http_url->target, "/");
  EXPECT_EQ(http_url->host_header, "example.com");
  auto https_url = parse_http_url("https://example.com/a");
  ASSERT_TRUE(https_url.ok());
  EXPECT_TRUE(https_url->tls);
  EXPECT_EQ(https_url->port, 443);
}

TEST(UrlTest, Ipv6HostLosesBracketsForConnectButKeepsThemInHostHeader) {
  auto url = parse_http_url("http://[::1]:9000/x");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->host_header, "[::1]:9000");
}

TEST(UrlTest, RejectsWhatTheClientCannotUse) {
  for (const char* bad :
       {"", "not a url", "ftp://x/", "http:///path", "http://host:0/", "http://host:99999/"}) {
    auto url = parse_http_url(bad);
    EXPECT_FALSE(url.ok()) << bad;
    if (!url.ok()) {
      EXPECT_EQ(url.error().code, ErrorCode::kInvalidArgument) << bad;
    }
  }
}

}  // namespace
}  // namespace sluice::net
