#include "dra/selectors.h"

#include "cel/quantity.h"
#include "dra/device_view.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sluice::dra {
namespace {

cel::Value q(std::string_view text) { return cel::quantity_value(*cel::Quantity::parse(text)); }

/// gpu-0 as dra-example-driver publishes it (reference §2.4).
DeviceView example_gpu() {
  return DeviceView::Builder("gpu.example.com")
      .int_attribute("index", 0)
      .string_attribute("uuid", "gpu-18db0e85-99e9-c746-8531-ffeb86328b39")
      .string_attribute("model", "LATEST-GPU-MODEL")
      .version_attribute("driverVersion", "1.0.0")
      .capacity("memory", q("80Gi"))
      .capacity("compute", q("100"))
      .build();
}

/// A full GPU as the NVIDIA driver publishes it.
DeviceView nvidia_gpu(std::string_view memory = "40Gi") {
  return DeviceView::Builder("gpu.nvidia.com")
      .string_attribute("type", "gpu")
      .string_attribute("uuid", "GPU-4cf8db2d-06c0-7d70-1a51-e59b25b2c16c")
      .string_attribute("productName", "NVIDIA A100-SXM4-40GB")
      .string_attribute("brand", "Nvidia")
      .string_attribute("architecture", "Ampere")
      .int_attribute("index", 2)
      .version_attribute("driverVersion", "550.54.15")
      .version_attribute("cudaComputeCapability", "8.0.0")
      .string_attribute("resource.kubernetes.io/pcieRoot", "pci0000:00")
      .string_attribute("resource.kubernetes.io/pciBusID", "0000:00:04.0")
      .capacity("memory", q(memory))
      .build();
}

/// "true", "false" or "error: <message>".
std::string eval(std::string_view expression, const DeviceView& device) {
  Result<CompiledSelector> selector = CompiledSelector::compile(expression);
  if (!selector.ok()) return "compile error: " + selector.error().message;
  Result<bool> matched = selector->match(device);
  if (!matched.ok()) return "error: " + matched.error().message;
  return *matched ? "true" : "false";
}

bool is_error(const std::string& result) { return result.rfind("error: ", 0) == 0; }

TEST(Selectors, ExampleDriverSelectors) {
  const DeviceView gpu = example_gpu();
  EXPECT_EQ(eval("device.driver == 'gpu.example.com'", gpu), "true");
  EXPECT_EQ(eval("device.driver == 'gpu.nvidia.com'", gpu), "false");
  EXPECT_EQ(eval("device.attributes['gpu.example.com'].model == 'LATEST-GPU-MODEL'", gpu), "true");
  EXPECT_EQ(eval("device.capacity['gpu.example.com'].memory.compareTo(quantity('4Gi')) >= 0", gpu),
            "true");
  EXPECT_EQ(eval("device.capacity['gpu.example.com'].memory.compareTo(quantity('81Gi')) >= 0", gpu),
            "false");
  EXPECT_EQ(eval("device.attributes['gpu.example.com'].index == 0", gpu), "true");
  EXPECT_EQ(eval("device.capacity['gpu.example.com'].compute == quantity('100')", gpu), "true");
}

TEST(Selectors, NvidiaAttributes) {
  const DeviceView gpu = nvidia_gpu();
  EXPECT_EQ(eval("device.driver == 'gpu.nvidia.com' && "
                 "device.attributes['gpu.nvidia.com'].type == 'gpu'",
                 gpu),
            "true");
  EXPECT_EQ(eval("device.driver == 'gpu.nvidia.com' && "
                 "device.attributes['gpu.nvidia.com'].type == 'mig'",
                 gpu),
            "false");
  EXPECT_EQ(eval("device.attributes['gpu.nvidia.com'].productName.lowerAscii()"
                 ".matches('^.*a100.*$') && (device.attributes['gpu.nvidia.com'].index == 0 || "
                 "device.attributes['gpu.nvidia.com'].index == 2)",
                 gpu),
            "true");
  EXPECT_EQ(eval("device.attributes['gpu.nvidia.com'].architecture == 'Ampere'", gpu), "true");
  EXPECT_EQ(eval("device.attributes['gpu.nvidia.com'].uuid.startsWith('GPU-')", gpu), "true");
  // pcieRoot is a standard attribute: it lives under resource.kubernetes.io, not the driver.
  EXPECT_EQ(eval("device.attributes['resource.kubernetes.io'].pcieRoot == 'pci0000:00'", gpu),
            "true");
  EXPECT_TRUE(is_error(eval("device.attributes['gpu.nvidia.com'].pcieRoot == 'pci0000:00'", gpu)));
  EXPECT_EQ(eval("device.attributes['gpu.nvidia.com'].cudaComputeCapability.major() == 8", gpu),
            "true");
}

TEST(Selectors, QualifiedNamesSplitOnTheFirstSlash) {
  const DeviceView d = DeviceView::Builder("gpu.example.com")
                           .string_attribute("ext.example.com/family", "hopper")
                           .string_attribute("model", "m")
                           .build();
  EXPECT_EQ(eval("device.attributes['ext.example.com'].family == 'hopper'", d), "true");
  EXPECT_EQ(eval("device.attributes['gpu.example.com'].model == 'm'", d), "true");
  EXPECT_EQ(eval("has(device.attributes['gpu.example.com'].family)", d), "false");
  EXPECT_EQ(eval("size(device.attributes) == 2", d), "true");
}

TEST(Selectors, UnknownDomainIsAnEmptyMap) {
  const DeviceView gpu = example_gpu();
  EXPECT_EQ(eval("has(device.attributes['x'].y)", gpu), "false");
  EXPECT_EQ(eval("has(device.attributes.x.y)", gpu), "false");
  EXPECT_EQ(eval("size(device.attributes['x']) == 0", gpu), "true");
  EXPECT_EQ(eval("device.attributes[?'x'].hasValue()", gpu), "true");
  EXPECT_EQ(eval("device.attributes['x'].?y.orValue('none') == 'none'", gpu), "true");
  EXPECT_EQ(eval("has(device.capacity['x'].memory)", gpu), "false");
  // Membership and size still see only the domains the device has, as in Kubernetes.
  EXPECT_EQ(eval("'x' in device.attributes", gpu), "false");
  EXPECT_EQ(eval("size(device.attributes) == 1", gpu), "true");

  const std::string read = eval("device.attributes['x'].y == 'z'", gpu);
  ASSERT_TRUE(is_error(read)) << read;
  EXPECT_NE(read.find("CEL runtime error: no such key: y"), std::string::npos) << read;
  EXPECT_TRUE(is_error(eval("device.capacity['x'].memory.isGreaterThan(quantity('1'))", gpu)));
}

TEST(Selectors, UnknownIdInKnownDomainIsAnError) {
  const DeviceView gpu = nvidia_gpu();
  const std::string r = eval("device.attributes['gpu.nvidia.com'].nosuch == 1", gpu);
  EXPECT_EQ(r.rfind("error: CEL runtime error: no such key: nosuch", 0), 0U) << r;
  EXPECT_EQ(eval("has(device.attributes['gpu.nvidia.com'].nosuch)", gpu), "false");
  EXPECT_EQ(eval("device.attributes['gpu.nvidia.com'].?nosuch.orValue(0) == 0", gpu), "true");
}

TEST(Selectors, DeviceWithoutAttributes) {
  const DeviceView bare = DeviceView::Builder("gpu.example.com").build();
  EXPECT_EQ(eval("has(device.attributes['gpu.example.com'].model)", bare), "false");
  EXPECT_TRUE(is_error(eval("device.attributes['gpu.example.com'].model == 'a'", bare)));
  EXPECT_EQ(eval("device.driver == 'gpu.example.com'", bare), "true");
  EXPECT_EQ(eval("size(device.capacity) == 0", bare), "true");
}

TEST(Selectors, ErrorVersusFalseThroughLogicalOperators) {
  const DeviceView gpu = example_gpu();
  const std::string err = "device.attributes['gpu.example.com'].nosuch == 1";
  // A decisive operand on either side absorbs the error (CEL's commutative && and ||).
  EXPECT_EQ(eval("false && " + err, gpu), "false");
  EXPECT_EQ(eval(err + " && false", gpu), "false");
  EXPECT_EQ(eval("true || " + err, gpu), "true");
  EXPECT_EQ(eval(err + " || true", gpu), "true");
  // Otherwise the error wins: it is not "false".
  EXPECT_TRUE(is_error(eval("true && " + err, gpu)));
  EXPECT_TRUE(is_error(eval(err + " && true", gpu)));
  EXPECT_TRUE(is_error(eval("false || " + err, gpu)));
  EXPECT_TRUE(is_error(eval("!(" + err + ")", gpu)));
  // The robust idiom from the API docs.
  EXPECT_EQ(eval("has(device.attributes['gpu.example.com'].nosuch) && "
                 "device.attributes['gpu.example.com'].nosuch == 1",
                 gpu),
            "false");
  // Another driver's device lacks the domain: class selectors check the driver first.
  const DeviceView other = nvidia_gpu();
  EXPECT_EQ(eval("device.driver == 'gpu.example.com' && "
                 "device.attributes['gpu.example.com'].model == 'LATEST-GPU-MODEL'",
                 other),
            "false");
  EXPECT_TRUE(
      is_error(eval("device.attributes['gpu.example.com'].model == 'LATEST-GPU-MODEL'", other)));
}

TEST(Selectors, NonBoolResultIsAnError) {
  const DeviceView gpu = example_gpu();
  EXPECT_EQ(eval("device.driver", gpu),
            "error: CEL runtime error: CEL result of type string could not be converted to bool");
  EXPECT_EQ(eval("device.attributes['gpu.example.com'].index", gpu),
            "error: CEL runtime error: CEL result of type int could not be converted to bool");
  EXPECT_EQ(eval("device.attributes['gpu.example.com'].driverVersion", gpu),
            "error: CEL runtime error: CEL result of type kubernetes.Semver could not be "
            "converted to bool");
}

TEST(Selectors, QuantityCapacityComparisons) {
  const std::string sel =
      "device.capacity['gpu.nvidia.com'].memory.compareTo(quantity('40Gi')) >= 0";
  EXPECT_EQ(eval(sel, nvidia_gpu("40Gi")), "true");
  EXPECT_EQ(eval(sel, nvidia_gpu("80Gi")), "true");
  EXPECT_EQ(eval(sel, nvidia_gpu("39Gi")), "false");
  EXPECT_EQ(eval(sel, nvidia_gpu("40960Mi")), "true");  // equal values in another spelling
  EXPECT_EQ(
      eval("device.capacity['gpu.nvidia.com'].memory.isGreaterThan(quantity('1Mi'))", nvidia_gpu()),
      "true");
  EXPECT_EQ(eval("device.capacity['gpu.nvidia.com'].memory.isLessThan(quantity('40G'))",
                 nvidia_gpu("40Gi")),
            "false");  // 40Gi > 40G
}

TEST(Selectors, SemverComparisons) {
  const DeviceView gpu = nvidia_gpu();
  const std::string v = "device.attributes['gpu.nvidia.com'].driverVersion";
  EXPECT_EQ(eval(v + ".isGreaterThan(semver('550.0.0'))", gpu), "true");
  EXPECT_EQ(eval(v + ".isLessThan(semver('550.54.15'))", gpu), "false");
  EXPECT_EQ(eval(v + ".compareTo(semver('550.54.15')) == 0", gpu), "true");
  EXPECT_EQ(eval(v + ".compareTo(semver('560.1.0')) < 0", gpu), "true");
  EXPECT_EQ(eval(v + " == semver('550.54.15')", gpu), "true");
  EXPECT_EQ(eval(v + ".major() >= 550 && " + v + ".minor() == 54 && " + v + ".patch() == 15", gpu),
            "true");
  // A version is a Semver, not a string.
  EXPECT_EQ(eval(v + " == '550.54.15'", gpu), "false");
  // The scheduler_perf selector benchmark's expression.
  const DeviceView t = DeviceView::Builder("test-driver.cdi.k8s.io")
                           .version_attribute("driverVersion", "1.2.3")
                           .capacity("memory", q("2Mi"))
                           .build();
  EXPECT_EQ(
      eval("device.attributes[\"test-driver.cdi.k8s.io\"].driverVersion.major() >= 1 && "
           "device.capacity[\"test-driver.cdi.k8s.io\"].memory.isGreaterThan(quantity(\"1Mi\"))",
           t),
      "true");
}

TEST(Selectors, BadVersionAttributeFailsEverySelector) {
  // Kubernetes parses versions strictly: a leading `v` is not semver 2.0.
  const DeviceView d =
      DeviceView::Builder("gpu.example.com").version_attribute("driverVersion", "v1.0.0").build();
  ASSERT_TRUE(d.error().has_value());
  const std::string r = eval("true", d);
  EXPECT_EQ(r.rfind("error: CEL runtime error: attribute driverVersion: parse semantic version", 0),
            0U)
      << r;
}

TEST(Selectors, AllowMultipleAllocations) {
  EXPECT_EQ(eval("device.allowMultipleAllocations", example_gpu()), "false");
  const DeviceView shared =
      DeviceView::Builder("gpu.example.com").allow_multiple_allocations(true).build();
  EXPECT_EQ(eval("device.allowMultipleAllocations", shared), "true");
}

TEST(Selectors, CompileErrors) {
  Result<CompiledSelector> bad = CompiledSelector::compile("device.driver ==");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().message.rfind("CEL compilation error: ", 0), 0U) << bad.error().message;
  EXPECT_FALSE(CompiledSelector::compile("").ok());
  const std::string too_long = "true" + std::string(kSelectorMaxLength, ' ');
  Result<CompiledSelector> long_result = CompiledSelector::compile(too_long);
  ASSERT_FALSE(long_result.ok());
  EXPECT_NE(long_result.error().message.find("10240"), std::string::npos);
}

