// Shared helpers for the integration tests: start the real `sluice` binary, wait until it is
// ready (it prints its URLs on stdout), talk to it, and always stop what was started.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SLUICE = process.env.SLUICE_BIN;
if (!SLUICE) {
  throw new Error('SLUICE_BIN must point to the sluice binary (set by CTest)');
}

const started = new Set();
process.on('exit', () => {
  for (const child of started) child.kill('SIGKILL');
});

/**
 * Starts `sluice <args>` and resolves once it has printed `count` lines containing "http://".
 * Returns { child, urls, output() }.
 */
export async function startSluice(args, { count = 1, timeoutMs = 15000 } = {}) {
  const child = spawn(SLUICE, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(child);
  child.on('exit', () => started.delete(child));
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const urls = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sluice did not start: ${stdout}\n${stderr}`)), timeoutMs);
    child.stdout.on('data', (d) => {
      stdout += d;
      const found = [...stdout.matchAll(/http:\/\/[0-9.]+:\d+/g)].map((m) => m[0]);
      if (found.length >= count) {
        clearTimeout(timer);
        resolve(found.slice(0, count));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sluice exited with ${code} before it was ready:\n${stdout}\n${stderr}`));
    });
  });
  return { child, urls, url: urls[0], output: () => ({ stdout, stderr }) };
}

/** Starts a simulator on a free port with the given extra flags. */
export function startSim(extra = [], opts = {}) {
  return startSluice(['sim', '--host', '127.0.0.1', '--port', '0', ...extra], opts);
}

/** SIGTERM, then wait for exit; returns the exit code. */
export async function stop(proc, signal = 'SIGTERM') {
  if (proc.child.exitCode !== null) return proc.child.exitCode;
  proc.child.kill(signal);
  const [code] = await once(proc.child, 'exit');
  return code;
}

export async function postJson(url, body, headers = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, headers: res.headers, text, json };
}

/** Posts a streaming request and returns the parsed SSE `data:` payloads and arrival times. */
export async function postStream(url, body, headers = {}) {
  const t0 = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const events = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body) {
    const now = performance.now() - t0;
    buffer += decoder.decode(chunk, { stream: true });
    let idx;
    while ((idx = buffer.indexOf('\n\n')) >= 0) {
      const raw = buffer.slice(0, idx);
      buffer = buffer.slice(idx + 2);
      if (!raw.startsWith('data: ')) throw new Error(`bad SSE event: ${JSON.stringify(raw)}`);
      events.push({ data: raw.slice(6), atMs: now });
    }
  }
  return { status: res.status, headers: res.headers, events, rest: buffer };
}

export async function getText(url) {
  const res = await fetch(url);
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** Parses Prometheus text into { 'name{labels}': value }. */
export function parseMetrics(text) {
  const out = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const sp = line.lastIndexOf(' ');
    out.set(line.slice(0, sp), Number(line.slice(sp + 1)));
  }
  return out;
}

/** Sum of all series of a metric name (any labels). */
export function metricSum(metrics, name) {
  let sum = 0;
  let seen = false;
  for (const [key, value] of metrics) {
    if (key === name || key.startsWith(name + '{')) {
      sum += value;
      seen = true;
    }
  }
  if (!seen) throw new Error(`metric ${name} not found`);
  return sum;
}

export async function scrape(baseUrl) {
  const res = await getText(`${baseUrl}/metrics`);
  return parseMetrics(res.text);
}

export function runSluice(args, opts = {}) {
  return spawnSync(SLUICE, args, { encoding: 'utf8', timeout: 20000, ...opts });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns truthy or the deadline passes (returns the last value). */
export async function eventually(fn, { timeoutMs = 5000, intervalMs = 20 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await fn();
    if (last) return last;
    await sleep(intervalMs);
  }
  return last;
}

/**
 * Runs `sluice bench <args>` to its end: { code, signal, stdout, stderr }. `onStart(child)` may
 * act on the running process (for example to interrupt it).
 */
export async function runBench(args, { onStart } = {}) {
  const child = spawn(SLUICE, ['bench', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = once(child, 'exit');
  if (onStart) await onStart(child, () => ({ stdout, stderr }));
  const [code, signal] = await exited;
  started.delete(child);
  return { code, signal, stdout, stderr };
}

/** Reads DIR/summary.json of a bench run. */
export function readSummary(dir) {
  return JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
}

/** A fresh temporary directory. */
export function tempDir(prefix = 'sluice-test-') {
  return mkdtempSync(join(tmpdir(), prefix));
}
