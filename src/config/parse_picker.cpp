// EndpointPickerConfig as llm-d and GIE write it (apix/config/v1alpha1).
#include "config/documents.h"

#include <set>

namespace sluice::config::detail {

void parse_endpoint_picker_config(const YamlReader& doc, const std::string& name, Documents& out) {
  doc.expect_map({"apiVersion", "kind", "metadata", "featureGates", "plugins", "schedulingProfiles",
                  "dataLayer", "flowControl", "requestHandler", "saturationDetector"});
  PickerDoc pd;
  pd.path = doc.path();
  EndpointPickerConfig& c = pd.config;
  c.name = name;
  c.location = doc.location();

  if (const YamlReader gates = doc.child("featureGates"); !gates.is_null()) {
    gates.expect_sequence();
    for (std::size_t i = 0; i < gates.size(); ++i)
      c.feature_gates.push_back(gates.at(i).as_string());
  }

  const YamlReader plugins = doc.child("plugins");
  if (plugins.is_null()) plugins.fail("is required");
  plugins.expect_sequence();
  std::set<std::string> names;
  for (std::size_t i = 0; i < plugins.size(); ++i) {
    const YamlReader p = plugins.at(i);
    p.expect_map({"type", "name", "parameters"});
    PluginSpec spec;
    spec.type = p.required_string("type");
    spec.name = p.optional_string("name").value_or(spec.type);
    if (spec.name.empty()) p.child("name").fail("must not be empty");
    spec.location = p.location();
    const YamlReader params = p.child("parameters");
    if (!params.is_null() && !params.is_map()) params.fail("must be a mapping");
    spec.parameters = params.is_null() ? YAML::Node() : params.node();
    if (!names.insert(spec.name).second) {
      (p.has("name") ? p.child("name") : p.child("type"))
          .fail("duplicate plugin name \"" + spec.name +
                "\" (give plugins of the same type distinct names)");
    }
    c.plugins.push_back(std::move(spec));
  }

  const YamlReader profiles = doc.child("schedulingProfiles");
  if (profiles.is_null()) {
    // llm-d builds a single profile named "default" over every plugin when none is given.
    SchedulingProfile def{"default", {}};
    for (const PluginSpec& p : c.plugins) def.plugins.push_back({p.name, std::nullopt});
    c.scheduling_profiles.push_back(std::move(def));
  } else {
    profiles.expect_sequence();
    if (profiles.size() == 0) profiles.fail("must list at least one profile (or be omitted)");
    std::set<std::string> profile_names;
    for (std::size_t i = 0; i < profiles.size(); ++i) {
      const YamlReader pr = profiles.at(i);
      pr.expect_map({"name", "plugins"});
      SchedulingProfile profile;
      profile.name = pr.required_string("name");
      if (!profile_names.insert(profile.name).second) {
        pr.child("name").fail("duplicate profile name \"" + profile.name + "\"");
      }
      const YamlReader refs = pr.child("plugins");
      if (refs.is_null()) refs.fail("is required");
      refs.expect_sequence();
      std::set<std::string> used;
      for (std::size_t j = 0; j < refs.size(); ++j) {
        const YamlReader ref = refs.at(j);
        ref.expect_map({"pluginRef", "weight"});
        ProfilePluginRef pref;
        pref.plugin_ref = ref.required_string("pluginRef");
        if (names.count(pref.plugin_ref) == 0) {
          ref.child("pluginRef")
              .fail("no plugin named \"" + pref.plugin_ref +
                    "\" in this EndpointPickerConfig's plugins");
        }
        if (!used.insert(pref.plugin_ref).second) {
          ref.child("pluginRef").fail("plugin \"" + pref.plugin_ref + "\" is listed twice");
        }
        if (ref.has("weight")) pref.weight = ref.child("weight").as_number(0.0, 1e6);
        profile.plugins.push_back(std::move(pref));
      }
      c.scheduling_profiles.push_back(std::move(profile));
    }
  }

  // Interpreted by the pool, flow and gateway modules; only the shape is checked here.
  const auto section = [&doc](std::string_view key) {
    const YamlReader r = doc.child(key);
    if (!r.is_null() && !r.is_map()) r.fail("must be a mapping");
    return r.is_null() ? YAML::Node() : r.node();
  };
  c.data_layer = section("dataLayer");
  c.flow_control = section("flowControl");
  c.request_handler = section("requestHandler");
  c.saturation_detector = section("saturationDetector");
  out.pickers.push_back(std::move(pd));
}

}  // namespace sluice::config::detail