TEST(Selectors, CostLimitIsAnError) {
  std::string list = "[";
  for (int i = 0; i < 1000; ++i) list += (i == 0 ? "" : ",") + std::to_string(i);
  list += "]";
  const std::string r = eval(list + ".all(i, " + list + ".all(j, true))", example_gpu());
  ASSERT_TRUE(is_error(r)) << r;
  EXPECT_NE(r.find("cost limit"), std::string::npos) << r;
}

TEST(Selectors, NamedDomainsAreCollected) {
  Result<CompiledSelector> s = CompiledSelector::compile(
      "device.attributes['a'].x == 1 && has(device.attributes.b.y) && device.attributes[?'c'] "
      "!= optional.none() && device.attributes.?d.hasValue() && "
      "device['attributes']['e'].z && device.capacity['f'].m.sign() > 0 && "
      "device.attributes['a'].w");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->attribute_domains(), (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  EXPECT_EQ(s->capacity_domains(), (std::vector<std::string>{"f"}));
}

TEST(DeviceView, FromModel) {
  Device device;
  device.name = "gpu-0";
  device.attributes["type"] = DeviceAttribute::of_string("gpu");
  device.attributes["index"] = DeviceAttribute::of_int(3);
  device.attributes["addressingMode"] = DeviceAttribute::of_bool(true);
  device.attributes["driverVersion"] = DeviceAttribute::of_version("550.54.15");
  device.attributes["resource.kubernetes.io/pcieRoot"] = DeviceAttribute::of_string("pci0000:00");
  device.capacity["memory"] = DeviceCapacity{*cel::Quantity::parse("80Gi"), std::nullopt};
  const DeviceView view = DeviceView::from_model("gpu.nvidia.com", device);
  EXPECT_FALSE(view.error().has_value());
  EXPECT_EQ(view.driver(), "gpu.nvidia.com");
  EXPECT_TRUE(view.has_attribute_domain("gpu.nvidia.com"));
  EXPECT_TRUE(view.has_attribute_domain("resource.kubernetes.io"));
  EXPECT_FALSE(view.has_attribute_domain("x"));
  EXPECT_TRUE(view.has_capacity_domain("gpu.nvidia.com"));
  const std::string a = "device.attributes['gpu.nvidia.com']";
  EXPECT_EQ(eval(a + ".type == 'gpu' && " + a + ".index == 3 && " + a + ".addressingMode && " + a +
                     ".driverVersion.isGreaterThan(semver('550.0.0')) && "
                     "device.attributes['resource.kubernetes.io'].pcieRoot == 'pci0000:00' && "
                     "device.capacity['gpu.nvidia.com'].memory == quantity('80Gi') && "
                     "!device.allowMultipleAllocations",
                 view),
            "true");
  device.allow_multiple_allocations = true;
  device.attributes["cudaDriverVersion"] = DeviceAttribute::of_version("12.4");  // not semver
  const DeviceView shared = DeviceView::from_model("gpu.nvidia.com", device);
  ASSERT_TRUE(shared.error().has_value());
  EXPECT_NE(shared.error()->message.find("attribute cudaDriverVersion"), std::string::npos);
  device.attributes.erase("cudaDriverVersion");
  EXPECT_EQ(
      eval("device.allowMultipleAllocations", DeviceView::from_model("gpu.nvidia.com", device)),
      "true");
}

TEST(DeviceView, SharesTheValueWhenNoDomainIsMissing) {
  const DeviceView gpu = example_gpu();
  cel::Value scratch;
  const std::vector<std::string> present{"gpu.example.com"};
  EXPECT_EQ(&gpu.with_domains(present, present, scratch), &gpu.value());
  const std::vector<std::string> missing{"x"};
  const cel::Value& extended = gpu.with_domains(missing, {}, scratch);
  EXPECT_EQ(&extended, &scratch);
  const cel::Value* attributes = extended.map_find(cel::Value::string("attributes"));
  ASSERT_NE(attributes, nullptr);
  EXPECT_EQ(attributes->as_map().size(), 2U);
  // The original view is untouched.
  EXPECT_EQ(gpu.value().map_find(cel::Value::string("attributes"))->as_map().size(), 1U);
}

TEST(SelectorCache, CompilesEachExpressionOnce) {
  SelectorCache cache;
  Result<SelectorPtr> a = cache.get_or_compile("device.driver == 'a'");
  Result<SelectorPtr> b = cache.get_or_compile("device.driver == 'a'");
  Result<SelectorPtr> c = cache.get_or_compile("device.driver == 'c'");
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(a->get(), b->get());
  EXPECT_NE(a->get(), c->get());
  EXPECT_FALSE(cache.get_or_compile("device.driver ==").ok());
  EXPECT_EQ(cache.size(), 2U);
}

TEST(SelectorMemo, EvaluatesEachPairOnce) {
  SelectorCache cache;
  const SelectorPtr s = *cache.get_or_compile("device.attributes['gpu.example.com'].index == 0");
  const SelectorPtr bad = *cache.get_or_compile("device.attributes['gpu.example.com'].nope");
  const DeviceView d0 = example_gpu();
  const DeviceView d1 = DeviceView::Builder("gpu.example.com").int_attribute("index", 1).build();
  SelectorMemo memo;
  EXPECT_TRUE(*memo.match(*s, d0));
  EXPECT_TRUE(*memo.match(*s, d0));
  EXPECT_FALSE(*memo.match(*s, d1));
  EXPECT_FALSE(*memo.match(*s, d1));
  EXPECT_EQ(memo.evaluations(), 2U);
  EXPECT_FALSE(memo.match(*bad, d0).ok());
  EXPECT_FALSE(memo.match(*bad, d0).ok());
  EXPECT_EQ(memo.evaluations(), 4U);  // errors are not remembered
}

TEST(SelectorsMatch, NamesOwnerAndIndexAndStopsAtFirstFalse) {
  SelectorCache cache;
  const DeviceView gpu = example_gpu();
  const std::vector<SelectorPtr> failing{
      *cache.get_or_compile("device.driver == 'gpu.example.com'"),
      *cache.get_or_compile("device.attributes['gpu.example.com'].modle == 'x'")};
  Result<bool> r = selectors_match("claim default/c1", failing, gpu, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.rfind(
                "claim default/c1: selector #1: CEL runtime error: no such key: modle", 0),
            0U)
      << r.error().message;

  const std::vector<SelectorPtr> rejecting{
      *cache.get_or_compile("device.driver == 'other'"),
      *cache.get_or_compile("device.attributes['gpu.example.com'].modle == 'x'")};
  SelectorMemo memo;
  Result<bool> stopped = selectors_match("class gpu", rejecting, gpu, &memo);
  ASSERT_TRUE(stopped.ok());
  EXPECT_FALSE(*stopped);
  EXPECT_EQ(memo.evaluations(), 1U);

  Result<bool> none = selectors_match("class any", {}, gpu, &memo);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(*none);
}

}  // namespace
}  // namespace sluice::dra
