// Real clients against the simulator: the official `openai` npm package and curl.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import OpenAI from 'openai';
import { startSim, stop } from './lib.mjs';

const MODEL = 'meta-llama/Llama-3.1-8B-Instruct';
let sim;
let client;

before(async () => {
  sim = await startSim(['--model', MODEL, '--lora', 'sql-lora', '--profile', 'fixed',
    '--ttft-ms', '2', '--itl-ms', '1']);
  client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});
after(async () => { await stop(sim); });

test('openai client: chat completion', async () => {
  const r = await client.chat.completions.create({
    model: MODEL, messages: [{ role: 'user', content: 'Hello there' }], max_tokens: 6,
  });
  assert.equal(r.choices[0].message.role, 'assistant');
  assert.equal(r.usage.completion_tokens, 6);
  assert.equal(r.choices[0].finish_reason, 'length');
});

test('openai client: streaming chat with usage', async () => {
  const stream = await client.chat.completions.create({
    model: MODEL, messages: [{ role: 'user', content: 'Stream please' }], max_tokens: 8,
    stream: true, stream_options: { include_usage: true },
  });
  let text = '';
  let usage;
  let finish;
  for await (const chunk of stream) {
    if (chunk.usage) usage = chunk.usage;
    for (const choice of chunk.choices) {
      text += choice.delta?.content ?? '';
      finish = choice.finish_reason ?? finish;
    }
  }
  assert.equal(usage.completion_tokens, 8);
  assert.equal(finish, 'length');
  assert.equal(text.trim().split(/\s+/).length, 8);
});

test('openai client: completions with a LoRA adapter', async () => {
  const r = await client.completions.create({ model: 'sql-lora', prompt: 'SELECT', max_tokens: 3 });
  assert.equal(r.model, 'sql-lora');
  assert.equal(r.usage.completion_tokens, 3);
});

test('openai client: models list', async () => {
  const ids = [];
  for await (const m of client.models.list()) ids.push(m.id);
  assert.deepEqual(ids.sort(), [MODEL, 'sql-lora'].sort());
});

test('openai client: errors surface as APIError with status and message', async () => {
  await assert.rejects(
    client.chat.completions.create({ model: 'missing', messages: [{ role: 'user', content: 'x' }] }),
    (e) => e.status === 404 && /does not exist/.test(e.message));
});

test('curl streams tokens with -N', () => {
  const body = JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], max_tokens: 4, stream: true });
  const r = spawnSync('curl', ['-sS', '-N', `${sim.url}/v1/chat/completions`, '-H', 'content-type: application/json', '-d', body],
    { encoding: 'utf8', timeout: 10000 });
  assert.equal(r.status, 0, r.stderr);
  const events = r.stdout.split('\n\n').filter(Boolean);
  assert.equal(events.at(-1), 'data: [DONE]');
  assert.ok(events.length >= 4, r.stdout);
  assert.ok(events.every((e) => e.startsWith('data: ')));
});
