import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DeregisterTargetsCommand, ModifyTargetGroupCommand, RegisterTargetsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { matchesHttpCode } from '../../../../src/local/runtime/load-balancing/health-checks.js';
import {
  createListener,
  createLoadBalancer,
  createTargetGroup,
  dnsNameOf,
  get,
  key,
  startAlbCloud,
  startBackend,
  targetHealth,
  waitFor,
  waitHealthy,
  waitServed,
  type AlbCloud,
  type Backend,
} from './harness.js';

test('health-check matchers accept single codes, ranges and lists', () => {
  assert.equal(matchesHttpCode(undefined, 200), true);
  assert.equal(matchesHttpCode('200', 204), false);
  assert.equal(matchesHttpCode('200-299', 204), true);
  assert.equal(matchesHttpCode('200-299', 302), false);
  assert.equal(matchesHttpCode('200,302', 302), true);
  assert.equal(matchesHttpCode('200, 301-302', 301), true);
  assert.equal(matchesHttpCode('200,302', 500), false);
});

describe('target-group health checks', () => {
  let c: AlbCloud;
  let good: Backend;
  let flaky: Backend;
  let tgArn: string;
  let dnsName: string;

  before(async () => {
    c = await startAlbCloud();
    good = await startBackend('good');
    flaky = await startBackend('flaky');
    tgArn = await createTargetGroup(c, 'health-tg', [good, flaky]);
    const { arn } = await createLoadBalancer(c, 'health-alb');
    await createListener(c, arn, 80, tgArn);
    await waitHealthy(c, tgArn, [good, flaky]);
    dnsName = await waitServed(c, arn);
  });
  after(async () => {
    await c?.stop();
    await good?.close();
    await flaky?.close();
  });

  test('a newly registered target starts initial and becomes healthy after HealthyThresholdCount passes', async () => {
    const late = await startBackend('late');
    try {
      await c.t.clients.elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: tgArn, Targets: [{ Id: late.host, Port: late.port }] }));
      const first = (await targetHealth(c, tgArn))[key(late)];
      assert.equal(first?.[0], 'initial');
      assert.match(first?.[1] ?? '', /^Elb\.(RegistrationInProgress|InitialHealthChecking)$/);
      await waitHealthy(c, tgArn, [late]);
      assert.ok(late.healthChecks >= 2, `healthy after ${late.healthChecks} checks; HealthyThresholdCount is 2`);
    } finally {
      await c.t.clients.elbv2.send(new DeregisterTargetsCommand({ TargetGroupArn: tgArn, Targets: [{ Id: late.host, Port: late.port }] }));
      await late.close();
    }
  });

  test('a target failing its check goes unhealthy with Target.ResponseCodeMismatch, gets no requests, and comes back when it recovers', async () => {
    flaky.health = 500;
    try {
      const health = await waitFor('flaky to be unhealthy', async () => {
        const h = (await targetHealth(c, tgArn))[key(flaky)];
        return h?.[0] === 'unhealthy' ? h : undefined;
      });
      assert.deepEqual(health, ['unhealthy', 'Target.ResponseCodeMismatch', 'Health checks failed with these codes: [500]']);
      assert.equal((await targetHealth(c, tgArn))[key(good)]?.[0], 'healthy');

      const before = flaky.seen.length;
      for (let i = 0; i < 8; i++) assert.equal((await get(`http://${dnsName}/work`)).body.from, 'good');
      assert.equal(flaky.seen.length, before, 'an unhealthy target receives no requests');

      flaky.health = 200;
      await waitHealthy(c, tgArn, [flaky]);
      const from = new Set<string>();
      for (let i = 0; i < 4; i++) from.add((await get(`http://${dnsName}/work`)).body.from);
      assert.deepEqual([...from].sort(), ['flaky', 'good'], 'a recovered target gets requests again');
    } finally {
      flaky.health = 200;
    }
  });

  test('a target that does not answer in time is unhealthy with Target.Timeout', async () => {
    flaky.health = 'hang';
    try {
      const health = await waitFor('flaky to time out', async () => {
        const h = (await targetHealth(c, tgArn))[key(flaky)];
        return h?.[0] === 'unhealthy' ? h : undefined;
      });
      assert.deepEqual(health, ['unhealthy', 'Target.Timeout', 'Request timed out']);
    } finally {
      flaky.health = 200;
    }
    await waitHealthy(c, tgArn, [flaky]);
  });

  test('a target that refuses connections is unhealthy with Target.FailedHealthChecks', async () => {
    const gone = await startBackend('gone');
    await c.t.clients.elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: tgArn, Targets: [{ Id: gone.host, Port: gone.port }] }));
    await waitHealthy(c, tgArn, [gone]);
    await gone.close();
    const health = await waitFor('gone to be unhealthy', async () => {
      const h = (await targetHealth(c, tgArn))[key(gone)];
      return h?.[0] === 'unhealthy' ? h : undefined;
    });
    assert.deepEqual(health, ['unhealthy', 'Target.FailedHealthChecks', 'Health checks failed']);
    await c.t.clients.elbv2.send(new DeregisterTargetsCommand({ TargetGroupArn: tgArn, Targets: [{ Id: gone.host, Port: gone.port }] }));
  });

  test('the health-check path and matcher come from the target group, and changes apply to the next checks', async () => {
    await c.t.clients.elbv2.send(new ModifyTargetGroupCommand({ TargetGroupArn: tgArn, Matcher: { HttpCode: '301,302' } }));
    const mismatch = await waitFor('good to be unhealthy with a 3xx matcher', async () => {
      const h = (await targetHealth(c, tgArn))[key(good)];
      return h?.[0] === 'unhealthy' ? h : undefined;
    });
    assert.deepEqual(mismatch, ['unhealthy', 'Target.ResponseCodeMismatch', 'Health checks failed with these codes: [200]']);
    // Every other path of the backend answers 200 without counting as a health check.
    const checksBefore = good.healthChecks;
    await c.t.clients.elbv2.send(new ModifyTargetGroupCommand({ TargetGroupArn: tgArn, HealthCheckPath: '/ping', Matcher: { HttpCode: '200-299' } }));
    await waitHealthy(c, tgArn, [good, flaky]);
    assert.ok(good.seen.includes('GET /ping'), 'the new path is probed');
    assert.ok(good.healthChecks - checksBefore <= 2, 'the old path is no longer probed (at most the checks already in flight)');
  });
});

