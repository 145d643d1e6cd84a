// `sluice dra allocate`, run as the real binary on the shipped examples and on bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSluice, tempDir } from './lib.mjs';

const EXAMPLES = join(dirname(fileURLToPath(import.meta.url)), '../../../examples/dra');
const example = (name) => join(EXAMPLES, name);

/** claim name -> [{request, device}] from the YAML the command prints. */
function allocations(yaml) {
  const out = {};
  for (const doc of yaml.split(/^---$/m)) {
    const name = doc.match(/^ {2}name: (\S+)$/m);
    if (!name) continue;
    out[name[1]] = [...doc.matchAll(/- request: (\S+)\n\s+driver: \S+\n\s+pool: (\S+)\n\s+device: (\S+)/g)]
      .map((m) => ({ request: m[1], pool: m[2], device: m[3] }));
  }
  return out;
}

test('dra allocate places every claim of the H100 example with topology in mind', () => {
  const r = runSluice(['dra', 'allocate', '-f', example('h100-nodes.yaml')]);
  assert.equal(r.status, 0, r.stderr);
  const a = allocations(r.stdout);
  assert.equal(a['eight-gpus-one-node'].length, 8);
  const pools = new Set(a['eight-gpus-one-node'].map((d) => d.pool));
  assert.equal(pools.size, 1, 'eight GPUs on one node');
  // The pair shares a PCIe root: gpu-0/1, 2/3, 4/5 or 6/7 of one node.
  const pair = a['pair-same-pcie-root'].map((d) => Number(d.device.split('-')[1])).sort();
  assert.equal(pair.length, 2);
  assert.equal(Math.floor(pair[0] / 2), Math.floor(pair[1] / 2));
  // Four on one NUMA node: gpu-0..3 or gpu-4..7.
  const four = a['four-gpus-one-numa-node'].map((d) => Number(d.device.split('-')[1]));
  assert.equal(new Set(four.map((i) => Math.floor(i / 4))).size, 1);
  assert.match(r.stdout, /kind: ResourceClaim/);
  assert.match(r.stdout, /nodeSelector:/);
});

test('dra allocate packs MIG slices by shared counters and follows prioritized lists', () => {
  const mig = runSluice(['dra', 'allocate', '-f', example('mig-partitionable.yaml')]);
  assert.equal(mig.status, 0, mig.stderr);
  const a = allocations(mig.stdout);
  const parents = new Set(a['three-small-slices-one-gpu'].map((d) => d.device.split('-mig-')[0]));
  assert.equal(parents.size, 1, 'matchAttribute parentUUID keeps the slices on one GPU');
  const [parent] = parents;
  assert.equal(a['one-large-slice'][0].device.split('-mig-')[0], parent, 'packed on the used GPU');
  assert.notEqual(a['whole-gpu'][0].device, parent, 'the whole GPU is the untouched one');

  const mixed = runSluice(['dra', 'allocate', '-f', example('mixed-fleet.yaml')]);
  assert.equal(mixed.status, 0, mixed.stderr);
  const m = allocations(mixed.stdout);
  assert.equal(m['h100-else-two-a100'][0].request, 'gpu/h100');
  assert.match(m['any-hopper'][0].pool, /^h100-node/);
});

test('dra allocate exits 1 and names each claim that does not fit', () => {
  const dir = tempDir();
  const file = join(dir, 'more.yaml');
  writeFileSync(file, readFileSync(example('h100-nodes.yaml'), 'utf8') + `
---
apiVersion: resource.k8s.io/v1
kind: ResourceClaim
metadata: {name: nine, namespace: ml}
spec:
  devices:
    requests:
    - name: gpus
      exactly: {deviceClassName: gpu.nvidia.com, count: 9}
`);
  const r = runSluice(['dra', 'allocate', '-f', file]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /not allocated: ResourceClaim ml\/nine: no node has 9 free devices/);
  assert.match(r.stdout, /name: eight-gpus-one-node/, 'the others are still printed');
  const pinned = runSluice(['dra', 'allocate', '-f', example('h100-nodes.yaml'), '--node', 'gpu-node-2']);
  assert.equal(pinned.status, 1, 'two claims fit on one node, not three');
  assert.doesNotMatch(pinned.stdout, /pool: gpu-node-1/);
});

