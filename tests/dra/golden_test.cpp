// Golden tests: `sluice dra allocate`'s output (decode -> allocate_cluster -> encode) on the
// shipped examples, byte for byte. After an intended change in placement or format, regenerate
// with SLUICE_UPDATE_GOLDEN=1 build/release/tests/dra_unit --gtest_filter='DraGolden*' and review
// the diff.
#include "dra/cluster.h"
#include "dra/decode.h"
#include "dra/encode.h"
#include "dra/fixtures.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>

namespace sluice::dra {
namespace {

using fixtures::read_text;
using fixtures::repo_path;

void check_golden(const std::string& example) {
  const auto input = repo_path("examples/dra/" + example + ".yaml");
  auto inventory = decode(read_text(input), example + ".yaml");
  ASSERT_TRUE(inventory.ok()) << inventory.error().message;
  auto result = allocate_cluster(*inventory);
  ASSERT_TRUE(result.ok()) << result.error().message;
  for (const Placement& p : result->placements) EXPECT_TRUE(p.allocated) << p.reason;
  const std::string actual = encode_claims(result->claims);
  const auto golden = repo_path("tests/dra/data/golden/" + example + ".allocated.yaml");
  if (std::getenv("SLUICE_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(golden, std::ios::binary) << actual;
  }
  EXPECT_EQ(actual, read_text(golden)) << "golden file " << golden;
}

TEST(DraGolden, H100Nodes) { check_golden("h100-nodes"); }
TEST(DraGolden, MigPartitionable) { check_golden("mig-partitionable"); }
TEST(DraGolden, MixedFleet) { check_golden("mixed-fleet"); }

}  // namespace
}  // namespace sluice::dra
