import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { CloudState } from '../../../src/local/cloud-state.js';
import { journalPathOf, StateFileError, StatePersister } from '../../../src/local/server/persistence.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecskit-journal-'));
  dirs.push(dir);
  return dir;
};
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const region = { region: 'us-east-1' };
const quiet = { log: () => {}, debounceMs: 3_600_000 };

/** A cloud state journaling to `file` that never snapshots on its own (as if killed before the debounce fired). */
function journaled(file: string): { state: CloudState; persister: StatePersister } {
  const state = new CloudState();
  return { state, persister: StatePersister.open(state, file, quiet) };
}

/** Copies the snapshot (if any) and the journal as they are on disk now, as a crash would leave them. */
function crashCopy(file: string): string {
  const copy = join(tempDir(), 'state.json');
  try {
    copyFileSync(file, copy);
  } catch {
    /* no snapshot yet */
  }
  copyFileSync(journalPathOf(file), journalPathOf(copy));
  return copy;
}

function reload(file: string, log: (line: string) => void = () => {}): { state: CloudState; persister: StatePersister } {
  const state = new CloudState();
  return { state, persister: StatePersister.open(state, file, { ...quiet, log }) };
}

const alarm = (name: string) => ({
  AlarmName: name,
  MetricName: 'CPUUtilization',
  Namespace: 'AWS/ECS',
  Statistic: 'Average',
  Period: 60,
  EvaluationPeriods: 1,
  Threshold: 70,
  ComparisonOperator: 'GreaterThanThreshold',
});

