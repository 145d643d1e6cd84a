// The performance shape: with a GPU profile, TTFT and ITL at low load follow the profile, and both
// grow under load (queueing, bigger batches, more KV reads). With the fixed profile they do not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSim, stop, postStream, scrape, metricSum } from './lib.mjs';

const MODEL = 'm';

async function measure(url, { prompt, maxTokens }) {
  const s = await postStream(`${url}/v1/completions`, { model: MODEL, prompt, max_tokens: maxTokens, stream: true });
  const content = s.events.filter((e) => e.data !== '[DONE]' && JSON.parse(e.data).choices?.[0]?.text);
  const ttft = content[0].atMs;
  const gaps = content.slice(1).map((e, i) => e.atMs - content[i].atMs);
  const itl = gaps.reduce((a, b) => a + b, 0) / gaps.length;
  return { ttft, itl };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

test('H100 profile: TTFT and ITL at low load, and both grow under load', async () => {
  const sim = await startSim(['--model', MODEL, '--profile', 'llama-3.1-8b-h100']);
  try {
    const prompt = 'The history of computing is long. '.repeat(40); // ~ 300 tokens
    const single = [];
    for (let i = 0; i < 5; i++) single.push(await measure(sim.url, { prompt: prompt + i, maxTokens: 30 }));
    const ttft1 = median(single.map((m) => m.ttft));
    const itl1 = median(single.map((m) => m.itl));
    // A single request on an 8B model on an H100: a few ms of decode per token, tens of ms TTFT at most.
    assert.ok(itl1 > 2 && itl1 < 30, `ITL at batch 1 = ${itl1} ms`);
    assert.ok(ttft1 > 2 && ttft1 < 150, `TTFT at low load = ${ttft1} ms`);
    // vllm:iteration_tokens_total: every engine step's scheduled tokens (prefill + decode).
    const m = await scrape(sim.url);
    const steps = metricSum(m, 'vllm:iteration_tokens_total_count');
    const scheduled = metricSum(m, 'vllm:iteration_tokens_total_sum');
    const generated = metricSum(m, 'vllm:generation_tokens_total');
    const prompted = metricSum(m, 'vllm:prompt_tokens_total');
    assert.equal(generated, 5 * 30);
    assert.ok(steps >= 5 * 29, `steps ${steps}`);
    assert.ok(scheduled >= generated - 5 && scheduled <= prompted + generated, `scheduled ${scheduled}`);

    // 128 concurrent requests with long prompts: prefill competes, batches are large.
    const longPrompt = 'Explain the theory of relativity in detail. '.repeat(250); // ~ 2000 tokens
    const loaded = await Promise.all(Array.from({ length: 128 }, (_, i) =>
      measure(sim.url, { prompt: longPrompt + i, maxTokens: 30 })));
    const ttftN = median(loaded.map((m) => m.ttft));
    const itlN = median(loaded.map((m) => m.itl));
    assert.ok(ttftN > 3 * ttft1, `TTFT grows under load: ${ttft1} -> ${ttftN} ms`);
    assert.ok(itlN > 1.5 * itl1, `ITL grows under load: ${itl1} -> ${itlN} ms`);
  } finally {
    await stop(sim);
  }
});

test('fixed profile: constant TTFT and ITL regardless of load', async () => {
  const sim = await startSim(['--model', MODEL, '--profile', 'fixed', '--ttft-ms', '40', '--itl-ms', '10']);
  try {
    const one = await measure(sim.url, { prompt: 'hello', maxTokens: 10 });
    assert.ok(one.ttft >= 38 && one.ttft < 120, `TTFT ${one.ttft}`);
    assert.ok(one.itl >= 8 && one.itl < 25, `ITL ${one.itl}`);
    // Under load, judged by the server's own histograms (the client's event loop adds its own
    // delays with 50 concurrent streams on a 2-core machine).
    const before = await scrape(sim.url);
    await Promise.all(Array.from({ length: 50 }, (_, i) =>
      measure(sim.url, { prompt: 'hello ' + i, maxTokens: 10 })));
    const after = await scrape(sim.url);
    const mean = (name) => (metricSum(after, `${name}_sum`) - metricSum(before, `${name}_sum`)) /
      (metricSum(after, `${name}_count`) - metricSum(before, `${name}_count`));
    const ttftN = mean('vllm:time_to_first_token_seconds') * 1000;
    const itlN = mean('vllm:inter_token_latency_seconds') * 1000;
    assert.ok(ttftN >= 39 && ttftN < 60, `server TTFT under load stays ~40 ms: ${ttftN}`);
    assert.ok(itlN >= 9.5 && itlN < 15, `server ITL under load stays ~10 ms: ${itlN}`);
  } finally {
    await stop(sim);
  }
});
