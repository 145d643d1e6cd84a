// /metrics: vLLM names, labels and buckets; values that follow the traffic; promtool accepts it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startSim, stop, postJson, getText, scrape, metricSum } from './lib.mjs';

const MODEL = 'm1';
let sim;

before(async () => {
  sim = await startSim(['--model', MODEL, '--lora', 'ad1', '--profile', 'fixed', '--ttft-ms', '3',
    '--itl-ms', '1', '--block-size', '16', '--num-gpu-blocks', '512', '--max-loras', '3']);
});
after(async () => { await stop(sim); });

const REQUIRED = [
  ['vllm:num_requests_running', 'gauge'], ['vllm:num_requests_waiting', 'gauge'],
  ['vllm:kv_cache_usage_perc', 'gauge'], ['vllm:prefix_cache_queries_total', 'counter'],
  ['vllm:prefix_cache_hits_total', 'counter'], ['vllm:prompt_tokens_total', 'counter'],
  ['vllm:generation_tokens_total', 'counter'], ['vllm:request_success_total', 'counter'],
  ['vllm:time_to_first_token_seconds', 'histogram'], ['vllm:inter_token_latency_seconds', 'histogram'],
  ['vllm:e2e_request_latency_seconds', 'histogram'], ['vllm:request_queue_time_seconds', 'histogram'],
  ['vllm:num_preemptions_total', 'counter'], ['vllm:lora_requests_info', 'gauge'],
  ['vllm:cache_config_info', 'gauge'],
];

test('exposes every required vLLM family with its type and labels', async () => {
  const r = await getText(`${sim.url}/metrics`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /text\/plain/);
  for (const [name, type] of REQUIRED) {
    assert.ok(r.text.includes(`# TYPE ${name} ${type}\n`), `${name} ${type}`);
  }
  assert.match(r.text, /vllm:num_requests_running\{[^}]*model_name="m1"/);
  assert.match(r.text, /vllm:lora_requests_info\{[^}]*max_lora="3"/);
  assert.match(r.text, /vllm:cache_config_info\{[^}]*block_size="16"[^}]*\} 1/);
  assert.match(r.text, /num_gpu_blocks="512"/);
  // vLLM's TTFT bucket boundaries, exactly.
  for (const le of ['0.001', '0.005', '0.06', '0.75', '160', '640', '2560', '+Inf']) {
    assert.ok(r.text.includes(`vllm:time_to_first_token_seconds_bucket{engine="0",le="${le}",model_name="m1"}`) ||
      new RegExp(`vllm:time_to_first_token_seconds_bucket\\{[^}]*le="${le.replace('+', '\\+')}"`).test(r.text), le);
  }
});

test('counters and histograms follow the traffic exactly', async () => {
  const before = await scrape(sim.url);
  const prompt = 'The quick brown fox jumps over the lazy dog. '.repeat(10);
  const first = await postJson(`${sim.url}/v1/completions`, { model: MODEL, prompt, max_tokens: 10 });
  const second = await postJson(`${sim.url}/v1/completions`, { model: MODEL, prompt, max_tokens: 5 });
  assert.equal(first.status, 200);
  const after = await scrape(sim.url);
  const delta = (name) => metricSum(after, name) - metricSum(before, name);
  assert.equal(delta('vllm:generation_tokens_total'), 15);
  assert.equal(delta('vllm:prompt_tokens_total') >= first.json.usage.prompt_tokens, true);
  assert.equal(delta('vllm:request_success_total'), 2);
  assert.equal(delta('vllm:e2e_request_latency_seconds_count'), 2);
  assert.equal(delta('vllm:time_to_first_token_seconds_count'), 2);
  assert.equal(delta('vllm:inter_token_latency_seconds_count'), 9 + 4);
  // The second request reuses the first one's prompt blocks (automatic prefix caching).
  assert.equal(delta('vllm:prefix_cache_queries_total'), first.json.usage.prompt_tokens + second.json.usage.prompt_tokens);
  assert.ok(delta('vllm:prefix_cache_hits_total') >= 16 * Math.floor((first.json.usage.prompt_tokens - 1) / 16) - 16,
    `hits ${delta('vllm:prefix_cache_hits_total')}`);
  assert.equal(metricSum(after, 'vllm:num_requests_running'), 0);
  assert.equal(metricSum(after, 'vllm:kv_cache_usage_perc'), 0);
  assert.equal(after.get('vllm:request_success_total{engine="0",finished_reason="length",model_name="m1"}') -
    (before.get('vllm:request_success_total{engine="0",finished_reason="length",model_name="m1"}') ?? 0), 2);
});

// Two lints are vLLM's naming, kept on purpose because dashboards query these exact names: colons
// in names, and `vllm:iteration_tokens_total` being a histogram with a _total suffix.
test('promtool check metrics accepts the exposition (except vLLM naming lints)', async () => {
  await postJson(`${sim.url}/v1/completions`, { model: MODEL, prompt: 'x', max_tokens: 3 });
  const text = (await getText(`${sim.url}/metrics`)).text;
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  const problems = (r.stdout + r.stderr).split('\n').filter(Boolean)
    .filter((line) => !/metric names should not contain ':'/.test(line))
    .filter((line) => line !== 'vllm:iteration_tokens_total non-counter metrics should not have "_total" suffix');
  assert.deepEqual(problems, [], `promtool reported:\n${problems.join('\n')}`);
});
