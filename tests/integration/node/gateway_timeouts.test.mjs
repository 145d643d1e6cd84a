// The gateway's per-phase upstream timeouts (spec.timeouts) and a slow client (issue #4 "bad
// input"): a model server that never answers gets 504 after firstByte, a stream that goes silent
// is ended after streamIdle with an SSE error event, and a client that stops reading holds up
// nobody else.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSim, startSluice, stop, postJson, postStream, tempDir } from './lib.mjs';

let silent; // answers only after 5 s
let stalling; // streams one token per second
let fast;
let gateway;

before(async () => {
  [silent, stalling, fast] = await Promise.all([
    startSim(['--model', 'silent', '--profile', 'fixed', '--ttft-ms', '5000', '--itl-ms', '1']),
    startSim(['--model', 'stalling', '--profile', 'fixed', '--ttft-ms', '1', '--itl-ms', '1000']),
    startSim(['--model', 'fast', '--profile', 'fixed', '--ttft-ms', '0', '--itl-ms', '0',
      '--max-model-len', '100000']),
  ]);
  const dir = tempDir();
  const file = join(dir, 'gateway.yaml');
  writeFileSync(file, `
apiVersion: sluice.dev/v1alpha1
kind: Gateway
metadata: {name: gw}
spec:
  listen: {address: 127.0.0.1, port: 0}
  timeouts: {connect: 1s, firstByte: 300ms, streamIdle: 400ms}
  retries: {maxRetries: 0}
---
apiVersion: inference.networking.k8s.io/v1
kind: InferencePool
metadata: {name: all}
spec:
  selector: {matchLabels: {}}
  targetPorts: [{number: 1}]
---
apiVersion: sluice.dev/v1alpha1
kind: StaticEndpoints
metadata: {name: fleet}
spec:
  endpoints:
  - {address: ${silent.url.replace('http://', '')}}
  - {address: ${stalling.url.replace('http://', '')}}
  - {address: ${fast.url.replace('http://', '')}}
`);
  gateway = await startSluice(['gateway', '--config', file]);
});
after(async () => {
  await Promise.all([gateway, silent, stalling, fast].filter(Boolean).map((p) => stop(p)));
});

const chat = (model, extra = {}) => ({
  model, messages: [{ role: 'user', content: 'hi' }], max_tokens: 3, ...extra,
});

test('no first byte within spec.timeouts.firstByte: 504 in OpenAI error JSON', async () => {
  const t0 = performance.now();
  const r = await postJson(`${gateway.url}/v1/chat/completions`, chat('silent'));
  const elapsed = performance.now() - t0;
  assert.equal(r.status, 504);
  assert.ok(r.json.error.message.length > 0);
  assert.ok(elapsed >= 250 && elapsed < 3000, `answered after ${elapsed} ms`);
});

test('a stream silent for longer than streamIdle ends with an SSE error event', async () => {
  const t0 = performance.now();
  const { status, events } = await postStream(`${gateway.url}/v1/chat/completions`,
    chat('stalling', { stream: true, max_tokens: 10 }));
  const elapsed = performance.now() - t0;
  assert.equal(status, 200);
  const data = events.map((e) => e.data);
  assert.match(data.filter((d) => d !== '[DONE]').at(-1), /"error"/);
  assert.equal(data.at(-1), '[DONE]');
  assert.ok(elapsed < 5000, `ended after ${elapsed} ms, not after all 10 tokens`);
});

test('a client that stops reading a long stream does not hold up other clients', async () => {
  const body = JSON.stringify(chat('fast', { stream: true, max_tokens: 20000 }));
  const { port } = new URL(gateway.url);
  const slow = http.request({ host: '127.0.0.1', port, path: '/v1/chat/completions', method: 'POST',
    headers: { 'content-type': 'application/json' } });
  const paused = new Promise((resolve) => {
    slow.on('response', (res) => { res.pause(); resolve(res); });
  });
  slow.on('error', () => {});
  slow.end(body);
  const res = await paused;
  // While that client reads nothing, everyone else is served promptly.
  const t0 = performance.now();
  const results = await Promise.all(Array.from({ length: 20 }, () =>
    postJson(`${gateway.url}/v1/chat/completions`, chat('fast'))));
  assert.deepEqual(results.map((r) => r.status), Array(20).fill(200));
  assert.ok(performance.now() - t0 < 3000);
  res.destroy();
});
