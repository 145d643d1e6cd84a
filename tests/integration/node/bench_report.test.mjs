// report.html of `sluice bench`, opened in a real headless Chromium: the page's own script must
// draw every chart (each container reports data-rendered=N), put SVG marks in it, and raise no
// error (window.onerror writes <body data-error>). Runs against `sluice sim`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { SLUICE, startSim, stop } from './lib.mjs';

const CHARTS = ['latency', 'throughput', 'ttft-histogram'];

function findChromium() {
  for (const dir of (process.env.PATH || '').split(delimiter)) {
    for (const name of ['chromium', 'chromium-browser']) {
      try {
        accessSync(join(dir, name), constants.X_OK);
        return join(dir, name);
      } catch { /* not here */ }
    }
  }
  return undefined;
}
const CHROMIUM = findChromium();
const NO_CHROMIUM = 'chromium is not installed (scripts/packages.txt installs it): cannot open report.html';

// Runs a command to its end and collects its output; a generous timer kills it if it hangs.
async function run(cmd, args, timeoutMs) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code, signal] = await once(child, 'exit');
  clearTimeout(timer);
  return { code, signal, stdout, stderr };
}

async function benchReport(url, extra) {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-report-'));
  const r = await run(SLUICE, ['bench', '--url', url, '--model', 'm', '--report-dir', dir, ...extra], 60000);
  assert.equal(r.code, 0, `sluice bench failed:\n${r.stdout}\n${r.stderr}`);
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  return { dir, html };
}

// The DOM after the page's scripts ran, as Chromium serializes it.
async function renderedDom(file) {
  const profile = mkdtempSync(join(tmpdir(), 'sluice-chromium-'));
  try {
    const r = await run(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
      '--disable-background-networking', '--no-first-run', `--user-data-dir=${profile}`,
      '--virtual-time-budget=5000', '--dump-dom', `file://${file}`], 90000);
    assert.equal(r.code, 0, `chromium failed (${r.signal || r.code}):\n${r.stderr}`);
    assert.match(r.stdout, /<\/html>/, `chromium printed no DOM:\n${r.stderr}`);
    return r.stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

// Each chart container's data-rendered value and inner markup (up to the end of its section).
function charts(dom) {
  const out = {};
  for (const m of dom.matchAll(/<div [^>]*data-chart="([a-z-]+)"[^>]*>/g)) {
    const rendered = /data-rendered="(\d+)"/.exec(m[0]);
    const start = m.index + m[0].length;
    out[m[1]] = {
      rendered: rendered ? Number(rendered[1]) : undefined,
      inner: dom.slice(start, dom.indexOf('</section>', start)),
    };
  }
  return out;
}

function assertNoPageError(dom) {
  const error = /<body[^>]*data-error="([^"]*)"/.exec(dom);
  assert.equal(error, null, `the page's script failed: ${error && error[1]}`);
  assert.ok(!dom.includes('NaN'), 'NaN in the rendered page');
}

let sim;
before(async () => {
  sim = await startSim(['--model', 'm', '--profile', 'fixed', '--ttft-ms', '5', '--itl-ms', '1']);
});
after(async () => { await stop(sim); });

test('report.html draws every chart in headless Chromium', { timeout: 150000 }, async (t) => {
  if (!CHROMIUM) {
    t.skip(NO_CHROMIUM);
    return;
  }
  const { dir, html } = await benchReport(sim.url, ['--rate', '50', '--num-requests', '50']);
  try {
    // Self-contained: nothing to fetch, so it opens offline from file://.
    assert.ok(!/<link|\ssrc=|@import|url\(/.test(html), 'report.html references an external resource');
    const dom = await renderedDom(join(dir, 'report.html'));
    assertNoPageError(dom);
    const found = charts(dom);
    assert.deepEqual(Object.keys(found).sort(), [...CHARTS].sort());
    for (const name of CHARTS) {
      const c = found[name];
      assert.ok(c.rendered >= 1, `${name}: data-rendered=${c.rendered}`);
      assert.match(c.inner, /<svg/, `${name} has no <svg>`);
      assert.match(c.inner, /<(path|rect|circle)\b/, `${name} has no marks`);
    }
    // One stage: a point for each of the 9 latency series (TTFT p50/p90/p99, TPOT, ITL, E2E p50/p99).
    assert.equal(found.latency.rendered, 9);
    assert.equal((found.latency.inner.match(/<circle\b/g) || []).length, 9);
    // Completed and goodput requests/s, output tokens/s.
    assert.equal(found.throughput.rendered, 3);
    // Every completed request is in exactly one histogram bar (bars carry "…: N requests" titles).
    const binned = [...found['ttft-histogram'].inner.matchAll(/: (\d+) requests<\/title>/g)]
      .reduce((sum, m) => sum + Number(m[1]), 0);
    assert.equal(binned, 50);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a stage without completed requests renders empty states, not errors', { timeout: 150000 }, async (t) => {
  if (!CHROMIUM) {
    t.skip(NO_CHROMIUM);
    return;
  }
  const failing = await startSim(['--model', 'm', '--profile', 'fixed', '--ttft-ms', '0', '--itl-ms', '0',
    '--error-rate', '1', '--error-mix', '503=1']);
  let dir;
  try {
    const report = await benchReport(failing.url, ['--rate', '100', '--num-requests', '5']);
    dir = report.dir;
    const dom = await renderedDom(join(dir, 'report.html'));
    assertNoPageError(dom);
    const found = charts(dom);
    assert.equal(found.latency.rendered, 0);
    assert.match(found.latency.inner, /No completed requests/);
    assert.equal(found['ttft-histogram'].rendered, 0);
    assert.match(found['ttft-histogram'].inner, /No completed requests/);
    assert.match(dom, /http_503: 5/, 'the stages table lists the errors by type');
  } finally {
    await stop(failing);
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
});
