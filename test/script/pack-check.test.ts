/**
 * The package check's judges (scripts/pack-check.ts): which README links
 * break on npm or in node_modules, and when the lab's `--json` output counts
 * as every task ok. The check itself runs as `npm run test:package`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labEventProblems, readmeLinkProblems } from '../../scripts/pack-check.ts';

const TARBALL = ['package.json', 'README.md', 'LICENSE', 'dist/index.js'];
const REPO = new Set(['docs/getting-started.md', 'LICENSE', 'examples']);
const exists = (path: string) => REPO.has(path);

test('readmeLinkProblems: a relative link must name a file of the tarball, a repository link a path of the repository', () => {
  const ok = [
    '[license](LICENSE) [pkg](./package.json) [top](#quick-start) [npm](https://www.npmjs.com/package/ecskit)',
    '[guide](https://github.com/ecskit/ecskit/blob/main/docs/getting-started.md#install)',
    '[examples](https://github.com/ecskit/ecskit/tree/main/examples) [also](https://github.com/ecskit/ecskit/tree/main/examples/)',
    '[mail](mailto:a@example.com) ![logo](https://example.com/logo.png "Logo")',
    '```md\n[inside a fence](docs/nowhere.md)\n```',
  ].join('\n');
  assert.deepEqual(readmeLinkProblems(ok, TARBALL, exists), []);

  const bad = [
    '[guide](docs/getting-started.md)',
    '[walk](docs/lab-walkthrough.md#task-7)',
    '[rotten](https://github.com/ecskit/ecskit/blob/main/docs/gone.md)',
    '[escape](https://github.com/ecskit/ecskit/blob/main/docs/../../etc/passwd)',
    '[script](<examples/full-lab.ts>)',
  ].join('\n');
  const problems = readmeLinkProblems(bad, TARBALL, exists);
  assert.equal(problems.length, 5, problems.join('\n'));
  assert.match(problems[0]!, /docs\/getting-started\.md: not in the tarball \(link to https:\/\/github\.com\/ecskit\/ecskit\/blob\/main\/docs\/getting-started\.md instead\)/);
  assert.match(problems[1]!, /docs\/lab-walkthrough\.md#task-7: not in the tarball/);
  assert.match(problems[2]!, /no docs\/gone\.md in the repository/);
  assert.match(problems[3]!, /in the repository/);
  assert.match(problems[4]!, /examples\/full-lab\.ts: not in the tarball/);
});

const ok = (step: string, result?: unknown) => [JSON.stringify({ type: 'step', step, status: 'started' }), JSON.stringify({ type: 'step', step, status: 'ok', seconds: 1, ...(result !== undefined && { result }) })];
function fullRun(): string[] {
  return [
    ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10].flatMap((task) => ok(`Task ${task}`, { task })),
    ...ok('Cleanup', { task: 'cleanup', remaining: [] }),
    JSON.stringify({ type: 'summary', ok: true, seconds: 70, data: {} }),
  ];
}

test('labEventProblems: a complete run is ok', () => {
  assert.deepEqual(labEventProblems(`${fullRun().join('\n')}\n`), []);
});

test('labEventProblems names a failed step, a step that never ended, a missing task, leftovers, a bad summary and stray text', () => {
  const lines = fullRun().filter((l) => !l.includes('"Task 8"'));
  lines.splice(3, 0, JSON.stringify({ type: 'step', step: 'Task 7.3: wait', status: 'started' }), JSON.stringify({ type: 'step', step: 'Task 7.4: fail', status: 'failed', error: 'boom' }));
  lines.push('Error: something printed to stdout');
  const cleanupAt = lines.findIndex((l) => l.includes('"remaining":[]'));
  lines[cleanupAt] = JSON.stringify({ type: 'step', step: 'Cleanup', status: 'ok', result: { task: 'cleanup', remaining: ['service gateway-service'] } });
  lines[lines.findIndex((l) => l.includes('"summary"'))] = JSON.stringify({ type: 'summary', ok: false, data: { failedStep: 'Task 7.4: fail' } });
  const problems = labEventProblems(lines.join('\n'));
  const expected = [/^step failed: Task 7\.4: fail: .*boom/, /^step started but never ok: Task 7\.3: wait$/, /^no successful step reported a result for task 8$/, /^the cleanup left resources: service gateway-service$/, /^summary not ok: .*Task 7\.4/, /^not a JSON line: Error: something/];
  for (const pattern of expected) assert.ok(problems.some((p) => pattern.test(p)), `expected a problem matching ${pattern}; got:\n${problems.join('\n')}`);
  assert.equal(problems.length, expected.length, problems.join('\n'));
});

test('labEventProblems: empty output, or output with no summary, is never ok', () => {
  assert.deepEqual(labEventProblems(''), [...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 'cleanup'].map((t) => `no successful step reported a result for task ${t}`), 'no summary event']);
  assert.deepEqual(labEventProblems(fullRun().slice(0, -1).join('\n')), ['no summary event']);
});
