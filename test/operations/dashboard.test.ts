/**
 * putDashboard and destroy over the local cloud: dashboards belong to a stack
 * by their `ecskit:stack` tag, whatever their name.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GetDashboardCommand, ListTagsForResourceCommand, PutDashboardCommand, UntagResourceCommand } from '@aws-sdk/client-cloudwatch';
import { dashboard, ecsServiceMetric, metricWidget } from '../../src/index.js';
import { operations, renderOperationEvent, type OperationEvent } from '../../src/operations/index.js';
import { startOpsCloud, type OpsCloud } from './helpers.js';

const board = (name: string, title = 'invsys CPU') =>
  dashboard(name).widget(metricWidget(title).region('us-east-1').metric(ecsServiceMetric('flask-inventory-cluster', 'invsys-service', 'CPUUtilization')));

describe('putDashboard: dashboards are tagged like every other stack resource', () => {
  let t: OpsCloud;
  before(async () => {
    t = await startOpsCloud();
  });
  after(() => t.stop());

  const tagsOf = async (arn: string) =>
    Object.fromEntries(((await t.clients.cloudWatch.send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags ?? []).map((x) => [x.Key, x.Value]));
  const bodyOf = async (name: string) => JSON.parse((await t.clients.cloudWatch.send(new GetDashboardCommand({ DashboardName: name }))).DashboardBody ?? '{}');

  test("the lab's FlaskInventoryMonitoring is created with the stack tag and the context's tags", async () => {
    const lines: string[] = [];
    const ops = operations(t.clients, { stack: 'lab-a', tags: { team: 'platform' }, log: (l) => lines.push(l), retries: 0 });
    const result = await ops.putDashboard(board('FlaskInventoryMonitoring'));
    assert.deepEqual([result.dashboardName, result.created, result.owned], ['FlaskInventoryMonitoring', true, true]);
    assert.match(result.dashboardArn, /^arn:aws:cloudwatch::\d{12}:dashboard\/FlaskInventoryMonitoring$/);
    assert.deepEqual(await tagsOf(result.dashboardArn), { 'ecskit:stack': 'lab-a', team: 'platform' });
    assert.deepEqual(lines, ['created dashboard FlaskInventoryMonitoring']);
    assert.deepEqual((await ops.listStackResources()).filter((r) => r.kind === 'dashboard').map((r) => r.name), ['FlaskInventoryMonitoring']);
  });

  test('onEvent receives what the log line says, as data', async () => {
    const events: OperationEvent[] = [];
    const lines: string[] = [];
    const ops = operations(t.clients, { stack: 'lab-e', onEvent: (e) => events.push(e), log: (l) => lines.push(l), retries: 0 });
    await ops.putDashboard(board('lab-e-board'));
    await ops.putDashboard(board('lab-e-board', 'v2'));
    await ops.destroy();
    assert.deepEqual(
      events.map((e) => [e.action, e.kind, e.name]),
      [['created', 'dashboard', 'lab-e-board'], ['updated', 'dashboard', 'lab-e-board'], ['removed', 'dashboard', 'lab-e-board']],
    );
    assert.deepEqual(lines, events.map(renderOperationEvent));
  });

  test('putting it again updates the body and puts back a stack tag that was removed by hand', async () => {
    const ops = operations(t.clients, { stack: 'lab-a', tags: { team: 'platform' }, retries: 0 });
    const { dashboardArn } = await ops.putDashboard(board('FlaskInventoryMonitoring'));
    await t.clients.cloudWatch.send(new UntagResourceCommand({ ResourceARN: dashboardArn, TagKeys: ['team'] }));
    const again = await ops.putDashboard(board('FlaskInventoryMonitoring', 'invsys CPU v2'));
    assert.deepEqual([again.created, again.owned, again.dashboardArn], [false, true, dashboardArn]);
    assert.equal((await bodyOf('FlaskInventoryMonitoring')).widgets[0].properties.title, 'invsys CPU v2');
    assert.deepEqual(await tagsOf(dashboardArn), { 'ecskit:stack': 'lab-a', team: 'platform' });
  });

  test('an existing untagged dashboard is updated, left untagged, logged as not the stack’s, and survives destroy', async () => {
    const cw = t.clients.cloudWatch;
    await cw.send(new PutDashboardCommand({ DashboardName: 'lab-b-handmade', DashboardBody: JSON.stringify({ widgets: [] }) }));
    const lines: string[] = [];
    const ops = operations(t.clients, { stack: 'lab-b', log: (l) => lines.push(l), retries: 0, pollIntervalSeconds: 0.02, waitTimeoutSeconds: 5 });
    const result = await ops.putDashboard(board('lab-b-handmade'));
    assert.deepEqual([result.created, result.owned], [false, false]);
    assert.equal((await bodyOf('lab-b-handmade')).widgets.length, 1);
    assert.deepEqual(await tagsOf(result.dashboardArn), {});
    assert.deepEqual(lines, ['updated existing dashboard lab-b-handmade (not tagged with stack lab-b: destroy will leave it)']);
    // Named `<stack>-…` (the old convention) but untagged: not the stack's.
    assert.deepEqual(await ops.listStackResources(), []);
    const report = await ops.destroy();
    assert.equal(report.steps.length, 0);
    assert.equal((await bodyOf('lab-b-handmade')).widgets.length, 1);
  });

  test("another stack's dashboard of the same name stays the other stack's", async () => {
    const lines: string[] = [];
    const ops = operations(t.clients, { stack: 'lab-c', log: (l) => lines.push(l), retries: 0 });
    const result = await ops.putDashboard(board('FlaskInventoryMonitoring', 'from lab-c'));
    assert.deepEqual([result.created, result.owned], [false, false]);
    assert.equal((await tagsOf(result.dashboardArn))['ecskit:stack'], 'lab-a');
    assert.match(lines[0] ?? '', /not tagged with stack lab-c: destroy will leave it/);
  });

  test('destroy removes the tagged dashboard whatever its name, and a second run removes nothing', async () => {
    const ops = operations(t.clients, { stack: 'lab-a', retries: 0, pollIntervalSeconds: 0.02, waitTimeoutSeconds: 5 });
    const plan = await ops.destroy({ dryRun: true });
    assert.deepEqual(plan.steps.map((s) => [s.resource.kind, s.resource.name, s.outcome]), [['dashboard', 'FlaskInventoryMonitoring', 'planned']]);
    const report = await ops.destroy();
    assert.deepEqual(report.removed.map((r) => r.name), ['FlaskInventoryMonitoring']);
    await assert.rejects(t.clients.cloudWatch.send(new GetDashboardCommand({ DashboardName: 'FlaskInventoryMonitoring' })), { name: 'ResourceNotFound' });
    assert.equal((await ops.destroy()).steps.length, 0);
  });
});
