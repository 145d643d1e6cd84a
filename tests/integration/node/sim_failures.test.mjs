// Failure injection and client disconnects: errors are OpenAI-shaped, the server keeps serving,
// and a client that goes away frees its sequence and KV blocks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startSim, stop, postJson, postStream, scrape, metricSum, eventually } from './lib.mjs';

const MODEL = 'm';
const body = (extra = {}) => ({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], max_tokens: 3, ...extra });

test('the force-error header answers with the requested status', async () => {
  const sim = await startSim(['--model', MODEL, '--profile', 'fixed', '--ttft-ms', '1', '--itl-ms', '1']);
  try {
    for (const status of [429, 500, 503]) {
      const r = await postJson(`${sim.url}/v1/chat/completions`, body(), { 'x-sim-force-error': String(status) });
      assert.equal(r.status, status);
      assert.equal(r.json.error.code, status);
    }
    const bad = await postJson(`${sim.url}/v1/chat/completions`, body(), { 'x-sim-force-error': 'banana' });
    assert.equal(bad.status, 400);
    const ok = await postJson(`${sim.url}/v1/chat/completions`, body());
    assert.equal(ok.status, 200);
  } finally {
    await stop(sim);
  }
});

test('--error-rate 1 with a mix only returns the mixed statuses', async () => {
  const sim = await startSim(['--model', MODEL, '--profile', 'fixed', '--ttft-ms', '0', '--itl-ms', '0',
    '--error-rate', '1', '--error-mix', '429=1,503=1']);
  try {
    const statuses = new Set();
    for (let i = 0; i < 40; i++) {
      statuses.add((await postJson(`${sim.url}/v1/chat/completions`, body())).status);
    }
    assert.deepEqual([...statuses].sort(), [429, 503]);
    // Non-completion routes are not affected.
    assert.equal((await fetch(`${sim.url}/health`)).status, 200);
  } finally {
    await stop(sim);
  }
});

test('--added-latency-ms delays answers', async () => {
  const sim = await startSim(['--model', MODEL, '--profile', 'fixed', '--ttft-ms', '0', '--itl-ms', '0',
    '--added-latency-ms', '150']);
  try {
    const t0 = performance.now();
    assert.equal((await postJson(`${sim.url}/v1/chat/completions`, body())).status, 200);
    assert.ok(performance.now() - t0 >= 140);
  } finally {
    await stop(sim);
  }
});

test('dropped streams: the connection is cut mid-stream, without [DONE]', async () => {
  const sim = await startSim(['--model', MODEL, '--profile', 'fixed', '--ttft-ms', '1', '--itl-ms', '2']);
  try {
    await assert.rejects(postStream(`${sim.url}/v1/chat/completions`, body({ stream: true, max_tokens: 50 }),
      { 'x-sim-force-error': 'drop' }));
    // --drop-rate 1 drops every stream too.
    const dropping = await startSim(['--model', MODEL, '--profile', 'fixed', '--ttft-ms', '1', '--itl-ms', '1', '--drop-rate', '1']);
    try {
      await assert.rejects(postStream(`${dropping.url}/v1/chat/completions`, body({ stream: true, max_tokens: 20 })));
    } finally {
      await stop(dropping);
    }
    const ok = await postStream(`${sim.url}/v1/chat/completions`, body({ stream: true }));
    assert.equal(ok.events.at(-1).data, '[DONE]');
  } finally {
    await stop(sim);
  }
});

function rawRequest(url, payload) {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  socket.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(payload)}\r\n\r\n${payload}`);
  return socket;
}

test('clients that disconnect free their sequences and KV blocks', async () => {
  // Slow tokens so that the requests are still running when the clients leave.
  const sim = await startSim(['--model', MODEL, '--profile', 'fixed', '--ttft-ms', '10', '--itl-ms', '50',
    '--num-gpu-blocks', '1000']);
  try {
    const prompt = 'word '.repeat(200);
    const streaming = JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: prompt }], max_tokens: 1000, stream: true });
    const unary = JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: prompt + 'b' }], max_tokens: 1000 });
    const sockets = [rawRequest(sim.url, streaming), rawRequest(sim.url, streaming), rawRequest(sim.url, unary)];
    const busy = await eventually(async () => metricSum(await scrape(sim.url), 'vllm:num_requests_running') === 3);
    assert.ok(busy, 'three requests running');
    assert.ok(metricSum(await scrape(sim.url), 'vllm:kv_cache_usage_perc') > 0);
    for (const s of sockets) s.destroy();
    const freed = await eventually(async () => {
      const m = await scrape(sim.url);
      return metricSum(m, 'vllm:num_requests_running') === 0 && metricSum(m, 'vllm:kv_cache_usage_perc') === 0;
    });
    assert.ok(freed, 'running and KV usage back to 0 after the clients left');
    const aborted = (await scrape(sim.url)).get('vllm:request_success_total{engine="0",finished_reason="abort",model_name="m"}');
    assert.equal(aborted, 3);
  } finally {
    await stop(sim);
  }
});