describe('before any target has passed a health check', () => {
  let c: AlbCloud;
  let lonely: Backend;
  after(async () => {
    await c?.stop();
    await lonely?.close();
  });

  test('the ALB answers 503 while its only target is initial, fails open once it is unhealthy, and serves it healthy (issue #13.8)', async () => {
    c = await startAlbCloud();
    lonely = await startBackend('lonely');
    lonely.health = 500;
    // 100 s × 0.02 = 2 s between checks: `initial` lasts until the second failed check.
    const tgArn = await createTargetGroup(c, 'initial-tg', [lonely], { HealthCheckIntervalSeconds: 100 });
    const { arn } = await createLoadBalancer(c, 'initial-alb');
    await createListener(c, arn, 80, tgArn);
    // The DNS name is read on every attempt: until the runtime has bound the listener it may lack the
    // port it gets when another local cloud (another test file) holds port 80, and that cloud answers
    // 421 for a name it does not have.
    const viaAlb = async () => get(`http://${await dnsNameOf(c, arn)}/work`);
    // A sample counts only when the target was initial before and after the request.
    const whileInitial = await waitFor('a request answered while the target is initial', async () => {
      const before = (await targetHealth(c, tgArn))[key(lonely)]?.[0];
      const response = await viaAlb().catch(() => undefined);
      const after_ = (await targetHealth(c, tgArn))[key(lonely)]?.[0];
      if (before !== 'initial' || after_ !== 'initial') throw new Error(`target ${before} → ${after_}: the window closed`);
      // The listener starts when the load balancer is active; until then the connection is refused.
      return response?.status === 421 ? undefined : response;
    });
    assert.equal(whileInitial.status, 503, 'no request goes to a target that has not passed a check');
    assert.match(String(whileInitial.body), /503 Service Temporarily Unavailable/);
    assert.equal(lonely.seen.length, 0);

    await waitFor('the target to be unhealthy', async () => (await targetHealth(c, tgArn))[key(lonely)]?.[0] === 'unhealthy');
    const failedOpen = await viaAlb();
    assert.equal(failedOpen.status, 200, `with no healthy target, the ALB fails open to the unhealthy ones (got ${failedOpen.status} ${JSON.stringify(failedOpen.body)})`);
    assert.equal(failedOpen.body.from, 'lonely');

    lonely.health = 200;
    await waitHealthy(c, tgArn, [lonely]);
    assert.equal((await viaAlb()).body.from, 'lonely');
  });
});

