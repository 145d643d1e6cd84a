// `sluice gateway --config FILE` (issue #4) in front of real `sluice sim` processes: pools and
// ModelRoutes, a canary split over 1,000 requests, shedding of sheddable requests when a pool is
// saturated, 503 when no endpoint is eligible, /metrics, the JSON access log, --check, and the
// embedded default of `sluice up`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  startSim, startSluice, stop, postJson, postStream, getText, parseMetrics, runSluice,
  eventually, tempDir, sleep,
} from './lib.mjs';

const FIXED = ['--profile', 'fixed', '--ttft-ms', '1', '--itl-ms', '1'];
const hostPort = (url) => url.replace('http://', '');
let simA; let simB; // pool "llama": model m, adapters sql and sql-v2
let simQ; // pool "qwen": model q
let simSlow; // pool "tiny": one slow endpoint, saturates quickly
let gateway;
let dir;

const chat = (model, extra = {}) => ({
  model, messages: [{ role: 'user', content: 'hello there' }], max_tokens: 2, ...extra,
});

function config() {
  return `
apiVersion: sluice.dev/v1alpha1
kind: Gateway
metadata: {name: gw}
spec:
  listen: {address: 127.0.0.1, port: 0}
  metrics: {scrapeInterval: 20ms, staleAfter: 2s}
---
apiVersion: inference.networking.k8s.io/v1
kind: InferencePool
metadata: {name: llama}
spec:
  selector: {matchLabels: {family: llama}}
  targetPorts: [{number: 1}]
---
apiVersion: inference.networking.k8s.io/v1
kind: InferencePool
metadata: {name: qwen}
spec:
  selector: {matchLabels: {family: qwen}}
  targetPorts: [{number: 1}]
---
apiVersion: inference.networking.k8s.io/v1
kind: InferencePool
metadata: {name: tiny}
spec:
  selector: {matchLabels: {family: tiny}}
  targetPorts: [{number: 1}]
  endpointPickerRef: {name: tiny-picker, port: {number: 9002}}
---
apiVersion: inference.networking.k8s.io/v1
kind: InferencePool
metadata: {name: dead}
spec:
  selector: {matchLabels: {family: dead}}
  targetPorts: [{number: 1}]
---
apiVersion: sluice.dev/v1alpha1
kind: StaticEndpoints
metadata: {name: fleet}
spec:
  endpoints:
  - {address: ${hostPort(simA.url)}, labels: {family: llama}}
  - {address: ${hostPort(simB.url)}, labels: {family: llama}}
  - {address: ${hostPort(simQ.url)}, labels: {family: qwen}}
  - {address: ${hostPort(simSlow.url)}, labels: {family: tiny}}
  - {address: 127.0.0.1:1, labels: {family: dead}}
---
apiVersion: sluice.dev/v1alpha1
kind: ModelRoute
metadata: {name: route-1}
spec:
  poolRef: {name: llama}
  models:
  - m
  - {name: sql, baseModel: m}
  - {name: sql-v2, baseModel: m}
---
apiVersion: sluice.dev/v1alpha1
kind: ModelRoute
metadata: {name: route-2}
spec:
  poolRef: {name: qwen}
  models: [q]
---
apiVersion: sluice.dev/v1alpha1
kind: ModelRoute
metadata: {name: route-3}
spec:
  poolRef: {name: tiny}
  models: [slow]
---
apiVersion: sluice.dev/v1alpha1
kind: ModelRoute
metadata: {name: route-4}
spec:
  poolRef: {name: dead}
  models: [gone]
---
apiVersion: llm-d.ai/v1alpha2
kind: InferenceModelRewrite
metadata: {name: sql-canary}
spec:
  poolRef: {name: llama}
  rules:
  - matches: [{model: {type: Exact, value: sql}}]
    targets:
    - {modelRewrite: sql, weight: 70}
    - {modelRewrite: sql-v2, weight: 30}
---
apiVersion: llm-d.ai/v1alpha2
kind: InferenceObjective
metadata: {name: batch}
spec: {priority: -1, poolRef: {name: tiny}}
---
apiVersion: llm-d.ai/v1alpha2
kind: InferenceObjective
metadata: {name: interactive}
spec: {priority: 5, poolRef: {name: tiny}}
---
apiVersion: llm-d.ai/v1alpha1
kind: EndpointPickerConfig
metadata: {name: tiny-picker}
plugins:
- type: queue-scorer
- type: max-score-picker
saturationDetector: {queueDepthThreshold: 1}
`;
}

