// `sluice gateway --endpoint ...` (issue #4 quick start) in front of real `sluice sim` processes:
// model and adapter routing, aggregated /v1/models, the openai npm client, retries, failover,
// a stream cut by its endpoint, and OpenAI error bodies.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startSim, startSluice, stop, postJson, postStream, scrape, runSluice, eventually, getText, parseMetrics } from './lib.mjs';
import { startFake } from './fake_openai.mjs';

// A long context so that a 1 MiB prompt fits.
const FIXED = ['--profile', 'fixed', '--ttft-ms', '2', '--itl-ms', '1', '--max-model-len', '1000000'];
let simA; // serves m and the adapter sql
let simB; // serves m and other
let gateway;
before(async () => {
  simA = await startSim(['--model', 'm', '--lora', 'sql=m', ...FIXED]);
  simB = await startSim(['--model', 'm', '--model', 'other', ...FIXED]);
  gateway = await startSluice(['gateway', '--host', '127.0.0.1', '--port', '0',
    '--endpoint', simA.url, '--endpoint', simB.url]);
});
after(async () => {
  await stop(gateway);
  await stop(simA);
  await stop(simB);
});

const chat = (model, extra = {}) => ({
  model, messages: [{ role: 'user', content: 'hello' }], max_tokens: 3, ...extra,
});

/** Requests `sim` finished under the `model_name` label (the sim's first model), or all. */
async function successes(sim, model) {
  let sum = 0;
  for (const [series, value] of await scrape(sim.url)) {
    if (series.startsWith('vllm:request_success_total{') && (model === undefined || series.includes(`model_name="${model}"`))) sum += value;
  }
  return sum;
}

test('/v1/models lists every model and adapter of every endpoint once', async () => {
  const res = await fetch(`${gateway.url}/v1/models`);
  assert.equal(res.status, 200);
  const body = await res.json();
  const ids = body.data.map((m) => m.id).sort();
  assert.deepEqual(ids, ['m', 'other', 'sql']);
  assert.equal(body.data.find((m) => m.id === 'sql').parent, 'm');
});

test('requests go to the endpoints serving their model or adapter', async () => {
  const aBefore = await successes(simA);
  const bBefore = await successes(simB);
  for (let i = 0; i < 5; i++) {
    assert.equal((await postJson(`${gateway.url}/v1/chat/completions`, chat('sql'))).status, 200);
    assert.equal((await postJson(`${gateway.url}/v1/chat/completions`, chat('other'))).status, 200);
  }
  // The simulator counts a request when its engine step retires it, just after the answer.
  assert.ok(await eventually(async () => await successes(simA) - aBefore === 5), 'the adapter lives on simA only');
  assert.ok(await eventually(async () => await successes(simB) - bBefore === 5), 'other lives on simB only');
});

test('a model both endpoints serve is spread over both', async () => {
  const before = [await successes(simA, 'm'), await successes(simB, 'm')];
  await Promise.all(Array.from({ length: 20 }, () => postJson(`${gateway.url}/v1/completions`,
    { model: 'm', prompt: 'hi', max_tokens: 2 })));
  let a = 0;
  let b = 0;
  await eventually(async () => {
    a = await successes(simA, 'm') - before[0];
    b = await successes(simB, 'm') - before[1];
    return a + b === 20;
  });
  assert.equal(a + b, 20);
  assert.ok(a >= 5 && b >= 5, `split ${a}/${b}`);
});

test('the openai npm client streams and completes through the gateway', async () => {
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused' });
  const stream = await client.chat.completions.create({ ...chat('sql'), stream: true,
    stream_options: { include_usage: true } });
  let text = '';
  let usage;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta?.content ?? '';
    if (chunk.usage) usage = chunk.usage;
  }
  assert.ok(text.length > 0);
  assert.equal(usage.completion_tokens, 3);
  const unary = await client.completions.create({ model: 'other', prompt: 'x', max_tokens: 4 });
  assert.equal(unary.usage.completion_tokens, 4);
});

