// Every CLI command, run as the real binary: help, bad flags, `sim` options, `up`, signals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSluice, startSluice, startSim, stop, getText, postJson } from './lib.mjs';

test('--help lists the commands; --version prints a version', () => {
  const help = runSluice(['--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /sim/);
  assert.match(help.stdout, /up/);
  assert.match(help.stdout, /bench/);
  const version = runSluice(['--version']);
  assert.equal(version.status, 0);
  assert.match(version.stdout, /sluice \d+\.\d+\.\d+/);
});

test('no subcommand and unknown flags fail with a message', () => {
  const none = runSluice([]);
  assert.notEqual(none.status, 0);
  const bad = runSluice(['sim', '--model', 'm', '--no-such-flag']);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr + bad.stdout, /no-such-flag/);
});

test('sim --help explains the flags with examples', () => {
  const r = runSluice(['sim', '--help']);
  assert.equal(r.status, 0);
  for (const flag of ['--model', '--lora', '--replicas', '--workers', '--profile', '--max-num-seqs',
    '--num-gpu-blocks', '--block-size', '--max-loras', '--error-rate', '--drop-rate', '--ttft-ms']) {
    assert.ok(r.stdout.includes(flag), flag);
  }
  assert.match(r.stdout, /Examples:/);
});

test('sim --list-profiles names the GPU profiles', () => {
  const r = runSluice(['sim', '--list-profiles']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /llama-3\.1-8b-h100/);
  assert.match(r.stdout, /llama-3\.1-8b-a100/);
  assert.match(r.stdout, /fixed/);
});

test('sim rejects invalid configurations with a clear message', () => {
  const cases = [
    [['sim'], /--model/],
    [['sim', '--model', 'm', '--profile', 'nope'], /nope/],
    [['sim', '--model', 'm', '--profile', 'fixed'], /--ttft-ms/],
    [['sim', '--model', 'm', '--lora', 'a=other'], /other/],
    [['sim', '--model', 'm', '--error-mix', '200=1'], /status/],
    [['sim', '--model', 'm', '--error-rate', '2'], /error-rate/],
  ];
  for (const [args, pattern] of cases) {
    const r = runSluice(args);
    assert.notEqual(r.status, 0, args.join(' '));
    assert.match(r.stderr + r.stdout, pattern, args.join(' '));
  }
});

test('sim fails cleanly when its port is taken', async () => {
  const first = await startSim(['--model', 'm']);
  try {
    const port = new URL(first.url).port;
    const r = runSluice(['sim', '--host', '127.0.0.1', '--port', port, '--model', 'm']);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /cannot listen/);
  } finally {
    await stop(first);
  }
});

test('sim --replicas N serves N independent servers, --workers spreads them', async () => {
  const sim = await startSim(['--model', 'm', '--replicas', '3', '--workers', '2', '--profile', 'fixed',
    '--ttft-ms', '0', '--itl-ms', '0'], { count: 3 });
  try {
    assert.equal(new Set(sim.urls).size, 3);
    for (const url of sim.urls) {
      const r = await postJson(`${url}/v1/completions`, { model: 'm', prompt: 'a', max_tokens: 2 });
      assert.equal(r.status, 200);
    }
    // Independent: each replica only counted its own request.
    for (const url of sim.urls) {
      const text = (await getText(`${url}/metrics`)).text;
      assert.match(text, /vllm:generation_tokens_total\{[^}]*\} 2\n/);
    }
  } finally {
    assert.equal(await stop(sim), 0);
  }
});

test('replica ports are consecutive from --port', async () => {
  // Base ports below Linux's ephemeral range (32768+), where the other tests' port-0 listeners and
  // client sockets live; another attempt only if something else on the machine holds the pick.
  let sim;
  let base;
  for (let attempt = 0; attempt < 5 && !sim; attempt++) {
    base = 20000 + Math.floor(Math.random() * 10000);
    try {
      sim = await startSluice(['sim', '--host', '127.0.0.1', '--port', String(base), '--model', 'm',
        '--replicas', '2'], { count: 2 });
    } catch (e) {
      if (!/Address already in use/.test(String(e))) throw e;
    }
  }
  assert.ok(sim, 'found two free consecutive ports');
  try {
    assert.deepEqual(sim.urls.map((u) => Number(new URL(u).port)), [base, base + 1]);
  } finally {
    await stop(sim);
  }
});

test('up starts the 4-endpoint fleet (2 base models, 2 adapters) behind the gateway; stops on SIGINT', async () => {
  const up = await startSluice(['up', '--port', '0', '--fleet-port', '0', '--profile', 'fixed',
    '--ttft-ms', '1', '--itl-ms', '1'], { count: 5 });
  try {
    const endpoints = up.urls.slice(0, 4);
    const gateway = up.urls[4];
    assert.match(up.output().stdout, new RegExp(`gateway +${gateway}`));
    const served = new Map();
    for (const url of endpoints) {
      const models = JSON.parse((await getText(`${url}/v1/models`)).text).data;
      for (const m of models) served.set(m.id, m.parent);
    }
    const bases = [...served].filter(([, parent]) => parent === null).map(([id]) => id);
    const adapters = [...served].filter(([, parent]) => parent !== null);
    assert.equal(bases.length, 2);
    assert.equal(adapters.length, 2);
    assert.equal(new Set(adapters.map(([, parent]) => parent)).size, 1);
    // The gateway lists the whole fleet and routes an adapter request to an endpoint serving it.
    const listed = JSON.parse((await getText(`${gateway}/v1/models`)).text).data.map((m) => m.id);
    assert.deepEqual(listed.sort(), [...served.keys()].sort());
    assert.match(up.output().stdout, /curl .*sluice bench/s);
    const r = await postJson(`${gateway}/v1/chat/completions`,
      { model: adapters[0][0], messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 });
    assert.equal(r.status, 200);
  } finally {
    assert.equal(await stop(up, 'SIGINT'), 0);
  }
});

test('up with its gateway port taken fails cleanly and stops the fleet', async () => {
  const blocker = await startSim(['--model', 'x']);
  try {
    const port = new URL(blocker.url).port;
    const r = runSluice(['up', '--port', port, '--fleet-port', '0', '--profile', 'fixed', '--ttft-ms', '1', '--itl-ms', '1']);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /cannot listen on .*:/);
  } finally {
    await stop(blocker);
  }
});

test('SIGTERM lets an in-flight stream finish, then exits 0', async () => {
  const sim = await startSim(['--model', 'm', '--profile', 'fixed', '--ttft-ms', '5', '--itl-ms', '20']);
  const res = await fetch(`${sim.url}/v1/completions`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'm', prompt: 'x', max_tokens: 15, stream: true }),
  });
  const exited = stop(sim);
  const text = await res.text();
  assert.match(text, /data: \[DONE\]/);
  assert.equal(await exited, 0);
});
