// `sluice bench` against servers that misbehave (malformed SSE, non-OpenAI answers, connections
// cut mid-stream) and over TLS: failures are counted by type, the run goes on, extra headers and
// the API key reach the server, certificates are verified unless --insecure.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runBench, readSummary, tempDir } from './lib.mjs';
import { startFake, makeCertificate } from './fake_openai.mjs';

let plain;
let secure;
let cert;
before(async () => {
  cert = makeCertificate();
  plain = await startFake();
  secure = await startFake({ tls: cert });
});
after(async () => {
  await plain.close();
  await secure.close();
});

async function benchFake(url, extra) {
  const dir = tempDir();
  const r = await runBench(['--url', url, '--model', 'm', '--rate', '100', '--num-requests', '5',
    '--report-dir', dir, ...extra]);
  assert.equal(r.code, 0, r.stderr);
  return readSummary(dir).stages[0];
}

test('extra headers and the API key are sent; usage and chunks are counted', async () => {
  plain.seen.length = 0;
  const s = await benchFake(plain.url, ['--header', 'x-tenant: blue', '--header', 'X-Trace:  a b ',
    '--api-key', 'sk-test']);
  assert.deepEqual(s.requests, { completed: 5, failed: 0 });
  assert.equal(plain.seen.length, 5);
  const h = plain.seen[0].headers;
  assert.equal(h['x-tenant'], 'blue');
  assert.equal(h['x-trace'], 'a b', 'leading blanks dropped (trailing ones are trimmed by HTTP itself)');
  assert.equal(h.authorization, 'Bearer sk-test');
  const body = JSON.parse(plain.seen[0].body);
  assert.equal(body.model, 'm');
  assert.equal(body.stream, true);
  assert.deepEqual(body.stream_options, { include_usage: true });
  assert.equal(s.tokens.output, 15, 'usage.completion_tokens of five answers');
  assert.equal(s.tokens.input, 35, 'usage.prompt_tokens of five answers');
});

test('malformed SSE, non-OpenAI answers and cut streams are failures by type', async () => {
  const cases = [['malformed', 'malformed_sse'], ['html', 'no_tokens'], ['cut', 'io']];
  for (const [mode, type] of cases) {
    const s = await benchFake(plain.url, ['--header', `x-fake-mode: ${mode}`]);
    assert.deepEqual(s.requests, { completed: 0, failed: 5 }, mode);
    assert.deepEqual(s.errors, { [type]: 5 }, mode);
  }
});

test('https: verified with --ca-file, refused by default, allowed with --insecure', async () => {
  const trusted = await benchFake(secure.url, ['--ca-file', cert.cert]);
  assert.deepEqual(trusted.requests, { completed: 5, failed: 0 });
  const refused = await benchFake(secure.url, []);
  assert.deepEqual(refused.requests, { completed: 0, failed: 5 }, 'self-signed: not trusted');
  const insecure = await benchFake(secure.url, ['--insecure']);
  assert.deepEqual(insecure.requests, { completed: 5, failed: 0 });
});

test('bad header and file flags fail with a clear message', async () => {
  const cases = [
    [['--header', 'no-colon'], /--header 'no-colon'/],
    [['--ca-file', '/nonexistent/ca.pem'], /ca-file|nonexistent/],
    [['--per-request'], /--per-request needs --report-dir/],
    [['--scrape', 'localhost:9/metrics'], /--scrape/],
  ];
  for (const [extra, pattern] of cases) {
    const r = await runBench(['--url', plain.url, '--model', 'm', '--rate', '5', '--num-requests', '1', ...extra]);
    assert.equal(r.code, 2, extra.join(' '));
    assert.match(r.stderr, pattern, extra.join(' '));
  }
});
