/**
 * docs/local-cloud.md's "What is emulated" table is generated from the code
 * (`npm run models`); this fails when an operation was added or removed
 * without regenerating it, naming the difference.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { services } from '../../src/local/services/index.js';
import { displayName, OPERATIONS_DOC, readBaseline, renderOperationsTable, replaceTable, tableOperations } from '../../scripts/operations-table.js';

test('the operations table in docs/local-cloud.md lists exactly what each service serves', () => {
  const shown = tableOperations(readFileSync(OPERATIONS_DOC, 'utf8'));
  assert.ok(shown.size > 0, 'docs/local-cloud.md has no generated operations table: run npm run models');
  for (const service of services) {
    const name = displayName(service.signingName);
    const served = Object.keys(service.operations).sort();
    const listed = shown.get(name);
    assert.ok(listed, `the table has no row for ${name}: run npm run models`);
    const missing = served.filter((op) => !listed.includes(op));
    const extra = listed.filter((op) => !served.includes(op));
    assert.deepEqual({ missing, extra }, { missing: [], extra: [] }, `${name}: the table is stale (run npm run models)`);
  }
  assert.equal(shown.size, services.length, 'a row for a service the cloud no longer serves');
});

test('the table counts before and now per service, and the baseline names its commit', () => {
  const baseline = readBaseline();
  assert.match(baseline.commit, /^[0-9a-f]{7,40}$/);
  const table = renderOperationsTable(
    services.slice(0, 2).map((service) => ({ service, modelOperations: 99, modelDate: '2000-01-01' })),
    baseline,
  );
  const ecs = table.split('\n').find((line) => line.startsWith('| ECS |'))!;
  const cells = ecs.split('|').map((c) => c.trim());
  assert.equal(cells[3], String(Object.keys(services[0]!.operations).length));
  assert.equal(cells[4], String(baseline.services['ecs']!.length));
  assert.equal(cells[5], '99 (API 2000-01-01)');
  assert.throws(() => replaceTable('no markers here', table), /has no <!-- operations-table:start/);
});
