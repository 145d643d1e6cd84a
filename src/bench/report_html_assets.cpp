#include "bench/report_html_assets.h"

namespace sluice::bench {

std::string_view report_css() {
  return R"css(
:root { color-scheme: light; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
        color: #1d2330; background: #fff; }
body { max-width: 1240px; margin: 0 auto; padding: 16px 24px 48px; }
h1 { font-size: 1.5rem; margin: 0 0 .5rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .5rem; border-bottom: 1px solid #dde1ea; }
dl.context { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; }
dl.context dt { color: #5a6275; }
dl.context dd { margin: 0; font-family: ui-monospace, Menlo, Consolas, monospace; word-break: break-all; }
.plot { width: 100%; height: auto; display: block; }
.plot text { font-size: 11px; fill: #444; }
.plot text.label { font-size: 12px; fill: #1d2330; }
.plot .grid { stroke: #e8eaf0; }
.plot .axis { stroke: #8a90a0; }
.plot rect.bar { fill: #1f77b4; }
.plot rect.overflow { fill: #d62728; }
.panels { display: flex; flex-wrap: wrap; gap: 16px; }
.panels > div { flex: 1 1 440px; max-width: 760px; }
[data-chart="latency"] { max-width: 860px; }
.hists { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 12px; }
.hists figure { margin: 0; }
.hists figcaption { font-weight: 600; overflow-wrap: anywhere; }
ul.legend { list-style: none; padding: 0; margin: 4px 0 0; display: flex; flex-wrap: wrap;
            gap: 4px 14px; font-size: 12px; }
ul.legend svg { vertical-align: middle; margin-right: 4px; }
.note, .empty { color: #5a6275; font-size: 12px; }
.empty { font-style: italic; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: 12px; margin: 4px 0; }
th, td { padding: 3px 8px; border-bottom: 1px solid #eceef3; text-align: left; vertical-align: top;
         white-space: nowrap; }
td.wrap { white-space: normal; min-width: 16em; overflow-wrap: anywhere; }
th { background: #f5f6f9; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
)css";
}

std::string_view report_error_hook_js() {
  return R"js(
// Publish any error on <body data-error>, so a headless test sees it in the DOM. A script of its
// own, so that it also reports a syntax error in the chart script.
window.onerror = (message) => { document.body.dataset.error = String(message); };
)js";
}

std::string_view report_js() {
  return R"js(
'use strict';
// Charts of report.html: plain DOM + SVG, no libraries, nothing fetched. The data comes from the
// JSON block above; latencies there are in seconds and are shown in milliseconds.

const SVG_NS = 'http://www.w3.org/2000/svg';
const MARGIN = { l: 62, r: 14, t: 10, b: 46 };

// Creates an SVG element. A non-finite number would silently draw nothing, so it throws instead.
function svg(name, attrs, parent) {
  const e = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`${name} ${k}=${v}`);
    e.setAttribute(k, typeof v === 'number' ? String(Math.round(v * 10) / 10) : v);
  }
  parent.appendChild(e);
  return e;
}

function html(name, attrs, parent, text) {
  const e = document.createElement(name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  parent.appendChild(e);
  return e;
}

const finite = (v) => typeof v === 'number' && Number.isFinite(v);
const toMs = (seconds) => (finite(seconds) ? seconds * 1000 : undefined);

// Short numbers for ticks and tooltips: 3 significant digits, k/M for large values.
function fmt(v) {
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toPrecision(3)}k`;
  if (a !== 0 && a < 1e-3) return v.toExponential(1);
  return String(+v.toPrecision(3));
}

// A round tick step (1, 2 or 5 times a power of ten) near `raw`.
function niceStep(raw) {
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

// Linear axis over [lo, hi]; `extend` rounds hi up to a tick so the top gridline closes the plot.
// map() gives the position as a fraction of the axis length.
function linearAxis(lo, hi, extend) {
  if (!(hi > lo)) hi = lo + (lo > 0 ? lo : 1);
  const step = niceStep((hi - lo) / 5);
  if (extend) hi = Math.ceil(hi / step - 1e-9) * step;
  const ticks = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) ticks.push(t);
  return { map: (v) => (v - lo) / (hi - lo), ticks };
}

// Log axis from the 1-2-5 value at or below lo to the one at or above hi; ticks at 1, 2 and 5
// times powers of ten (only powers of ten when the range spans more than three decades).
function logAxis(lo, hi) {
  const steps = [1, 2, 5, 10];
  const decade = (v) => 10 ** Math.floor(Math.log10(v));
  const down = (v) => decade(v) * steps.filter((m) => m * decade(v) <= v * (1 + 1e-9)).pop();
  const up = (v) => decade(v) * steps.find((m) => m * decade(v) >= v * (1 - 1e-9));
  const a = down(lo);
  let b = up(hi);
  if (!(b > a)) b = up(a * 1.5);
  const decades = Math.log10(b / a);
  const ticks = [];
  for (let d = Math.floor(Math.log10(a)); d <= Math.ceil(Math.log10(b)); d++) {
    for (const m of decades <= 3 ? [1, 2, 5] : [1]) {
      const t = m * 10 ** d;
      if (t >= a * (1 - 1e-9) && t <= b * (1 + 1e-9)) ticks.push(t);
    }
  }
  return { map: (v) => Math.log10(v / a) / decades, ticks };
}

// Draws the axes, gridlines, tick labels and axis titles; returns the SVG and pixel mappers.
function frame(parent, x, y, size, labels) {
  const { w, h } = size;
  const s = svg('svg', { viewBox: `0 0 ${w} ${h}`, class: 'plot', role: 'img' }, parent);
  const pw = w - MARGIN.l - MARGIN.r;
  const ph = h - MARGIN.t - MARGIN.b;
  const px = (v) => MARGIN.l + x.map(v) * pw;
  const py = (v) => MARGIN.t + ph - y.map(v) * ph;
  for (const t of y.ticks) {
    svg('line', { x1: MARGIN.l, x2: MARGIN.l + pw, y1: py(t), y2: py(t), class: 'grid' }, s);
    svg('text', { x: MARGIN.l - 6, y: py(t) + 4, 'text-anchor': 'end' }, s).textContent = fmt(t);
  }
  for (const t of x.ticks) {
    svg('line', { x1: px(t), x2: px(t), y1: MARGIN.t + ph, y2: MARGIN.t + ph + 4, class: 'axis' }, s);
    svg('text', { x: px(t), y: MARGIN.t + ph + 16, 'text-anchor': 'middle' }, s).textContent = fmt(t);
  }
  svg('path', { d: `M${MARGIN.l},${MARGIN.t}V${MARGIN.t + ph}H${MARGIN.l + pw}`, class: 'axis', fill: 'none' }, s);
  svg('text', { x: MARGIN.l + pw / 2, y: h - 6, 'text-anchor': 'middle', class: 'label' }, s)
    .textContent = labels.x;
  svg('text', { x: 14, y: MARGIN.t + ph / 2, 'text-anchor': 'middle', class: 'label',
    transform: `rotate(-90 14 ${MARGIN.t + ph / 2})` }, s).textContent = labels.y;
  return { s, px, py };
}

function legend(parent, series) {
  const ul = html('ul', { class: 'legend' }, parent);
  for (const s of series) {
    const li = html('li', {}, ul);
    const icon = svg('svg', { width: 28, height: 10, 'aria-hidden': 'true' }, li);
    svg('line', { x1: 0, y1: 5, x2: 28, y2: 5, stroke: s.color, 'stroke-width': 2,
      'stroke-dasharray': s.dash || 'none' }, icon);
    li.append(s.label);
  }
}

// Lines with a circle per point. spec: { x, y (axis titles), logY, series: [{ label, color, dash,
// points: [{ x, y, tip, hollow }] }] }. Points without a finite value are left out (a stage with no
// completed request has no latency). Returns the number of circles drawn.
function lineChart(parent, spec) {
  const series = spec.series.map((s) => ({
    ...s,
    points: s.points.filter((p) => finite(p.x) && finite(p.y) && (!spec.logY || p.y > 0))
      .sort((a, b) => a.x - b.x),
  })).filter((s) => s.points.length > 0);
  if (series.length === 0) return 0;
  const all = series.flatMap((s) => s.points);
  const ys = all.map((p) => p.y);
  const x = linearAxis(0, Math.max(...all.map((p) => p.x)), true);
  const y = spec.logY ? logAxis(Math.min(...ys), Math.max(...ys)) : linearAxis(0, Math.max(...ys), true);
  const f = frame(parent, x, y, spec.size || { w: 760, h: 340 }, spec);
  let marks = 0;
  for (const s of series) {
    const d = s.points.map((p, i) => `${i ? 'L' : 'M'}${f.px(p.x).toFixed(1)},${f.py(p.y).toFixed(1)}`);
    svg('path', { d: d.join(''), fill: 'none', stroke: s.color, 'stroke-width': 2,
      'stroke-dasharray': s.dash || 'none' }, f.s);
    for (const p of s.points) {
      const c = svg('circle', { cx: f.px(p.x), cy: f.py(p.y), r: 3.5, stroke: s.color,
        'stroke-width': 1.5, fill: p.hollow ? '#fff' : s.color }, f.s);
      svg('title', {}, c).textContent = `${s.label}: ${p.tip}`;
      marks++;
    }
  }
  legend(parent, series);
  return marks;
}

// 1. Latency percentiles against the rate each stage achieved. One colour per metric, one dash
// pattern per percentile; a log axis when the metrics span more than ~1.5 decades (ITL vs e2e).
const LATENCY = [
  ['ttft', 'TTFT', '#1f77b4', ['p50', 'p90', 'p99']],
  ['tpot', 'TPOT', '#d62728', ['p50', 'p99']],
  ['itl', 'ITL', '#2ca02c', ['p50', 'p99']],
  ['e2e', 'E2E', '#9467bd', ['p50', 'p99']],
];
const DASH = { p50: '', p90: '7 3', p99: '2 3' };

function drawLatency(box, stages) {
  const series = [];
  for (const [key, name, color, quantiles] of LATENCY) {
    for (const q of quantiles) {
      const points = stages.filter((s) => s.latency[key].count > 0).map((s) => {
        const v = toMs(s.latency[key][q]);
        return { x: s.achieved_rate, y: v, tip: `${fmt(v)} ms in ${s.name} at ${fmt(s.achieved_rate)} req/s` };
      });
      series.push({ label: `${name} ${q}`, color, dash: DASH[q], points });
    }
  }
  const ys = series.flatMap((s) => s.points.map((p) => p.y)).filter((v) => finite(v) && v > 0);
  const logY = ys.length > 0 && Math.max(...ys) / Math.min(...ys) > 30;
  return lineChart(box, {
    x: 'achieved rate (requests/s)', y: logY ? 'latency (ms, log scale)' : 'latency (ms)', logY, series,
  });
}

// 2. Throughput against the offered rate. Closed-loop stages have no target rate: they are placed
// at their achieved rate and drawn hollow.
function drawThroughput(box, stages) {
  const open = (s) => s.target_rate > 0;
  const point = (s, v, unit) => ({
    x: open(s) ? s.target_rate : s.achieved_rate, y: v, hollow: !open(s),
    tip: `${fmt(v)} ${unit} in ${s.name} (${open(s) ? `target ${fmt(s.target_rate)} req/s`
      : `closed loop, concurrency ${s.concurrency}, achieved ${fmt(s.achieved_rate)} req/s`})`,
  });
  const closed = stages.some((s) => !open(s));
  const x = closed ? 'target rate (requests/s; hollow: closed loop)' : 'target rate (requests/s)';
  const panels = html('div', { class: 'panels' }, box);
  const size = { w: 520, h: 320 };  // two side by side: a smaller canvas keeps the text legible
  let marks = lineChart(html('div', {}, panels), {
    x, y: 'requests/s', size,
    series: [
      { label: 'completed requests/s', color: '#1f77b4', points: stages.map((s) => point(s, s.requests_per_s, 'req/s')) },
      { label: 'goodput requests/s', color: '#2ca02c', dash: '7 3',
        points: stages.map((s) => point(s, s.goodput_requests_per_s, 'good req/s')) },
    ],
  });
  marks += lineChart(html('div', {}, panels), {
    x, y: 'output tokens/s', size,
    series: [{ label: 'output tokens/s', color: '#ff7f0e',
      points: stages.map((s) => point(s, s.output_tokens_per_s, 'tokens/s')) }],
  });
  if (closed && marks > 0) {
    html('p', { class: 'note' }, box,
      'Closed-loop stages have no target rate; they are plotted at the rate they achieved.');
  }
  return marks;
}

// 3. One TTFT histogram per stage: bins over [min, p99.9] and, in red, the tail above p99.9.
function histogram(parent, h) {
  const n = h.counts.length;
  const end = h.lo + n * h.width;  // seconds
  const slot = (i) => toMs(h.lo + i * h.width);
  const slots = h.overflow > 0 ? n + 1.5 : n;  // the tail bar sits after a half-bin gap
  const x = linearAxis(toMs(h.lo), toMs(h.lo + slots * h.width), false);
  x.ticks = x.ticks.filter((t) => t <= toMs(end) * (1 + 1e-9));
  const y = linearAxis(0, Math.max(h.overflow, ...h.counts), true);
  const f = frame(parent, x, y, { w: 380, h: 220 }, { x: 'TTFT (ms)', y: 'requests' });
  let bars = 0;
  const bar = (from, to, count, cls, tip) => {
    const x0 = f.px(from);
    const r = svg('rect', { x: x0, y: f.py(count), width: Math.max(f.px(to) - x0 - 1, 0.5),
      height: f.py(0) - f.py(count), class: cls }, f.s);
    svg('title', {}, r).textContent = tip;
    bars++;
  };
  h.counts.forEach((c, i) => {
    if (c > 0) bar(slot(i), slot(i + 1), c, 'bar', `${fmt(slot(i))}–${fmt(slot(i + 1))} ms: ${c} requests`);
  });
  if (h.overflow > 0) {
    bar(slot(n + 0.5), slot(n + 1.5), h.overflow, 'overflow', `above ${fmt(toMs(end))} ms (p99.9): ${h.overflow} requests`);
  }
  return bars;
}

function drawHistograms(box, stages) {
  const grid = html('div', { class: 'hists' }, box);
  let bars = 0;
  for (const s of stages) {
    const fig = html('figure', {}, grid);
    html('figcaption', {}, fig, s.name);
    const h = s.ttft_histogram;
    if (h.counts.length === 0 || !finite(h.lo) || !(h.width > 0)) {
      html('p', { class: 'empty' }, fig, 'No completed requests.');
    } else {
      bars += histogram(fig, h);
    }
  }
  return bars;
}

const DRAW = { latency: drawLatency, throughput: drawThroughput, 'ttft-histogram': drawHistograms };
const data = JSON.parse(document.getElementById('data').textContent);
for (const box of document.querySelectorAll('[data-chart]')) {
  try {
    const marks = DRAW[box.dataset.chart](box, data.stages);
    if (marks === 0 && !box.querySelector('.empty')) {
      html('p', { class: 'empty' }, box, data.stages.length ? 'No completed requests: nothing to plot.' : 'No stages.');
    }
    box.dataset.rendered = String(marks);
  } catch (e) {
    document.body.dataset.error = `${box.dataset.chart}: ${e && e.message ? e.message : e}`;
  }
}
)js";
}

}  // namespace sluice::bench
