import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReporter, parseScriptFlags, StepError, UsageError } from '../../src/script/index.js';

const sink = () => {
  let text = '';
  return { write: (s: string) => (text += s), get text() { return text; }, isTTY: false };
};

test('shared flags parse with defaults, and the script’s own flags come back in extra', () => {
  const flags = parseScriptFlags(
    { title: 't', options: { 'skip-load': { type: 'boolean', help: 'no load test' } } },
    ['--target', 'local', '--time-scale', '0.05', '--skip-load'],
    sink(),
    {},
  );
  assert.deepEqual(flags, { target: 'local', timeScale: 0.05, json: false, keep: false, yes: false, color: false, extra: { 'skip-load': true } });
  assert.equal(parseScriptFlags({ title: 't' }, ['--target', 'aws', '--yes'], sink(), {})?.yes, true);
  assert.equal(parseScriptFlags({ title: 't' }, ['-y'], sink(), {})?.yes, true);
});

test('--help prints every option and returns undefined', () => {
  const out = sink();
  assert.equal(parseScriptFlags({ title: 'examples/full-lab.ts — the lab' }, ['--help'], out, {}), undefined);
  assert.match(out.text, /^examples\/full-lab\.ts — the lab/);
  assert.match(out.text, /--target <value>\s+aws \| local \| auto/);
  assert.match(out.text, /--keep/);
  assert.match(out.text, /--yes\s+run in a real AWS account without asking/);
});

test('bad flags are refused naming the flag, the value and the fix', () => {
  assert.throws(() => parseScriptFlags({ title: 't' }, ['--targte', 'aws'], sink(), {}), (e: Error) => {
    assert.ok(e instanceof UsageError);
    assert.match(e.message, /--targte/);
    assert.match(e.message, /--help/);
    return true;
  });
  assert.throws(() => parseScriptFlags({ title: 't' }, ['--target', 'gcp'], sink(), {}), {
    message: '--target must be aws, local or auto, got: "gcp"',
  });
  assert.throws(() => parseScriptFlags({ title: 't' }, ['--time-scale', 'fast'], sink(), {}), {
    message: '--time-scale must be a positive number such as 0.02, got: "fast"',
  });
});

test('colour is off with NO_COLOR, with --json and off a terminal', () => {
  const tty = { write: () => true, isTTY: true };
  assert.equal(parseScriptFlags({ title: 't' }, [], tty, {})?.color, true);
  assert.equal(parseScriptFlags({ title: 't' }, [], tty, { NO_COLOR: '1' })?.color, false);
  assert.equal(parseScriptFlags({ title: 't' }, ['--json'], tty, {})?.color, false);
});

test('text output has one line per step with its elapsed time, notes indented, then the summary', async () => {
  const out = sink();
  let t = 0;
  const report = createReporter({ out, now: () => t });
  await report.step('Task 2: register task definitions', async () => {
    report.note('flask-inventory-invsys:1');
    t += 1234;
    return 1;
  });
  await assert.rejects(
    report.step('Task 3: deploy invsys', async () => {
      t += 500;
      throw Object.assign(new Error('Network Configuration is not valid'), { name: 'InvalidParameterException' });
    }),
    (e: Error) => e instanceof StepError && e.step === 'Task 3: deploy invsys',
  );
  report.summary(false, { alb: 'http://lab.elb.localhost' });
  assert.equal(
    out.text,
    '  flask-inventory-invsys:1\n' +
      '✔ Task 2: register task definitions (1.2 s)\n' +
      '✖ Task 3: deploy invsys (0.5 s): Network Configuration is not valid\n' +
      'Failed in 1.7 s\n' +
      '  alb: http://lab.elb.localhost\n',
  );
});

test('--json output is one parseable event per line, failures with the AWS error code', async () => {
  const out = sink();
  const report = createReporter({ out, json: true, now: () => 0 });
  await report.step('one', async () => 'x', (r) => ({ value: r }));
  await report.step('two', async () => { throw Object.assign(new Error('nope'), { name: 'ClusterNotFoundException' }); }).catch(() => {});
  report.summary(false, {});
  const events = out.text.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(events.map((e) => [e.type, e.step, e.status]), [
    ['step', 'one', 'started'],
    ['step', 'one', 'ok'],
    ['step', 'two', 'started'],
    ['step', 'two', 'failed'],
    ['summary', undefined, undefined],
  ]);
  assert.deepEqual(events[1].result, { value: 'x' });
  assert.equal(events[3].code, 'ClusterNotFoundException');
});
