#include "gateway/endpoint_table.h"

#include "gateway/model_discovery.h"

#include <gtest/gtest.h>

namespace sluice::gateway {
namespace {

openai::ModelCard card(std::string id) {
  openai::ModelCard c;
  c.id = std::move(id);
  return c;
}

EndpointTable three_endpoints() {
  return EndpointTable({{"http://a", {card("m"), card("sql")}},
                        {"http://b", {card("m")}},
                        {"http://c", {card("other")}}});
}

TEST(EndpointTable, RanksOnlyEndpointsServingTheModelLeastLoadedFirst) {
  EndpointTable table = three_endpoints();
  std::vector<std::size_t> ranked;
  table.rank("other", TimePoint{}, ranked);
  EXPECT_EQ(ranked, (std::vector<std::size_t>{2}));
  table.rank("nope", TimePoint{}, ranked);
  EXPECT_TRUE(ranked.empty());
  table.request_started(0);
  table.rank("m", TimePoint{}, ranked);
  EXPECT_EQ(ranked, (std::vector<std::size_t>{1, 0})) << "endpoint 0 has one in flight";
  table.request_finished(0, true, TimePoint{});
  EXPECT_EQ(table.in_flight(0), 0);
}

TEST(EndpointTable, EqualLoadsTakeTurns) {
  EndpointTable table = three_endpoints();
  std::vector<std::size_t> ranked;
  int first_a = 0;
  for (int i = 0; i < 10; ++i) {
    table.rank("m", TimePoint{}, ranked);
    first_a += ranked.front() == 0 ? 1 : 0;
  }
  EXPECT_EQ(first_a, 5);
}

TEST(EndpointTable, ConsecutiveFailuresEjectUntilTheEjectionTimePasses) {
  EndpointTable table = three_endpoints();
  const TimePoint now{};
  for (std::uint32_t i = 0; i < EndpointTable::kEjectAfterFailures; ++i) {
    table.request_started(0);
    EXPECT_FALSE(table.ejected(0, now));
    table.request_finished(0, false, now);
  }
  EXPECT_TRUE(table.ejected(0, now));
  std::vector<std::size_t> ranked;
  for (int i = 0; i < 4; ++i) {
    table.rank("m", now, ranked);
    EXPECT_EQ(ranked, (std::vector<std::size_t>{1, 0})) << "ejected last, still a fallback";
  }
  EXPECT_FALSE(table.ejected(0, now + EndpointTable::kEjectionTime));
}

TEST(EndpointTable, ModelsAreListedOnce) {
  EndpointTable table = three_endpoints();
  std::vector<std::string> ids;
  for (const auto& c : table.models()) ids.push_back(c.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"m", "sql", "other"}));
}

TEST(ModelDiscovery, ReadsIdsAndAdapterParents) {
  auto cards = parse_models_list(
      R"({"object":"list","data":[{"id":"m","root":"/w/m","max_model_len":4096,"parent":null},)"
      R"({"id":"sql","parent":"m","owned_by":"vllm"}]})");
  ASSERT_TRUE(cards.ok()) << cards.error().message;
  ASSERT_EQ(cards->size(), 2u);
  EXPECT_EQ((*cards)[0].root, "/w/m");
  EXPECT_EQ((*cards)[0].max_model_len, 4096u);
  EXPECT_FALSE((*cards)[0].parent.has_value());
  EXPECT_EQ((*cards)[1].parent, "m");
}

TEST(ModelDiscovery, RejectsGarbage) {
  EXPECT_FALSE(parse_models_list("<html>").ok());
  EXPECT_FALSE(parse_models_list(R"({"data":{}})").ok());
  EXPECT_FALSE(parse_models_list(R"({"data":[{"name":"x"}]})").ok());
}

}  // namespace
}  // namespace sluice::gateway
