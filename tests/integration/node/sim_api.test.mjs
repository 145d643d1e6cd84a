// The simulator's OpenAI/vLLM HTTP API, checked with fetch against the real binary.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSim, stop, postJson, postStream, getText } from './lib.mjs';

const MODEL = 'test/base-model';
let sim;

before(async () => {
  sim = await startSim(['--model', MODEL, '--lora', `adapter-a=${MODEL}`, '--profile', 'fixed',
    '--ttft-ms', '5', '--itl-ms', '1', '--max-model-len', '2048', '--max-body-bytes', '65536']);
});
after(async () => {
  assert.equal(await stop(sim), 0, 'graceful shutdown exits 0');
});

const chat = (extra = {}) => ({
  model: MODEL,
  messages: [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'Say hello' }],
  ...extra,
});

test('non-streaming chat completion has the OpenAI/vLLM shape and exact usage', async () => {
  const r = await postJson(`${sim.url}/v1/chat/completions`, chat({ max_tokens: 7 }));
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /application\/json/);
  const b = r.json;
  assert.match(b.id, /^chatcmpl-/);
  assert.equal(b.object, 'chat.completion');
  assert.equal(b.model, MODEL);
  assert.equal(typeof b.created, 'number');
  assert.equal(b.choices.length, 1);
  assert.equal(b.choices[0].index, 0);
  assert.equal(b.choices[0].message.role, 'assistant');
  assert.equal(b.choices[0].finish_reason, 'length');
  assert.equal(b.usage.completion_tokens, 7);
  assert.ok(b.usage.prompt_tokens > 4);
  assert.equal(b.usage.total_tokens, b.usage.prompt_tokens + 7);
  // Every generated token is one word with a leading space.
  assert.equal(b.choices[0].message.content.trim().split(/\s+/).length, 7);
});

test('streaming chat: role chunk, content chunks, finish chunk, usage chunk, [DONE]', async () => {
  const s = await postStream(`${sim.url}/v1/chat/completions`,
    chat({ max_tokens: 5, stream: true, stream_options: { include_usage: true } }));
  assert.equal(s.status, 200);
  assert.match(s.headers.get('content-type'), /text\/event-stream/);
  assert.equal(s.rest, '', 'no trailing partial event');
  const data = s.events.map((e) => e.data);
  assert.equal(data.at(-1), '[DONE]');
  const chunks = data.slice(0, -1).map((d) => JSON.parse(d));
  for (const c of chunks) {
    assert.equal(c.object, 'chat.completion.chunk');
    assert.equal(c.model, MODEL);
    assert.equal(c.id, chunks[0].id);
  }
  assert.equal(chunks[0].choices[0].delta.role, 'assistant');
  const usage = chunks.at(-1);
  assert.deepEqual(usage.choices, []);
  assert.equal(usage.usage.completion_tokens, 5);
  const finish = chunks.filter((c) => c.choices.length && c.choices[0].finish_reason);
  assert.equal(finish.length, 1);
  assert.equal(finish[0].choices[0].finish_reason, 'length');
  const text = chunks.flatMap((c) => c.choices.map((ch) => ch.delta.content ?? '')).join('');
  assert.equal(text.trim().split(/\s+/).length, 5);
});

test('streaming without include_usage sends no usage chunk', async () => {
  const s = await postStream(`${sim.url}/v1/chat/completions`, chat({ max_tokens: 3, stream: true }));
  const chunks = s.events.slice(0, -1).map((e) => JSON.parse(e.data));
  assert.ok(chunks.every((c) => c.choices.length === 1), 'every chunk has a choice');
  assert.ok(chunks.every((c) => !c.usage), 'no usage');
});

test('completions API, streaming and not, give the same text for the same prompt', async () => {
  const body = { model: MODEL, prompt: 'Once upon a time', max_tokens: 12 };
  const r = await postJson(`${sim.url}/v1/completions`, body);
  assert.equal(r.status, 200);
  assert.equal(r.json.object, 'text_completion');
  assert.match(r.json.id, /^cmpl-/);
  assert.equal(r.json.usage.completion_tokens, 12);
  const s = await postStream(`${sim.url}/v1/completions`, { ...body, stream: true });
  const chunks = s.events.slice(0, -1).map((e) => JSON.parse(e.data));
  assert.ok(chunks.every((c) => c.object === 'text_completion'));
  const streamed = chunks.map((c) => c.choices[0]?.text ?? '').join('');
  assert.equal(streamed, r.json.choices[0].text);
});

test('seed makes the output deterministic; different seeds differ', async () => {
  const req = (seed) => postJson(`${sim.url}/v1/completions`,
    { model: MODEL, prompt: 'x', max_tokens: 20, seed });
  const [a, b, c] = await Promise.all([req(1), req(1), req(2)]);
  assert.equal(a.json.choices[0].text, b.json.choices[0].text);
  assert.notEqual(a.json.choices[0].text, c.json.choices[0].text);
  assert.notEqual(a.json.id, b.json.id, 'response ids stay unique');
});

