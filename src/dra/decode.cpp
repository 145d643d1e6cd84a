// decode(): documents, lists and kind dispatch. The per-kind readers are in decode_*.cpp.
#include "dra/decode.h"

#include "dra/decode_objects.h"
#include "dra/decode_reader.h"

#include <yaml-cpp/yaml.h>

#include <exception>
#include <string>

namespace sluice::dra {
namespace {

using decode_detail::DecodeError;
using decode_detail::ObjectContext;
using decode_detail::Reader;

constexpr std::string_view kResourceV1 = "resource.k8s.io/v1";
constexpr std::string_view kResourceV1beta2 = "resource.k8s.io/v1beta2";

bool is_resource_kind(std::string_view kind) {
  return kind == "DeviceClass" || kind == "ResourceClaim" || kind == "ResourceClaimTemplate" ||
         kind == "ResourceSlice";
}

bool is_core_kind(std::string_view kind) { return kind == "Node" || kind == "Pod"; }

constexpr std::string_view kSluiceV1alpha1 = "sluice.dev/v1alpha1";

class DocumentDecoder {
 public:
  DocumentDecoder(std::string source, Inventory& out) : source_(std::move(source)), out_(out) {}

  /// One YAML document: an object, a List, or a JSON array of objects.
  void document(const YAML::Node& node) {
    if (!node.IsDefined() || node.IsNull()) return;
    ObjectContext ctx{source_, "document"};
    Reader doc(node, "", &ctx, node.Mark());
    if (node.IsSequence()) {
      for (std::size_t i = 0; i < node.size(); ++i) object(doc.at(i).node(), {}, {});
      return;
    }
    if (!node.IsMap())
      doc.fail("expected a Kubernetes object (a mapping with apiVersion and kind)");
    object(node, {}, {});
  }

 private:
  /// One object or list; `default_kind` / `default_api` come from a typed list (`PodList`).
  void object(const YAML::Node& node, const std::string& default_kind,
              const std::string& default_api) {
    ObjectContext ctx{source_, "object"};
    Reader r(node, "", &ctx, node.Mark());
    if (!node.IsMap()) r.fail("expected a Kubernetes object (a mapping with apiVersion and kind)");
    std::string kind = r.has("kind") ? r.child("kind").as_string() : default_kind;
    std::string api = r.has("apiVersion") ? r.child("apiVersion").as_string() : default_api;
    if (kind.empty()) r.child("kind").fail("required");
    ctx.object = kind;
    if (kind.size() > 4 && kind.ends_with("List")) {
      list(r, kind.substr(0, kind.size() - 4), api);
      return;
    }
    if (kind == "List") {
      list(r, {}, {});
      return;
    }
    check_api_version(r, kind, api);
    bool namespaced = kind == "ResourceClaim" || kind == "ResourceClaimTemplate" || kind == "Pod" ||
                      kind == "Workload";
    ctx.object = kind + " " + peek_name(r, namespaced);
    ObjectMeta meta = decode_detail::read_meta(r, namespaced);
    ctx.object = kind + " " + display_name(meta);
    meta.source = source_ + ":" + std::to_string(r.line());
    if (kind == "DeviceClass") {
      out_.device_classes.push_back(decode_detail::read_device_class(r, std::move(meta)));
    } else if (kind == "ResourceClaim") {
      out_.resource_claims.push_back(decode_detail::read_resource_claim(r, std::move(meta)));
    } else if (kind == "ResourceClaimTemplate") {
      out_.resource_claim_templates.push_back(
          decode_detail::read_resource_claim_template(r, std::move(meta)));
    } else if (kind == "ResourceSlice") {
      out_.resource_slices.push_back(decode_detail::read_resource_slice(r, std::move(meta)));
    } else if (kind == "Node") {
      out_.nodes.push_back(decode_detail::read_node(r, std::move(meta)));
    } else if (kind == "Workload") {
      out_.workloads.push_back(decode_detail::read_workload(r, std::move(meta)));
    } else {
      out_.pods.push_back(decode_detail::read_pod(r, std::move(meta)));
    }
  }

  void list(const Reader& r, const std::string& item_kind, const std::string& item_api) {
    // kubectl never nests lists; refusing them also bounds the work YAML aliases can multiply.
    if (in_list_) r.child("kind").fail("a List inside a List is not supported");
    in_list_ = true;
    r.expect_map({"apiVersion", "kind", "metadata", "items"});
    r.for_each_item("items", std::numeric_limits<std::size_t>::max(),
                    [&](const Reader& item) { object(item.node(), item_kind, item_api); });
    in_list_ = false;
  }

  /// The object's display name before metadata is validated, so that metadata errors name it.
  static std::string peek_name(const Reader& r, bool namespaced) {
    const YAML::Node& n = r.node();
    const YAML::Node meta = n["metadata"];
    if (!meta.IsDefined() || !meta.IsMap()) return "<unnamed>";
    const YAML::Node name = meta["name"];
    const YAML::Node ns = meta["namespace"];
    std::string out = name.IsDefined() && name.IsScalar() ? name.Scalar() : "<unnamed>";
    if (namespaced) {
      out = (ns.IsDefined() && ns.IsScalar() ? ns.Scalar() : std::string("default")) + "/" + out;
    }
    return out;
  }

  static void check_api_version(const Reader& r, const std::string& kind, const std::string& api) {
    Reader field = r.child("apiVersion");
    if (is_resource_kind(kind)) {
      if (api == kResourceV1 || api == kResourceV1beta2) return;
      if (api.starts_with("resource.k8s.io/")) {
        field.fail("unsupported version \"" + api +
                   "\": Sluice reads resource.k8s.io/v1 (and v1beta2, which has the same shape); "
                   "convert the object to v1");
      }
      if (api.empty()) field.fail("required (resource.k8s.io/v1)");
      field.fail("kind " + kind + " belongs to resource.k8s.io/v1, not \"" + api + "\"");
    }
    if (is_core_kind(kind)) {
      if (api == "v1") return;
      if (api.empty()) field.fail("required (v1)");
      field.fail("kind " + kind + " belongs to v1, not \"" + api + "\"");
    }
    if (kind == "Workload") {
      if (api == kSluiceV1alpha1) return;
      field.fail("kind Workload belongs to " + std::string(kSluiceV1alpha1) + ", not \"" + api +
                 "\"");
    }
    r.child("kind").fail("unknown kind \"" + kind +
                         "\" (expected DeviceClass, ResourceClaim, ResourceClaimTemplate, "
                         "ResourceSlice, Node, Pod, sluice.dev Workload or a List of them)");
  }

  std::string source_;
  Inventory& out_;
  bool in_list_ = false;
};

}  // namespace

Result<Inventory> decode(std::string_view text, std::string_view source_name) {
  std::string source(source_name.empty() ? "<input>" : source_name);
  Inventory out;
  try {
    std::vector<YAML::Node> docs = YAML::LoadAll(std::string(text));
    DocumentDecoder decoder(source, out);
    for (const auto& doc : docs) decoder.document(doc);
  } catch (const DecodeError& e) {
    return make_error(ErrorCode::kInvalidArgument, e.what(), e.field());
  } catch (const YAML::Exception& e) {
    std::string where = source;
    if (!e.mark.is_null()) {
      where += ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1);
    }
    return make_error(ErrorCode::kInvalidArgument, where + ": malformed YAML: " + e.msg);
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kInvalidArgument, source + ": cannot read: " + e.what());
  }
  return out;
}

}  // namespace sluice::dra
