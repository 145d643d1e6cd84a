// The EPP's /metrics page: its own request counters (sluice_epp_*) and, under the reference EPP's
// names (llm_d_epp_*, ../shared/reference/gateway-anchors.md §3.8), what dashboards built for
// llm-d read: the per-request families (epp_request_metrics.h), the pool state (ready endpoints,
// average queue, running requests and KV-cache use, queue per endpoint) and open ext_proc streams.
#pragma once

#include "extproc/routing_picker.h"
#include "routing/routing_table.h"

#include <cstdint>
#include <string>

namespace sluice::extproc {

std::string render_epp_metrics(const routing::RoutingTable& table, const RoutingPicker& picker,
                               std::int64_t streams_in_flight);

}  // namespace sluice::extproc