test('dra allocate rejects invalid input with exit 2 and names the object and field', () => {
  const dir = tempDir();
  const cases = [
    ['a: [unclosed', /bad\.yaml/],
    ['apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n', /Secret/],
    ['apiVersion: resource.k8s.io/v1\nkind: ResourceClaim\nmetadata: {name: c, namespace: ml}\n' +
      'spec:\n  devices:\n    requests:\n    - name: r\n      exactly: {deviceClassName: x, count: 0}\n',
    /ResourceClaim ml\/c: spec\.devices\.requests\[0\]\.exactly\.count/],
    ['apiVersion: resource.k8s.io/v1\nkind: DeviceClass\nmetadata: {name: d}\n' +
      'spec:\n  selectors:\n  - cel: {expression: "device.driver =="}\n', /DeviceClass d: spec\.selectors\[0\]/],
  ];
  for (const [text, message] of cases) {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, text);
    const r = runSluice(['dra', 'allocate', '-f', file]);
    assert.equal(r.status, 2, `${text}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '');
  }
  const unknown = runSluice(['dra', 'allocate', '-f', example('h100-nodes.yaml'), '--node', 'nope']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /no such Node/);
  const help = runSluice(['dra', 'allocate', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /Examples:/);
});

test('dra explain says where an allocatable claim goes and why there', () => {
  const r = runSluice(['dra', 'explain', '-f', example('h100-nodes.yaml'), '--claim', 'ml/pair-same-pcie-root']);
  assert.equal(r.status, 0, r.stderr);
  const [first, second] = r.stdout.split('\n');
  assert.match(first, /^ResourceClaim ml\/pair-same-pcie-root can be allocated on node gpu-node-\d: request gpus: gpu-\d, gpu-\d/);
  assert.match(second, /^Why there: it spans 1 NUMA node, 1 PCIe root/);
  assert.match(r.stdout, /constraint matchAttribute resource.kubernetes.io\/pcieRoot: pci0000:/);
});

/** A ResourceClaim ml/held that already holds `devices` of `pool` (whole GPUs). */
function heldClaim(pool, devices) {
  return `apiVersion: resource.k8s.io/v1
kind: ResourceClaim
metadata: {name: held, namespace: ml}
spec:
  devices:
    requests:
    - name: gpus
      exactly: {deviceClassName: gpu.nvidia.com, count: ${devices.length}}
status:
  allocation:
    devices:
      results:
${devices.map((d) => `      - {request: gpus, driver: gpu.nvidia.com, pool: ${pool}, device: ${d}}`).join('\n')}
`;
}

test('dra explain names the cause first, then every removed device per node', () => {
  const dir = tempDir();
  const file = join(dir, 'busy.yaml');
  writeFileSync(file, heldClaim('gpu-node-1', ['gpu-0', 'gpu-1']) + `---
apiVersion: resource.k8s.io/v1
kind: ResourceClaim
metadata: {name: eight-on-one-numa-node, namespace: ml}
spec:
  devices:
    requests:
    - name: gpus
      exactly: {deviceClassName: gpu.nvidia.com, count: 8}
    constraints:
    - matchAttribute: resource.kubernetes.io/numaNode
`);
  const r = runSluice(['dra', 'explain', '-f', example('h100-nodes.yaml'), '-f', file,
    '--claim', 'ml/eight-on-one-numa-node']);
  assert.equal(r.status, 1, r.stderr);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], 'ResourceClaim ml/eight-on-one-numa-node cannot be allocated on any of 2 nodes.');
  assert.match(lines[1], /^Cause on 1 node \(gpu-node-2\): matchAttribute resource.kubernetes.io\/numaNode: no single value has enough devices \(needs 8, the largest group has 4\)/);
  assert.match(lines[2], /^Also on 1 node \(gpu-node-1\): request gpus: 6 free candidates, needs 8/);
  assert.match(r.stdout, /2 x allocated to claim ml\/held/);
  assert.match(r.stdout, /node gpu-node-1: does not fit/);
  assert.match(r.stdout, /    allocated to claim ml\/held: gpu-0, gpu-1\n/);
  assert.match(r.stdout, /constraint matchAttribute resource.kubernetes.io\/numaNode: 0 on gpu-0, gpu-1, gpu-2, gpu-3; 1 on gpu-4/);

  const one = runSluice(['dra', 'explain', '-f', example('h100-nodes.yaml'), '-f', file,
    '--claim', 'ml/eight-on-one-numa-node', '--node', 'gpu-node-1', '--max-nodes', '0']);
  assert.equal(one.status, 1);
  assert.doesNotMatch(one.stdout, /gpu-node-2/);
});

test('dra explain rejects unknown claims and bad input with exit 2', () => {
  const r = runSluice(['dra', 'explain', '-f', example('h100-nodes.yaml'), '--claim', 'ml/nope']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /ResourceClaim ml\/nope not found in the input \(claims: ml\/pair-same-pcie-root/);
  const missing = runSluice(['dra', 'explain', '-f', example('h100-nodes.yaml')]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /--claim is required/);
  const help = runSluice(['dra', 'explain', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /first lines name\s+the\s+cause/);
});

/** The summary rows of `dra plan`: row label -> [sluice, random-node baseline, first-node baseline]. */
function planRows(stdout) {
  const rows = {};
  for (const line of stdout.split('\n')) {
    const cells = line.trim().split(/ {3,}/);
    if (cells.length === 4) rows[cells[0]] = cells.slice(1);
  }
  return rows;
}

test('dra plan places the shipped workload and strands fewer GPUs than first fit', () => {
  const r = runSluice(['dra', 'plan', '-f', example('mixed-fleet.yaml'), '-f', example('workload.yaml')]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Plan: 5 workloads, 6 pods, on 32 devices\./);
  const rows = planRows(r.stdout);
  assert.equal(rows['pods placed'][0], '6 of 6');
  const pods = (cell) => Number(cell.split(' ')[0]);
  for (const baseline of [1, 2]) {
    assert.ok(pods(rows['pods placed'][baseline]) < 6, `baseline ${baseline} places fewer pods`);
    assert.ok(Number(rows['stranded for ml/pretrain'][0]) < Number(rows['stranded for ml/pretrain'][baseline]));
  }
  assert.match(r.stdout, /ml\/pretrain \(priority 100, gang of 2\)\n {2}sluice +2\/2 on h100-node-1, h100-node-2\n/);
  assert.match(r.stdout, /first-fit, first node +0\/2: gang of 2 given back/);
  // The seed changes only the random-node baseline.
  const other = runSluice(['dra', 'plan', '-f', example('mixed-fleet.yaml'), '-f', example('workload.yaml'), '--seed', '7']);
  assert.equal(other.status, 0, other.stderr);
  assert.equal(planRows(other.stdout)['pods placed'][0], '6 of 6');
});

test('dra plan exits 1 when Sluice cannot place every pod, 2 on bad input', () => {
  const dir = tempDir();
  const big = join(dir, 'big.yaml');
  writeFileSync(big, readFileSync(example('workload.yaml'), 'utf8') + `
---
apiVersion: sluice.dev/v1alpha1
kind: Workload
metadata: {name: one-too-many, namespace: ml}
spec:
  resourceClaims:
  - {name: gpus, resourceClaimTemplateName: two-gpus}
`);
  const over = runSluice(['dra', 'plan', '-f', example('mixed-fleet.yaml'), '-f', big]);
  assert.equal(over.status, 1, over.stderr);
  assert.match(over.stdout, /ml\/one-too-many \(priority 0, 1 replica\)\n {2}sluice +0\/1: replica 0: /);

  const none = runSluice(['dra', 'plan', '-f', example('mixed-fleet.yaml')]);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /no Workloads in the input/);
  const dangling = join(dir, 'dangling.yaml');
  writeFileSync(dangling, `apiVersion: sluice.dev/v1alpha1
kind: Workload
metadata: {name: w, namespace: ml}
spec:
  resourceClaims:
  - {name: gpus, resourceClaimTemplateName: nope}
`);
  const bad = runSluice(['dra', 'plan', '-f', example('mixed-fleet.yaml'), '-f', dangling]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /Workload ml\/w: spec\.resourceClaims\[0\]\.resourceClaimTemplateName: no ResourceClaimTemplate "nope"/);
  const help = runSluice(['dra', 'plan', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /stranded/);
});

test('dra explain on partitionable devices names the exhausted shared counter', () => {
  const dir = tempDir();
  const file = join(dir, 'held.yaml');
  writeFileSync(file, heldClaim('mig-node-1', ['gpu-0']));
  const r = runSluice(['dra', 'explain', '-f', example('mig-partitionable.yaml'), '-f', file, '--claim', 'ml/one-large-slice']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^ResourceClaim ml\/one-large-slice can be allocated on node mig-node-1: request mig: gpu-1-mig-3g40gb-/);
  assert.match(r.stdout, /shared counter exhausted: gpu-0-counter-set\/memory: needs 40Gi, 0 left: gpu-0-mig-3g40gb-0, gpu-0-mig-3g40gb-4/);
});
