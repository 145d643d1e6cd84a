// `sluice cel eval`, run as the real binary: literal output, variables, errors with positions
// and exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSluice } from './lib.mjs';

const evalCel = (...args) => runSluice(['cel', 'eval', ...args]);

test('cel eval prints the result as a CEL literal', () => {
  const cases = [
    ['1 + 2 * 3', '7'],
    ['2u * 3u', '6u'],
    ['"a" + "b"', '"ab"'],
    ['[1, 2].map(x, x * 2)', '[2, 4]'],
    ['{"a": 1}', '{"a": 1}'],
    ['1.5 < 2', 'true'],
    ['b"\\x00\\xff"', 'b"\\x00\\xff"'],
    ['optional.of(1)', 'optional.of(1)'],
  ];
  for (const [expr, want] of cases) {
    const r = evalCel(expr);
    assert.equal(r.status, 0, `${expr}: ${r.stderr}`);
    assert.equal(r.stdout, `${want}\n`, expr);
  }
});

test('cel eval binds --var NAME=JSON variables', () => {
  const r = evalCel('device.driver == "gpu.nvidia.com" && device.memory >= 80 && 1.5 in device.f',
    '--var', 'device={"driver":"gpu.nvidia.com","memory":80,"f":[1.5]}');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'true\n');
  const big = evalCel('x', '--var', 'x=18446744073709551615');
  assert.equal(big.stdout, '18446744073709551615u\n');
  const two = evalCel('a + b', '--var', 'a="x"', '--var', 'b="y"');
  assert.equal(two.stdout, '"xy"\n');
});

test('cel eval reports errors with their position and exits non-zero', () => {
  const syntax = evalCel('1 +');
  assert.equal(syntax.status, 1);
  assert.equal(syntax.stdout, '');
  assert.match(syntax.stderr, /syntax error at 1:4/);
  const runtime = evalCel('x.a + 1 / 0', '--var', 'x={"a":1}');
  assert.equal(runtime.status, 1);
  assert.match(runtime.stderr, /error at 1:\d+: division by zero/);
  const missing = evalCel('y');
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /undeclared reference to 'y'/);
  const budget = evalCel('[1, 2, 3, 4].all(x, [1, 2, 3, 4].all(y, true))', '--cost-limit', '10');
  assert.equal(budget.status, 1);
  assert.match(budget.stderr, /cost limit/);
});

test('cel eval rejects invalid variables and usage with exit 2', () => {
  assert.equal(evalCel('x', '--var', 'x=nope').status, 2);
  assert.match(evalCel('x', '--var', 'x=nope').stderr, /invalid JSON/);
  assert.equal(evalCel('x', '--var', 'novalue').status, 2);
  assert.equal(runSluice(['cel', 'eval']).status, 2);
  const help = runSluice(['cel', 'eval', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /--var/);
  assert.match(help.stdout, /Examples:/);
});

test('cel eval has the Kubernetes libraries and the examples of docs/cel.md work', () => {
  const cases = [
    ['quantity("40Gi").isGreaterThan(quantity("32Gi"))', 'true'],
    ['quantity("1024Mi")', 'quantity("1Gi")'],
    ['semver("1.2.3-rc.1").isLessThan(semver("1.2.3"))', 'true'],
    ["'abc123'.find('[0-9]+')", '"123"'],
    ['sets.contains([1, 2, 3], [2.0])', 'true'],
    ['[3, 1].isSorted()', 'false'],
    ['"%s-%d".format(["a", 1])', '"a-1"'],
    ['timestamp("2024-03-10T12:00:00Z").getHours("America/Los_Angeles")', '5'],
  ];
  for (const [expr, want] of cases) {
    const r = evalCel(expr);
    assert.equal(r.status, 0, `${expr}: ${r.stderr}`);
    assert.equal(r.stdout, `${want}\n`, expr);
  }
  const filtered = evalCel('devices.filter(d, d.memory >= 80).map(d, d.name)',
    '--var', 'devices=[{"name":"a","memory":80},{"name":"b","memory":40}]');
  assert.equal(filtered.stdout, '["a"]\n');
  const negative = evalCel('--', '-duration("1.5s")');
  assert.equal(negative.stdout, 'duration("-1.5s")\n');
});