describe('the state journal', () => {
  test('records named __proto__ or constructor survive a replay, and the replay never writes to Object.prototype', async () => {
    const file = join(tempDir(), 'state.json');
    const { state, persister } = journaled(file);
    let copy: string;
    try {
      // A group first, so the later records are journaled one by one (under logs.groups), not with their whole slice.
      await state.invoke('logs', 'CreateLogGroup', { logGroupName: 'first' }, region);
      for (const name of ['__proto__', 'constructor', 'toString']) {
        await state.invoke('logs', 'CreateLogGroup', { logGroupName: name }, region);
        await state.invoke('logs', 'CreateLogStream', { logGroupName: name, logStreamName: '__proto__' }, region);
        await state.invoke('logs', 'PutLogEvents', { logGroupName: name, logStreamName: '__proto__', logEvents: [{ timestamp: Date.now(), message: `in ${name}` }] }, region);
      }
      copy = crashCopy(file); // as a crash leaves it: the journal, no snapshot of these calls
    } finally {
      persister.close();
    }
    const { state: replayed, persister: second } = reload(copy);
    try {
      const groups = (await replayed.invoke('logs', 'DescribeLogGroups', {}, region)) as { logGroups: { logGroupName: string }[] };
      assert.deepEqual(groups.logGroups.map((g) => g.logGroupName).sort(), ['__proto__', 'constructor', 'first', 'toString']);
      for (const name of ['__proto__', 'constructor', 'toString']) {
        const events = (await replayed.invoke('logs', 'GetLogEvents', { logGroupName: name, logStreamName: '__proto__' }, region)) as { events: { message: string }[] };
        assert.deepEqual(events.events.map((e) => e.message), [`in ${name}`]);
      }
      // Own records, not an object's prototype standing in for one (which the next snapshot would drop).
      const stored = (replayed.snapshot()['123456789012']!['us-east-1']!['logs'] as { groups: Record<string, unknown> }).groups;
      assert.deepEqual(Object.keys(stored).sort(), ['__proto__', 'constructor', 'first', 'toString']);
      assert.equal(Object.getPrototypeOf(stored), Object.prototype);
      const probe: Record<string, unknown> = {};
      for (const key of ['logStreams', 'events', 'creationTime', 'storedBytes']) assert.equal(probe[key], undefined, `Object.prototype.${key} was written`);
    } finally {
      second.close();
    }
  });

  test('replaying snapshot + journal reproduces the exact records: ids, ARNs, timestamps, deletions, alarm history', async () => {
    const file = join(tempDir(), 'state.json');
    const { state, persister } = journaled(file);
    try {
      await state.invoke('ecs', 'CreateCluster', { clusterName: 'keep', tags: [{ key: 'team', value: 'a' }] }, region);
      await state.invoke('ecs', 'CreateCluster', { clusterName: 'gone' }, region);
      await state.invoke(
        'ecs',
        'RegisterTaskDefinition',
        { family: 'web', containerDefinitions: [{ name: 'web', image: 'flask-inventory/invsys', memory: 128 }] },
        region,
      );
      await state.invoke('ecs', 'DeleteCluster', { cluster: 'gone' }, region);
      await state.invoke('logs', 'CreateLogGroup', { logGroupName: '/ecs/web' }, region);
      await state.invoke('logs', 'CreateLogStream', { logGroupName: '/ecs/web', logStreamName: 's1' }, region);
      await state.invoke('logs', 'PutLogEvents', { logGroupName: '/ecs/web', logStreamName: 's1', logEvents: [{ timestamp: Date.now(), message: 'hello' }] }, region);
      persister.flush(); // a snapshot in the middle: later entries are replayed on top of it
      for (const name of ['a1', 'a2', 'a3']) await state.invoke('monitoring', 'PutMetricAlarm', alarm(name), region);
      await state.invoke('monitoring', 'DeleteAlarms', { AlarmNames: ['a2'] }, region);
      await state.invoke('servicediscovery', 'CreateHttpNamespace', { Name: 'lab' }, region);
      await state.invoke('logs', 'CreateLogGroup', { logGroupName: 'eu' }, { region: 'eu-west-1' });

      const journalLines = readFileSync(journalPathOf(file), 'utf8').trim().split('\n');
      assert.ok(journalLines.length >= 6, `expected entries after the snapshot, got ${journalLines.length}`);
      // The first alarm creates the CloudWatch slice (journaled whole); later ones append to its history.
      const history = journalLines
        .filter((l) => l.includes('"monitoring:PutMetricAlarm"'))
        .map((l) => JSON.parse(l).changes.find((c: { path: string[] }) => c.path[3] === 'history'))
        .filter(Boolean);
      assert.equal(history.length, 2);
      assert.ok(history.every((c) => c.append?.length === 1 && c.trim === 0 && !('value' in c)), 'alarm history is journaled as appended items, not the whole list');

      const recovered = reload(crashCopy(file));
      try {
        assert.deepEqual(JSON.parse(JSON.stringify(recovered.state.snapshot())), JSON.parse(JSON.stringify(state.snapshot())));
        assert.equal(recovered.persister.status().recovered.entries, journalLines.length);
      } finally {
        recovered.persister.close();
      }
    } finally {
      persister.close();
    }
  });

  test('read-only calls that create defaults (the default VPC) are journaled too, so their ids stay stable', async () => {
    const file = join(tempDir(), 'state.json');
    const { state, persister } = journaled(file);
    try {
      await state.invoke('ec2', 'DescribeVpcs', {}, region);
      const ec2 = state.snapshot()['123456789012']?.['us-east-1']?.['ec2'] as { vpcs: Record<string, unknown> };
      assert.equal(Object.keys(ec2.vpcs).length, 1);
      const recovered = reload(crashCopy(file));
      try {
        assert.deepEqual(recovered.state.snapshot()['123456789012']?.['us-east-1']?.['ec2'], ec2);
      } finally {
        recovered.persister.close();
      }
    } finally {
      persister.close();
    }
  });

  test('a snapshot empties the journal, and journal lines already in a snapshot are not replayed again', async () => {
    const file = join(tempDir(), 'state.json');
    const { state, persister } = journaled(file);
    try {
      await state.invoke('ecs', 'CreateCluster', { clusterName: 'one' }, region);
      const beforeSnapshot = readFileSync(journalPathOf(file), 'utf8');
      assert.notEqual(beforeSnapshot, '');
      await state.invoke('ecs', 'DeleteCluster', { cluster: 'one' }, region);
      persister.flush();
      assert.equal(readFileSync(journalPathOf(file), 'utf8'), '');
      // A crash between the snapshot's rename and the journal's truncation leaves old lines behind.
      writeFileSync(journalPathOf(file), beforeSnapshot);
      const copy = crashCopy(file);
      const recovered = reload(copy);
      try {
        assert.deepEqual(recovered.state.snapshot()['123456789012']?.['us-east-1']?.['ecs'], state.snapshot()['123456789012']?.['us-east-1']?.['ecs']);
        assert.equal(recovered.persister.status().recovered.entries, 0);
      } finally {
        recovered.persister.close();
      }
    } finally {
      persister.close();
    }
  });

  test('a torn last line (a crash mid-append) is dropped and reported, and the entries before it are kept', async () => {
    const file = join(tempDir(), 'state.json');
    const { state, persister } = journaled(file);
    try {
      await state.invoke('logs', 'CreateLogGroup', { logGroupName: 'kept' }, region);
      const copy = crashCopy(file);
      const torn = '{"seq":2,"at":"2026-12-04T00:00:00.000Z","op":"logs:CreateLogGroup","changes":[{"path":["1234';
      appendFileSync(journalPathOf(copy), torn);
      const lines: string[] = [];
      const recovered = reload(copy, (line) => lines.push(line));
      try {
        assert.ok((recovered.state.snapshot()['123456789012']?.['us-east-1']?.['logs'] as { groups: Record<string, unknown> }).groups['kept']);
        assert.equal(recovered.persister.status().recovered.tornBytes, torn.length);
        assert.match(lines.join('\n'), new RegExp(`ended with an incomplete entry \\(${torn.length} bytes\\).*dropped`));
        // Recovery wrote a snapshot and started a clean journal: new entries follow on.
        await recovered.state.invoke('logs', 'CreateLogGroup', { logGroupName: 'after' }, region);
        const again = reload(crashCopy(copy));
        try {
          const groups = (again.state.snapshot()['123456789012']?.['us-east-1']?.['logs'] as { groups: Record<string, unknown> }).groups;
          assert.deepEqual(Object.keys(groups).sort(), ['after', 'kept']);
        } finally {
          again.persister.close();
        }
      } finally {
        recovered.persister.close();
      }
    } finally {
      persister.close();
    }
  });

  test('any other bad journal line is a StateFileError naming the journal, the line and the problem', async () => {
    const cases: Array<[string, RegExp]> = [
      ['not json\n', /line 1: .*JSON/],
      ['{"seq":1,"at":"x","op":"o","changes":[{"path":["a","b"],"value":1}]}\n', /line 1: changes\.0.*/],
      ['{"seq":1,"at":"x","op":"o","changes":[{"path":["123456789012","us-east-1","ecs","clusters","c"],"value":null}]}\n', /line 1: accounts\["123456789012"\]\["us-east-1"\]\.ecs\.clusters\.c must be a record object, got: null/],
      ['{"seq":1,"at":"x","op":"o","changes":[{"path":["123456789012","us-east-1","ecs","clusters"],"value":"x"}]}\n', /line 1: .*\.ecs\.clusters must be an object of records.*got: "x"/],
      ['{"seq":1,"at":"x","op":"o","changes":[]}\n{"seq":5,"at":"x","op":"o","changes":[]}\n', /line 2: seq 5 does not follow 1/],
      ['{"seq":1,"at":"x","op":"o","changes":[],"extra":true}\n', /line 1: /],
      ['{"seq":1,"at":"x","op":"o","changes":[{"path":["1","r","monitoring","history"],"trim":-1,"append":[]}]}\n', /line 1: /],
    ];
    for (const [text, expected] of cases) {
      const file = join(tempDir(), 'state.json');
      writeFileSync(journalPathOf(file), text);
      assert.throws(
        () => StatePersister.open(new CloudState(), file, quiet),
        (error: unknown) => error instanceof StateFileError && error.message.includes(journalPathOf(file)) && expected.test(error.message),
        `journal ${JSON.stringify(text)} should fail with ${expected}`,
      );
      assert.equal(readFileSync(journalPathOf(file), 'utf8'), text, 'a corrupt journal is left untouched');
    }
  });

  test('a call whose journal append fails is answered with an error, and the failure shows in the status', async () => {
    const file = join(tempDir(), 'state.json');
    const lines: string[] = [];
    const state = new CloudState();
    const persister = StatePersister.open(state, file, { ...quiet, log: (line) => lines.push(line) });
    try {
      // A change no journal can hold: JSON.stringify overflows the stack on a deeply nested value.
      let deep: Record<string, unknown> = {};
      for (let i = 0; i < 20_000; i++) deep = { d: deep };
      state.recorder!.record([{ path: ['123456789012', 'us-east-1', 'fake', 'x'], value: deep }], 'fake:Put');
      assert.fail('record should have thrown');
    } catch (error) {
      assert.equal((error as { code?: string }).code, 'InternalFailure');
      assert.equal(persister.status().ok, false);
      assert.match(persister.status().error ?? '', /cannot append to the journal/);
      assert.match(lines.join('\n'), /ERROR: cannot append to the journal/);
    } finally {
      persister.close();
    }
  });
});
