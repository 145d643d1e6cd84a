// The inline stylesheet and script of report.html, kept apart from the C++ that lays out the page
// so the JavaScript reads as JavaScript. The script draws the charts from the page's
// <script type="application/json" id="data"> block (see report_html_data.h for its shape).
#pragma once

#include <string_view>

namespace sluice::bench {

/// The page's CSS (system fonts only: nothing is fetched).
std::string_view report_css();

/// A one-line script, placed before every other, that sets document.body.dataset.error to the
/// message of any uncaught error (including a syntax error in report_js()).
std::string_view report_error_hook_js();

/// The page's vanilla JavaScript. Contract with the markup: every element with
/// data-chart="latency|throughput|ttft-histogram" gets its SVG chart and then data-rendered="N"
/// (N = points or bars drawn, 0 with an empty-state note); an error in one chart is reported on
/// document.body.dataset.error and the other charts are still drawn.
std::string_view report_js();

}  // namespace sluice::bench