before(async () => {
  const lora = ['--model', 'm', '--lora', 'sql=m', '--lora', 'sql-v2=m', ...FIXED];
  [simA, simB, simQ, simSlow] = await Promise.all([
    startSim(lora), startSim(lora), startSim(['--model', 'q', ...FIXED]),
    // The H100 profile honours --max-num-seqs: 100 tokens take ~0.8 s, later requests queue.
    startSim(['--model', 'slow', '--max-num-seqs', '1']),
  ]);
  dir = tempDir();
  writeFileSync(join(dir, 'gateway.yaml'), config());
  gateway = await startSluice(['gateway', '--config', join(dir, 'gateway.yaml'),
    '--access-log', join(dir, 'access.log')]);
});
after(async () => {
  await Promise.all([gateway, simA, simB, simQ, simSlow].filter(Boolean).map((s) => stop(s)));
});

/** The sim's finished-request count (labelled with its first --model). */
async function served(sim) {
  const m = parseMetrics((await getText(`${sim.url}/metrics`)).text);
  let sum = 0;
  for (const [k, v] of m) if (k.startsWith('vllm:request_success_total{')) sum += v;
  return sum;
}

test('models go to the pool of their ModelRoute; /v1/models lists all of them', async () => {
  const before = await Promise.all([simA, simB, simQ].map(served));
  for (let i = 0; i < 6; i++) {
    assert.equal((await postJson(`${gateway.url}/v1/chat/completions`, chat('q'))).status, 200);
    assert.equal((await postJson(`${gateway.url}/v1/completions`,
      { model: 'm', prompt: 'hi', max_tokens: 2 })).status, 200);
  }
  assert.ok(await eventually(async () => await served(simQ) - before[2] === 6));
  assert.ok(await eventually(async () =>
    (await served(simA) - before[0]) + (await served(simB) - before[1]) === 6));
  const models = (await (await fetch(`${gateway.url}/v1/models`)).json()).data.map((d) => d.id);
  for (const id of ['m', 'sql', 'sql-v2', 'q', 'slow', 'gone']) assert.ok(models.includes(id), id);
  const unknown = await postJson(`${gateway.url}/v1/chat/completions`, chat('nope'));
  assert.equal(unknown.status, 404);
  assert.match(unknown.json.error.message, /`nope` does not exist/);
});

test('canary: 1,000 requests for sql split 70/30 between sql and sql-v2', async () => {
  const counts = { sql: 0, 'sql-v2': 0 };
  const body = chat('sql', { max_tokens: 1 });
  for (let batch = 0; batch < 20; batch++) {
    const results = await Promise.all(Array.from({ length: 50 }, () =>
      postJson(`${gateway.url}/v1/chat/completions`, body)));
    for (const r of results) {
      assert.equal(r.status, 200);
      counts[r.json.model] += 1; // the server answers with the model it was sent
    }
  }
  assert.equal(counts.sql + counts['sql-v2'], 1000);
  // Binomial(1000, 0.3): sd 14.5; ±5 sd.
  assert.ok(counts['sql-v2'] >= 228 && counts['sql-v2'] <= 372, JSON.stringify(counts));
  // An explicit rewrite header wins over the rules.
  const pinned = await postJson(`${gateway.url}/v1/chat/completions`, body,
    { 'x-llm-d-model-name-rewrite': 'sql-v2' });
  assert.equal(pinned.json.model, 'sql-v2');
});

test('a saturated pool sheds sheddable requests with 429 and keeps serving the others', async () => {
  // One running sequence at a time, ~0.8 s each: the others queue for seconds.
  const long = chat('slow', { max_tokens: 100 });
  const background = Array.from({ length: 4 }, () =>
    postJson(`${gateway.url}/v1/chat/completions`, long));
  // Once the gateway has scraped the queue, a sheddable request is dropped at once.
  const queued = await eventually(async () => {
    const m = parseMetrics((await getText(`${gateway.url}/metrics`)).text);
    return m.get(`sluice_gateway_endpoint_waiting_requests{pool="tiny",endpoint="${hostPort(simSlow.url)}"}`) >= 1;
  }, { timeoutMs: 4000 });
  assert.ok(queued, 'the gateway saw the queue');
  const saturated = await postJson(`${gateway.url}/v1/chat/completions`,
    chat('slow', { max_tokens: 1 }), { 'x-llm-d-inference-objective': 'batch' });
  assert.equal(saturated.status, 429);
  assert.equal(saturated.headers.get('x-llm-d-request-dropped-reason'), 'rejected-saturated');
  assert.equal(saturated.json.error.code, 429);
  // Non-sheddable traffic is queued, not dropped.
  const interactive = postJson(`${gateway.url}/v1/chat/completions`, chat('slow', { max_tokens: 1 }),
    { 'x-llm-d-inference-objective': 'interactive' });
  const results = await Promise.all([...background, interactive]);
  assert.deepEqual(results.map((r) => r.status), [200, 200, 200, 200, 200]);
  const m = parseMetrics((await getText(`${gateway.url}/metrics`)).text);
  assert.ok(m.get('sluice_gateway_rejected_requests_total{pool="tiny",reason="saturated"}') >= 1);
});

