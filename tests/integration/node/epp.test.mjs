// `sluice epp` from the command line: usage errors and bad configuration exit 2 with a message,
// a taken port is reported, and --help explains the ports. (The protocol itself is tested over real
// gRPC by the C++ integration test tests/extproc_integration/epp_test.cpp.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { runSluice, tempDir } from './lib.mjs';

test('epp needs exactly one of --config and --endpoint', () => {
  const none = runSluice(['epp']);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /give either --config FILE or --endpoint URL/);
  const bad = runSluice(['epp', '--endpoint', 'not a url']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--endpoint not a url: expected a base URL/);
});

test('epp rejects an invalid configuration file with exit 2 naming the file', () => {
  const dir = tempDir();
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, 'apiVersion: inference.networking.k8s.io/v1\nkind: InferencePool\nmetadata: {name: p}\nspec: {nonsense: 1}\n');
  const r = runSluice(['epp', '--config', file]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /bad\.yaml/);
});

test('epp --pool must name an InferencePool of the configuration', () => {
  const r = runSluice(['epp', '--endpoint', 'http://127.0.0.1:1', '--pool', 'nope',
    '--grpc-port', '0', '--health-port', '0', '--metrics-port', '0']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--pool nope: no such InferencePool \(pools: default\)/);
});

test('epp reports a taken gRPC port and exits 1', async () => {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  try {
    const r = runSluice(['epp', '--host', '127.0.0.1', '--grpc-port', String(port),
      '--health-port', '0', '--metrics-port', '0', '--endpoint', 'http://127.0.0.1:1']);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}`));
  } finally {
    server.close();
  }
});

test('epp --help explains the ports', () => {
  const r = runSluice(['epp', '--help']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /--grpc-port.*9002/s);
  assert.match(r.stdout, /--health-port.*9003/s);
  assert.match(r.stdout, /--metrics-port.*9090/s);
});

test('epp --workers must be at least 1, and --help explains --busy-poll', () => {
  const r = runSluice(['epp', '--endpoint', 'http://127.0.0.1:1', '--workers', '0']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--workers/);
  const help = runSluice(['epp', '--help']);
  assert.match(help.stdout, /--busy-poll.*dedicated CPUs/s);
  assert.match(help.stdout, /--workers.*1/s);
});