test('errors: unknown model 404, malformed body 400, in OpenAI error JSON', async () => {
  const unknown = await postJson(`${gateway.url}/v1/chat/completions`, chat('nope'));
  assert.equal(unknown.status, 404);
  assert.equal(unknown.json.error.param, 'model');
  const res = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', body: '{"model":' });
  assert.equal(res.status, 400);
  assert.ok((await res.json()).error.message);
});

test('5xx before the first byte: the next endpoint is tried, the last answer relayed', async () => {
  // Both endpoints of `m` are forced to fail: the gateway tries both, then relays the 503.
  const forced = await postJson(`${gateway.url}/v1/chat/completions`, chat('m'),
    { 'x-sim-force-error': '503' });
  assert.equal(forced.status, 503);
  assert.ok(forced.json.error, 'the endpoint\'s own error body');
});

test('an endpoint cut mid-stream ends that stream with an SSE error event', async () => {
  const { status, events } = await postStream(`${gateway.url}/v1/chat/completions`,
    chat('sql', { stream: true, max_tokens: 20 }), { 'x-sim-force-error': 'drop' });
  assert.equal(status, 200);
  const data = events.map((e) => e.data);
  assert.match(data.filter((d) => d !== '[DONE]').at(-1), /"error"/);
  assert.equal(data.at(-1), '[DONE]');
  // Other requests are unaffected.
  assert.equal((await postJson(`${gateway.url}/v1/chat/completions`, chat('sql'))).status, 200);
});

test('failover: with one endpoint of `m` dead, every request still succeeds', async () => {
  const spare = await startSim(['--model', 'm', ...FIXED]);
  const dying = await startSim(['--model', 'm', ...FIXED]);
  const gw = await startSluice(['gateway', '--host', '127.0.0.1', '--port', '0',
    '--endpoint', spare.url, '--endpoint', dying.url]);
  try {
    await stop(dying);
    const results = await Promise.all(Array.from({ length: 20 }, () =>
      postJson(`${gw.url}/v1/chat/completions`, chat('m'))));
    assert.deepEqual(results.map((r) => r.status), Array(20).fill(200));
  } finally {
    await stop(gw);
    await stop(spare);
  }
});

test('gateway flags: neither --config nor --endpoint, a bad URL, an unreachable endpoint', async () => {
  const none = runSluice(['gateway', '--port', '0']);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /--config FILE or --endpoint URL/);
  const bad = runSluice(['gateway', '--port', '0', '--endpoint', 'ftp://x']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--endpoint ftp:\/\/x/);
  // An endpoint that is down at start does not stop the gateway: it is ejected, and requests
  // get a clear OpenAI error instead of hanging.
  const gw = await startSluice(['gateway', '--host', '127.0.0.1', '--port', '0',
    '--endpoint', 'http://127.0.0.1:1']);
  try {
    const res = await postJson(`${gw.url}/v1/chat/completions`, chat('m'));
    assert.equal(res.status, 404);
    assert.match(res.json.error.message, /`m` does not exist/);
  } finally {
    await stop(gw);
  }
});

test('a small non-streaming answer is relayed whole, with its Content-Length', async () => {
  const res = await postJson(`${gateway.url}/v1/chat/completions`, chat('m'));
  assert.equal(res.status, 200);
  assert.equal(Number(res.headers.get('content-length')), Buffer.byteLength(res.text));
  assert.equal(res.headers.get('transfer-encoding'), null);
  const stream = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify(chat('m', { stream: true })),
  });
  assert.equal(stream.headers.get('transfer-encoding'), 'chunked', 'SSE is never collected');
  await stream.text();
});

test('a 1 MiB prompt routes and is answered', async () => {
  const prompt = 'lorem ipsum '.repeat(Math.ceil((1 << 20) / 12));
  const res = await postJson(`${gateway.url}/v1/completions`, { model: 'm', prompt, max_tokens: 2 });
  assert.equal(res.status, 200, res.text.slice(0, 300));
  assert.ok(res.json.usage.prompt_tokens > 100000);
});

test('an endpoint that answers garbage is ejected; the default profile is measured per plugin', async () => {
  const fake = await startFake();
  const gw = await startSluice(['gateway', '--host', '127.0.0.1', '--port', '0',
    '--endpoint', simA.url, '--endpoint', fake.url]);
  try {
    const fakeAddress = fake.url.replace('http://', '');
    const ejected = await eventually(async () => {
      const m = parseMetrics((await getText(`${gw.url}/metrics`)).text);
      return m.get(`sluice_gateway_endpoint_healthy{pool="default",endpoint="${fakeAddress}"}`) === 0;
    });
    assert.ok(ejected, 'garbage /metrics pages eject the endpoint');
    for (let i = 0; i < 5; i++) {
      assert.equal((await postJson(`${gw.url}/v1/chat/completions`, chat('m'))).status, 200);
    }
    const m = parseMetrics((await getText(`${gw.url}/metrics`)).text);
    assert.equal(m.get(`sluice_gateway_endpoint_requests_total{pool="default",endpoint="${simA.url.replace('http://', '')}",status="200"}`), 5);
    for (const plugin of ['health-filter', 'prefix-match', 'prefix-cache-scorer', 'lora-affinity-scorer', 'max-score-picker']) {
      assert.equal(m.get(`sluice_gateway_plugin_duration_seconds_count{pool="default",plugin="${plugin}"}`), 5, plugin);
    }
  } finally {
    await stop(gw);
    await fake.close();
  }
});