test('stop strings end the answer early with finish_reason stop', async () => {
  const full = await postJson(`${sim.url}/v1/completions`,
    { model: MODEL, prompt: 'p', max_tokens: 40, seed: 9 });
  const words = full.json.choices[0].text.split(' ').filter(Boolean);
  const stopWord = words[5];
  const cut = await postJson(`${sim.url}/v1/completions`,
    { model: MODEL, prompt: 'p', max_tokens: 40, seed: 9, stop: [` ${stopWord}`] });
  assert.equal(cut.json.choices[0].finish_reason, 'stop');
  const firstAt = full.json.choices[0].text.indexOf(` ${stopWord}`);
  assert.equal(cut.json.choices[0].text, full.json.choices[0].text.slice(0, firstAt));
  assert.ok(cut.json.usage.completion_tokens < 40);
});

test('max_completion_tokens and ignore_eos/temperature are accepted', async () => {
  const r = await postJson(`${sim.url}/v1/chat/completions`,
    chat({ max_completion_tokens: 4, ignore_eos: true, temperature: 0.7, seed: 3 }));
  assert.equal(r.status, 200);
  assert.equal(r.json.usage.completion_tokens, 4);
});

test('GET /v1/models lists base models and adapters with parent', async () => {
  const r = await getText(`${sim.url}/v1/models`);
  assert.equal(r.status, 200);
  const b = JSON.parse(r.text);
  assert.equal(b.object, 'list');
  const base = b.data.find((m) => m.id === MODEL);
  const lora = b.data.find((m) => m.id === 'adapter-a');
  assert.equal(base.object, 'model');
  assert.equal(base.parent, null);
  assert.equal(base.max_model_len, 2048);
  assert.equal(lora.parent, MODEL);
});

test('LoRA adapters can be loaded, used and unloaded at run time', async () => {
  const load = await postJson(`${sim.url}/v1/load_lora_adapter`, { lora_name: 'dyn', lora_path: '/tmp/dyn' });
  assert.equal(load.status, 200, load.text);
  const again = await postJson(`${sim.url}/v1/load_lora_adapter`, { lora_name: 'dyn', lora_path: '/tmp/dyn' });
  assert.equal(again.status, 400);
  const models = JSON.parse((await getText(`${sim.url}/v1/models`)).text);
  assert.equal(models.data.find((m) => m.id === 'dyn').parent, MODEL);
  const use = await postJson(`${sim.url}/v1/completions`, { model: 'dyn', prompt: 'hi', max_tokens: 2 });
  assert.equal(use.status, 200);
  assert.equal(use.json.model, 'dyn');
  const unload = await postJson(`${sim.url}/v1/unload_lora_adapter`, { lora_name: 'dyn' });
  assert.equal(unload.status, 200, unload.text);
  const gone = await postJson(`${sim.url}/v1/completions`, { model: 'dyn', prompt: 'hi', max_tokens: 2 });
  assert.equal(gone.status, 404);
  const unloadAgain = await postJson(`${sim.url}/v1/unload_lora_adapter`, { lora_name: 'dyn' });
  assert.equal(unloadAgain.status, 404);
});

test('GET /health answers 200', async () => {
  assert.equal((await getText(`${sim.url}/health`)).status, 200);
});

function assertError(r, status, param) {
  assert.equal(r.status, status, r.text);
  assert.equal(typeof r.json.error.message, 'string');
  assert.ok(r.json.error.message.length > 0);
  assert.equal(r.json.error.code, status);
  if (param !== undefined) assert.equal(r.json.error.param, param);
}

test('bad input gets OpenAI-style errors with the right status', async () => {
  const url = `${sim.url}/v1/chat/completions`;
  assertError(await postJson(url, '{"model": "x", "messages": ['), 400);
  assertError(await postJson(url, { messages: [{ role: 'user', content: 'hi' }] }), 400, 'model');
  assertError(await postJson(url, { model: 'nope', messages: [{ role: 'user', content: 'hi' }] }), 404, 'model');
  assertError(await postJson(url, chat({ max_tokens: 'ten' })), 400, 'max_tokens');
  assertError(await postJson(url, chat({ max_tokens: -1 })), 400, 'max_tokens');
  assertError(await postJson(url, { model: MODEL, messages: 'hi' }), 400, 'messages');
  assertError(await postJson(url, chat({ max_tokens: 5000 })), 400);
  assertError(await postJson(`${sim.url}/v1/completions`, { model: MODEL, prompt: 'x '.repeat(3000), max_tokens: 10 }), 400);
  const big = JSON.stringify(chat({ messages: [{ role: 'user', content: 'x'.repeat(70000) }] }));
  assert.equal((await postJson(url, big)).status, 413);
  assert.equal((await getText(`${sim.url}/v1/nope`)).status, 404);
  // The server keeps serving everyone after all of that.
  assert.equal((await postJson(url, chat({ max_tokens: 1 }))).status, 200);
});
