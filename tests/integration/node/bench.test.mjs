// `sluice bench` (first stage of issue #3) against `sluice sim`: the numbers it reports match the
// simulator's configured latencies, rates are held, errors are counted by type, bad flags fail.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim, stop, runSluice, runBench } from './lib.mjs';

let sim;
before(async () => {
  sim = await startSim(['--model', 'm', '--profile', 'fixed', '--ttft-ms', '20', '--itl-ms', '5']);
});
after(async () => { await stop(sim); });

const bench = (args) => runBench(args);

const S_FIELDS = ['mean', 'p50', 'p90', 'p95', 'p99', 'p999', 'min', 'max'];

test('open loop: summary.json contract, held rate, metrics match the simulator', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-'));
  const r = await bench(['--url', sim.url, '--model', 'm', '--rate', '100', '--num-requests', '200',
    '--input-len', '50', '--output-len', '10', '--slo', 'ttft=200ms', '--report-dir', dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /200 completed, 0 failed/);
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
  const s = summary.stages[0];
  for (const key of ['name', 'target_rate', 'achieved_rate', 'duration_s', 'requests', 'throughput',
    'goodput_requests_per_s']) assert.ok(key in s, key);
  for (const metric of ['ttft', 'itl', 'tpot', 'e2e', 'schedule_delay']) {
    for (const f of S_FIELDS) assert.equal(typeof s[metric][f], 'number', `${metric}.${f}`);
  }
  assert.deepEqual(s.requests, { completed: 200, failed: 0 });
  assert.equal(s.target_rate, 100);
  // Tolerances leave room for a loaded 2-core CI machine; docs/benchmarks.md has the precise numbers.
  assert.ok(Math.abs(s.achieved_rate - 100) < 5, `achieved ${s.achieved_rate}`);
  assert.ok(s.ttft.p50 >= 0.019 && s.ttft.p50 < 0.05, `ttft p50 ${s.ttft.p50}`);
  assert.ok(s.tpot.p50 >= 0.0045 && s.tpot.p50 < 0.01, `tpot p50 ${s.tpot.p50}`);
  assert.ok(s.schedule_delay.p50 < 0.005, `schedule delay p50 ${s.schedule_delay.p50}`);
  assert.equal(s.tokens.output, 200 * 10, 'output tokens from the server usage');
  assert.equal(s.tokens.usage_missing, 0);
  assert.ok(s.goodput_requests_per_s > 0);
});

test('closed loop, non-streaming: every request completes, NTPOT and e2e follow the profile', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-'));
  const r = await bench(['--url', sim.url, '--model', 'm', '--concurrency', '8', '--num-requests', '40',
    '--no-stream', '--output-len', '5', '--api', 'completions', '--report-dir', dir]);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')).stages[0];
  assert.equal(s.requests.completed, 40);
  assert.equal(s.concurrency, 8);
  // 20 ms to the first token, then 4 x 5 ms.
  assert.ok(s.e2e.p50 >= 0.039 && s.e2e.p50 < 0.07, `e2e p50 ${s.e2e.p50}`);
});

test('errors are counted by type and the run goes on', async () => {
  const failing = await startSim(['--model', 'm', '--profile', 'fixed', '--ttft-ms', '0', '--itl-ms', '0',
    '--error-rate', '1', '--error-mix', '503=1']);
  try {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-'));
    const r = await bench(['--url', failing.url, '--model', 'm', '--rate', '200', '--num-requests', '20',
      '--report-dir', dir]);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')).stages[0];
    assert.deepEqual(s.requests, { completed: 0, failed: 20 });
    assert.deepEqual(s.errors, { http_503: 20 });
  } finally {
    await stop(failing);
  }
  const unreachable = await bench(['--url', 'http://127.0.0.1:1', '--model', 'm', '--rate', '50', '--num-requests', '3']);
  assert.equal(unreachable.code, 0);
  assert.match(unreachable.stdout, /0 completed, 3 failed \(io: 3\)/);
});

test('invalid flags fail with a clear message', () => {
  const cases = [
    [['--url', sim.url, '--model', 'm', '--num-requests', '5'], /--rate|--concurrency/],
    [['--url', sim.url, '--model', 'm', '--rate', '5'], /--num-requests|--duration/],
    [['--url', 'localhost:1', '--model', 'm', '--rate', '5', '--num-requests', '1'], /http/],
    [['--url', sim.url, '--model', 'm', '--rate', '5', '--num-requests', '1', '--input-len', 'normal:x'], /normal:x/],
    [['--url', sim.url, '--model', 'm', '--rate', '5', '--num-requests', '1', '--slo', 'ttft=fast'], /ttft/],
    [['--url', sim.url, '--model', 'm', '--rate', '5', '--num-requests', '1', '--arrival', 'weird'], /weird/],
  ];
  for (const [args, pattern] of cases) {
    const r = runSluice(['bench', ...args]);
    assert.notEqual(r.status, 0, args.join(' '));
    assert.match(r.stderr + r.stdout, pattern, args.join(' '));
  }
});

test('accuracy: TTFT and ITL medians within 2% of the simulator\'s 100 ms and 10 ms', async () => {
  const slow = await startSim(['--model', 'm', '--profile', 'fixed', '--ttft-ms', '100', '--itl-ms', '10']);
  try {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-'));
    const r = await bench(['--url', slow.url, '--model', 'm', '--rate', '10', '--num-requests', '30',
      '--input-len', '20', '--output-len', '20', '--report-dir', dir]);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')).stages[0];
    assert.equal(s.requests.completed, 30);
    assert.ok(Math.abs(s.ttft.p50 - 0.100) <= 0.002, `ttft p50 ${s.ttft.p50}`);
    assert.ok(Math.abs(s.itl.p50 - 0.010) <= 0.0002, `itl p50 ${s.itl.p50}`);
    assert.ok(Math.abs(s.itl_per_token.p50 - 0.010) <= 0.0002, `itl per token p50 ${s.itl_per_token.p50}`);
    assert.ok(Math.abs(s.tpot.p50 - 0.010) <= 0.0002, `tpot p50 ${s.tpot.p50}`);
    assert.equal(s.tokens.mismatches, 0, 'one word per chunk: usage agrees with the chunks');
  } finally {
    await stop(slow);
  }
});