test('no eligible endpoint: 503 in OpenAI error JSON with the dropped reason', async () => {
  const r = await postJson(`${gateway.url}/v1/chat/completions`, chat('gone'));
  assert.equal(r.status, 503);
  assert.equal(r.headers.get('x-llm-d-request-dropped-reason'), 'rejected-no-endpoints');
  assert.match(r.json.error.message, /no healthy endpoint in pool `dead` for model `gone`/);
});

test('/metrics: requests by model, pool, endpoint and status; scheduling per plugin; endpoint state', async () => {
  await postStream(`${gateway.url}/v1/chat/completions`,
    chat('q', { stream: true, max_tokens: 5, stream_options: { include_usage: true } }));
  const page = (await getText(`${gateway.url}/metrics`)).text;
  const m = parseMetrics(page);
  assert.ok(m.get('sluice_gateway_requests_total{model="q",status="200"}') >= 7);
  assert.ok(m.get(`sluice_gateway_endpoint_requests_total{pool="qwen",endpoint="${hostPort(simQ.url)}",status="200"}`) >= 7);
  assert.ok(m.get('sluice_gateway_output_tokens_total{model="q"}') >= 5);
  assert.ok(m.get('sluice_gateway_time_to_first_token_seconds_count{model="q"}') >= 1);
  assert.ok(m.get('sluice_gateway_inter_token_latency_seconds_count{model="q"}') >= 1);
  assert.ok(m.get('sluice_gateway_plugin_duration_seconds_count{pool="qwen",plugin="queue-scorer"}') >= 7);
  assert.equal(m.get(`sluice_gateway_endpoint_healthy{pool="qwen",endpoint="${hostPort(simQ.url)}"}`), 1);
  assert.equal(m.get('sluice_gateway_endpoint_healthy{pool="dead",endpoint="127.0.0.1:1"}'), 0);
  const lint = spawnSync('promtool', ['check', 'metrics'], { input: page, encoding: 'utf8' });
  if (lint.error?.code !== 'ENOENT') assert.equal(lint.status, 0, lint.stderr + lint.stdout);
});

test('access log: one JSON line per request with model, endpoint, status, timings and tokens', async () => {
  const r = await postJson(`${gateway.url}/v1/chat/completions`, chat('q', { max_tokens: 3 }),
    { 'x-llm-d-inference-objective': 'interactive' });
  assert.equal(r.status, 200);
  const line = await eventually(() => readFileSync(join(dir, 'access.log'), 'utf8').trim()
    .split('\n').map((l) => JSON.parse(l)).find((e) => e.objective === 'interactive' && e.model === 'q'));
  assert.ok(line, 'the line was flushed within the flush interval');
  assert.equal(line.status, 200);
  assert.equal(line.pool, 'qwen');
  assert.equal(line.endpoint, hostPort(simQ.url));
  assert.equal(line.output_tokens, 3);
  assert.ok(line.input_tokens > 0);
  assert.ok(line.duration_ms > 0 && line.scheduling_us > 0);
  assert.equal(line.attempts, 1);
});

test('invalid configuration: exit 2 naming file, line and field', () => {
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, config().replace('queueDepthThreshold: 1', 'queueDepthThreshold: -1'));
  const r = runSluice(['gateway', '--config', bad, '--check']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /bad\.yaml:\d+:\d+: .*saturationDetector\.queueDepthThreshold/);
  writeFileSync(bad, config().replace('type: queue-scorer', 'type: queue-scorrer'));
  const r2 = runSluice(['gateway', '--config', bad]);
  assert.equal(r2.status, 2);
  assert.match(r2.stderr, /bad\.yaml:\d+:\d+: .*queue-scorrer/);
});

test('every example config passes --check; so does the embedded default of sluice up', () => {
  const examples = join('..', '..', '..', 'examples', 'gateway');
  const files = readdirSync(examples).filter((f) => f.endsWith('.yaml'));
  assert.ok(files.length >= 3);
  for (const f of files) {
    const r = runSluice(['gateway', '--check', '--config', join(examples, f)]);
    assert.equal(r.status, 0, `${f}: ${r.stderr}`);
    assert.match(r.stdout, /configuration OK/);
  }
  const printed = runSluice(['up', '--print-config']);
  assert.equal(printed.status, 0);
  writeFileSync(join(dir, 'up.yaml'), printed.stdout);
  const r = runSluice(['gateway', '--check', '--config', join(dir, 'up.yaml')]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /2 pool\(s\), 4 model route\(s\), 2 objective\(s\)/);
});
