// `sluice bench` load shapes against `sluice sim`: stage files with warm-up, the saturation sweep,
// the LoRA traffic split, the progress line, and Ctrl-C writing a partial report.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSim, stop, runBench, readSummary, tempDir, eventually } from './lib.mjs';

let sim;
before(async () => {
  sim = await startSim(['--model', 'm', '--lora', 'sql=m', '--lora', 'chat=m', '--max-loras', '2',
    '--profile', 'fixed', '--ttft-ms', '10', '--itl-ms', '2']);
});
after(async () => { await stop(sim); });

test('a stage file runs its stages in order, warm-up excluded from the report', async () => {
  const dir = tempDir();
  const stages = join(dir, 'stages.yaml');
  writeFileSync(stages, [
    'warmup: {rate: 50, duration: 0.3s}',
    'stages:',
    '  - {rate: 40, num_requests: 20, name: slow}',
    '  - {rate: 80, num_requests: 40, arrival: poisson}',
    '  - {concurrency: 4, num_requests: 12}',
  ].join('\n'));
  const r = await runBench(['--url', sim.url, '--model', 'm', '--stages', stages,
    '--output-len', '5', '--input-len', '10', '--report-dir', dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /warm-up done: \d+ completed/);
  const s = readSummary(dir).stages;
  assert.deepEqual(s.map((x) => x.name), ['slow', 'rate-80', 'concurrency-4']);
  assert.deepEqual(s.map((x) => x.requests.completed), [20, 40, 12]);
  assert.deepEqual(s.map((x) => x.target_rate), [40, 80, 0]);
  assert.equal(s[2].concurrency, 4);
  assert.ok(Math.abs(s[0].achieved_rate - 40) < 4, `achieved ${s[0].achieved_rate}`);
});

test('an invalid stage file is rejected naming the stage and field', async () => {
  const dir = tempDir();
  const stages = join(dir, 'bad.yaml');
  writeFileSync(stages, 'stages:\n  - {rate: 10, duration: 1s}\n  - {rate: -3, duration: 1s}\n');
  const r = await runBench(['--url', sim.url, '--model', 'm', '--stages', stages]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /stages\[1\]\.rate/);
});

test('--sweep probes saturation, then runs N rising stages up to it', async () => {
  const dir = tempDir();
  const r = await runBench(['--url', sim.url, '--model', 'm', '--sweep', '3', '--duration', '0.5',
    '--sweep-probe-concurrency', '4', '--sweep-probe-duration', '1', '--output-len', '5',
    '--input-len', '10', '--report-dir', dir]);
  assert.equal(r.code, 0, r.stderr);
  const s = readSummary(dir).stages;
  assert.deepEqual(s.map((x) => x.name), ['saturation-probe', 'sweep-1', 'sweep-2', 'sweep-3']);
  // 4 in flight, each ~10 ms + 4 x 2 ms: about 4 / 0.018 = 220 requests/s at saturation.
  const saturation = s[0].requests.completed / s[0].duration_s;
  const rates = s.slice(1).map((x) => x.target_rate);
  assert.ok(rates[0] < rates[1] && rates[1] < rates[2], `rates ${rates}`);
  assert.ok(rates[2] > saturation * 0.7 && rates[2] < saturation * 1.3,
    `top rate ${rates[2]} vs probe throughput ${saturation}`);
  for (const stage of s) assert.equal(stage.requests.failed, 0, stage.name);
});

test('LoRA traffic split: --model NAME=WEIGHT sends each model its share', async () => {
  const dir = tempDir();
  const r = await runBench(['--url', sim.url, '--model', 'm=1', '--model', 'sql=3', '--model', 'chat=0',
    '--rate', '400', '--num-requests', '400', '--output-len', '2', '--input-len', '5', '--report-dir', dir]);
  assert.equal(r.code, 0, r.stderr);
  const models = readSummary(dir).stages[0].models;
  assert.equal(models.m.completed + models.sql.completed, 400);
  assert.equal(models.chat, undefined, 'weight 0: never sent');
  const share = models.sql.completed / 400;
  assert.ok(share > 0.68 && share < 0.82, `sql share ${share}`);
  assert.match(r.stdout, /models: m \d+\/\d+ sql \d+\/\d+/);
});

test('--progress always prints a line per second; --warmup runs unreported load first', async () => {
  const r = await runBench(['--url', sim.url, '--model', 'm', '--rate', '50', '--duration', '2.5',
    '--output-len', '2', '--progress', 'always', '--warmup', '0.3']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /warm-up done: 1[45] completed, 0 failed/);
  assert.deepEqual(r.stdout.match(/^== .*/gm), ['== stage-0'], 'only the measured stage is reported');
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('[stage-0 2/2]'));
  assert.ok(lines.length >= 2, r.stderr);
  assert.match(lines[0], /sent \d+ in-flight \d+ ok \d+ errors 0 ttft p50 \d+\.\d ms/);
});

test('Ctrl-C stops the run and still writes the report of what was measured', async () => {
  const dir = tempDir();
  const r = await runBench(['--url', sim.url, '--model', 'm', '--rate', '100', '--duration', '60',
    '--output-len', '3', '--per-request', '--progress', 'always', '--report-dir', dir], {
    onStart: async (child, output) => {
      // Interrupt once requests have completed (the progress line says so).
      await eventually(() => /ok [1-9]/.test(output().stderr), { timeoutMs: 15000 });
      child.kill('SIGINT');
    },
  });
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /interrupted/);
  const s = readSummary(dir).stages[0];
  assert.equal(s.interrupted, true);
  assert.ok(s.requests.completed > 0);
  assert.ok(s.duration_s < 30, `stopped early: ${s.duration_s}`);
  const lines = readFileSync(join(dir, 'per_request.jsonl'), 'utf8').trim().split('\n');
  assert.equal(lines.filter((l) => JSON.parse(l).ok).length, s.requests.completed);
  assert.match(readFileSync(join(dir, 'report.html'), 'utf8'), /<svg|data-chart/);
}, { timeout: 60000 });
