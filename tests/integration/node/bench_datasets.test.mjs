// `sluice bench` datasets against `sluice sim`: shared-prefix groups (seen as prefix-cache hits
// through --scrape), multi-turn history, a ShareGPT file, trace replay, and per_request.jsonl.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSim, stop, runBench, readSummary, tempDir } from './lib.mjs';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'data');

let sim;
before(async () => {
  sim = await startSim(['--model', 'm', '--profile', 'fixed', '--ttft-ms', '2', '--itl-ms', '1']);
});
after(async () => { await stop(sim); });

function perRequest(dir) {
  return readFileSync(join(dir, 'per_request.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

async function bench(extra) {
  const dir = tempDir();
  const r = await runBench(['--url', sim.url, '--model', 'm', '--report-dir', dir, '--per-request',
    '--output-len', '4', ...extra]);
  assert.equal(r.code, 0, r.stderr);
  return { dir, r, stage: readSummary(dir).stages[0], rows: perRequest(dir) };
}

test('shared-prefix groups hit the server\'s prefix cache; --scrape reports the deltas', async () => {
  const { stage } = await bench(['--dataset', 'shared-prefix', '--groups', '2', '--prompts-per-group', '10',
    '--prefix-len', '256', '--input-len', '16', '--concurrency', '2', '--num-requests', '20',
    '--scrape', `${sim.url}/metrics`, '--scrape-interval', '0.2']);
  assert.equal(stage.requests.completed, 20);
  const counter = (name) => stage.scraped.find((m) => m.series.startsWith(name) && m.kind === 'counter');
  const success = stage.scraped.filter((m) => m.series.startsWith('vllm:request_success_total'))
    .reduce((sum, m) => sum + m.value, 0);
  assert.equal(success, 20, 'the server counted exactly the stage\'s requests');
  const hits = counter('vllm:prefix_cache_hits_total');
  assert.ok(hits, JSON.stringify(stage.scraped.map((m) => m.series)));
  // 18 of the 20 prompts find their group's 256-token prefix cached.
  assert.ok(hits.value >= 18 * 240, `prefix cache hits ${hits.value}`);
  const ttft = stage.scraped.find((m) => m.series.startsWith('vllm:time_to_first_token_seconds') &&
    m.kind === 'histogram_mean');
  assert.ok(ttft && ttft.value > 0, 'server-side mean TTFT from the histogram');
  const running = stage.scraped.find((m) => m.series.startsWith('vllm:num_requests_running'));
  assert.equal(running.kind, 'gauge');
  assert.deepEqual(stage.scrape_failures, {});
});

test('multi-turn conversations resend their growing history', async () => {
  const { stage, rows } = await bench(['--dataset', 'multi-turn', '--conversations', '3', '--turns', '3',
    '--input-len', '10', '--rate', '100', '--num-requests', '9']);
  assert.equal(stage.requests.completed, 9);
  const tokens = rows.sort((a, b) => a.index - b.index).map((r) => r.input_tokens);
  // Turn t of every conversation is sent before turn t + 1 of any: indices 0-2, 3-5, 6-8.
  for (let c = 0; c < 3; c++) {
    assert.ok(tokens[c] < tokens[c + 3] && tokens[c + 3] < tokens[c + 6], `conversation ${c}: ${tokens}`);
  }
});

test('a ShareGPT file gives the prompts and, by default, the recorded reply lengths', async () => {
  const { stage, rows } = await bench(['--dataset', 'sharegpt', '--dataset-path',
    join(FIXTURES, 'sharegpt_small.json'), '--rate', '100', '--num-requests', '6']);
  assert.equal(stage.requests.completed, 6);
  assert.ok(rows.every((r) => r.output_tokens >= 1));
  assert.ok(new Set(rows.map((r) => r.output_tokens)).size > 1, 'lengths follow the replies');
});

test('trace replay sends at the trace\'s times with its lengths', async () => {
  const dir = tempDir();
  const trace = join(dir, 'trace.csv');
  writeFileSync(trace, 'timestamp,input_length,output_length\n10.0,20,3\n10.2,30,5\n10.5,40,2\n11.0,50,4\n');
  const { stage, rows } = await bench(['--dataset', 'trace', '--dataset-path', trace]);
  assert.equal(stage.requests.completed, 4, 'one pass over the trace');
  const sorted = rows.sort((a, b) => a.index - b.index);
  assert.deepEqual(sorted.map((r) => Math.round(r.scheduled_s * 10) / 10), [0, 0.2, 0.5, 1.0]);
  assert.deepEqual(sorted.map((r) => r.output_tokens), [3, 5, 2, 4]);
  assert.equal(stage.tokens.output, 14);
  for (const r of sorted) assert.ok(r.sent_s - r.scheduled_s < 0.05, `late by ${r.sent_s - r.scheduled_s}`);
});

test('bad datasets fail naming the file and the problem', async () => {
  const dir = tempDir();
  const badTrace = join(dir, 'bad.csv');
  writeFileSync(badTrace, 'timestamp,input_length,output_length\n1,10,5\n0.5,10,5\n');
  const notJson = join(dir, 'bad.json');
  writeFileSync(notJson, '[{"conversations": [');
  const cases = [
    [['--dataset', 'trace', '--dataset-path', badTrace], /bad\.csv.*(line 3|:3)/],
    [['--dataset', 'sharegpt', '--dataset-path', notJson, '--rate', '5', '--num-requests', '1'], /bad\.json/],
    [['--dataset', 'sharegpt', '--rate', '5', '--num-requests', '1'], /--dataset-path/],
    [['--dataset', 'trace', '--dataset-path', badTrace, '--rate', '5'], /trace|--rate/],
  ];
  for (const [extra, pattern] of cases) {
    const r = await runBench(['--url', sim.url, '--model', 'm', ...extra]);
    assert.equal(r.code, 2, `${extra.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern, extra.join(' '));
  }
});
