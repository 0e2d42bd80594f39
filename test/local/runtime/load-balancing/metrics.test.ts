import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GetMetricStatisticsCommand, type Dimension, type Statistic } from '@aws-sdk/client-cloudwatch';
import { CreateRuleCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  createListener,
  createLoadBalancer,
  createTargetGroup,
  get,
  startAlbCloud,
  startBackend,
  waitFor,
  waitHealthy,
  waitServed,
  type AlbCloud,
  type Backend,
} from './harness.js';

describe('ALB metrics in CloudWatch', () => {
  let c: AlbCloud;
  let backends: Backend[];
  let lbDimension: Dimension;
  let tgDimension: Dimension;
  let countedDimension: Dimension;
  let counted: Backend[];
  let dnsName: string;

  before(async () => {
    c = await startAlbCloud({ timeScale: 0.02 });
    backends = await Promise.all(['m-1', 'm-2'].map(startBackend));
    const tgArn = await createTargetGroup(c, 'metrics-tg', backends);
    const { arn } = await createLoadBalancer(c, 'metrics-alb');
    const listenerArn = await createListener(c, arn, 80, tgArn);
    // Only this file's counted requests go to counted-tg, so its counts are exact.
    counted = await Promise.all(['c-1', 'c-2'].map(startBackend));
    const countedTg = await createTargetGroup(c, 'counted-tg', counted);
    await c.t.clients.elbv2.send(
      new CreateRuleCommand({ ListenerArn: listenerArn, Priority: 2, Conditions: [{ Field: 'path-pattern', Values: ['/counted/*'] }], Actions: [{ Type: 'forward', TargetGroupArn: countedTg }] }),
    );
    countedDimension = { Name: 'TargetGroup', Value: countedTg.slice(countedTg.indexOf('targetgroup/')) };
    await waitHealthy(c, countedTg, counted);
    await c.t.clients.elbv2.send(
      new CreateRuleCommand({
        ListenerArn: listenerArn,
        Priority: 1,
        Conditions: [{ Field: 'path-pattern', Values: ['/teapot'] }],
        Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503' } }],
      }),
    );
    lbDimension = { Name: 'LoadBalancer', Value: arn.split(':loadbalancer/')[1] };
    tgDimension = { Name: 'TargetGroup', Value: tgArn.slice(tgArn.indexOf('targetgroup/')) };
    await waitHealthy(c, tgArn, backends);
    dnsName = await waitServed(c, arn);
  });
  after(async () => {
    await c?.stop();
    for (const b of [...(backends ?? []), ...(counted ?? [])]) await b.close();
  });

  const statistic = async (metricName: string, dimensions: Dimension[], stat: Statistic): Promise<number | undefined> => {
    const out = await c.t.clients.cloudWatch.send(
      new GetMetricStatisticsCommand({
        Namespace: 'AWS/ApplicationELB',
        MetricName: metricName,
        Dimensions: dimensions,
        StartTime: new Date(Date.now() - 3_600_000),
        EndTime: new Date(Date.now() + 60_000),
        Period: 7200,
        Statistics: [stat],
      }),
    );
    const point = out.Datapoints?.[0];
    return point?.[stat];
  };

  test('RequestCount, TargetResponseTime and RequestCountPerTarget are readable with AWS dimensions', async () => {
    for (let i = 0; i < 20; i++) assert.equal((await get(`http://${dnsName}/counted/${i}`)).status, 200);

    await waitFor('RequestCount of the target group to reach 20', async () => (await statistic('RequestCount', [lbDimension, countedDimension], 'Sum')) === 20);
    const lbTotal = (await statistic('RequestCount', [lbDimension], 'Sum')) ?? 0;
    assert.ok(lbTotal >= 20, `the load balancer's RequestCount includes the target group's, got ${lbTotal}`);
    assert.equal(await statistic('HTTPCode_Target_2XX_Count', [lbDimension, countedDimension], 'Sum'), 20);
    assert.ok(((await statistic('HTTPCode_Target_2XX_Count', [lbDimension], 'Sum')) ?? 0) >= 20);

    const average = await statistic('TargetResponseTime', [lbDimension, countedDimension], 'Average');
    assert.ok(average !== undefined && average > 0 && average < 1, `TargetResponseTime is an average in seconds, got ${average}`);
    assert.equal(await statistic('TargetResponseTime', [lbDimension, countedDimension], 'SampleCount'), 20);
    assert.ok(((await statistic('TargetResponseTime', [lbDimension], 'Average')) ?? 0) > 0);

    // Two healthy targets: each datapoint is that flush's requests ÷ 2.
    assert.equal(await statistic('RequestCountPerTarget', [countedDimension], 'Sum'), 10);
    assert.equal(await statistic('RequestCountPerTarget', [lbDimension, countedDimension], 'Sum'), 10);
  });

  test('answers of the load balancer itself count as HTTPCode_ELB_5XX_Count, not as target codes', async () => {
    const before = (await statistic('HTTPCode_ELB_5XX_Count', [lbDimension], 'Sum')) ?? 0;
    for (let i = 0; i < 3; i++) assert.equal((await get(`http://${dnsName}/teapot`)).status, 503);
    await waitFor('the ELB 5XX count', async () => (await statistic('HTTPCode_ELB_5XX_Count', [lbDimension], 'Sum')) === before + 3);
    assert.equal(await statistic('HTTPCode_Target_5XX_Count', [lbDimension], 'Sum'), undefined);
  });

  test('HealthyHostCount and UnHealthyHostCount follow target health', async () => {
    await waitFor('HealthyHostCount', async () => (await statistic('HealthyHostCount', [lbDimension, tgDimension], 'Maximum')) === 2);
    assert.equal(await statistic('UnHealthyHostCount', [lbDimension, tgDimension], 'Maximum'), 0);
  });
});
