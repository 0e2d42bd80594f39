import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DeregisterTargetsCommand, ModifyTargetGroupAttributesCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  createListener,
  createLoadBalancer,
  createTargetGroup,
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

describe('deregistered targets drain', () => {
  let c: AlbCloud;
  let a: Backend;
  let b: Backend;
  let tgArn: string;
  let dnsName: string;

  before(async () => {
    c = await startAlbCloud({ timeScale: 0.02 });
    a = await startBackend('a');
    b = await startBackend('b');
    tgArn = await createTargetGroup(c, 'drain-tg', [a, b]);
    // 60 s of deregistration delay = 1.2 s at time scale 0.02.
    await c.t.clients.elbv2.send(
      new ModifyTargetGroupAttributesCommand({ TargetGroupArn: tgArn, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '60' }] }),
    );
    const { arn } = await createLoadBalancer(c, 'drain-alb');
    await createListener(c, arn, 80, tgArn);
    await waitHealthy(c, tgArn, [a, b]);
    dnsName = await waitServed(c, arn);
  });
  after(async () => {
    await c?.stop();
    await a?.close();
    await b?.close();
  });

  test('a draining target finishes its request in flight, gets no new requests, then disappears after the delay', async () => {
    a.delayMs = 400;
    b.delayMs = 400;
    // Two slow requests: round robin sends one to each target.
    const [aBefore, bBefore] = [a.seen.length, b.seen.length];
    const slow = [get(`http://${dnsName}/slow/1`), get(`http://${dnsName}/slow/2`)];
    await waitFor('both slow requests to reach their targets', () => a.seen.length === aBefore + 1 && b.seen.length === bBefore + 1);
    a.delayMs = 0;
    b.delayMs = 0;

    const deregisteredAt = Date.now();
    await c.t.clients.elbv2.send(new DeregisterTargetsCommand({ TargetGroupArn: tgArn, Targets: [{ Id: a.host, Port: a.port }] }));
    const health = await targetHealth(c, tgArn);
    assert.deepEqual(health[key(a)], ['draining', 'Target.DeregistrationInProgress', 'Target deregistration is in progress']);
    assert.equal(health[key(b)]?.[0], 'healthy');

    for (let i = 0; i < 6; i++) assert.equal((await get(`http://${dnsName}/fast/${i}`)).body.from, 'b', 'new requests avoid the draining target');
    const answers = await Promise.all(slow);
    assert.deepEqual(answers.map((r) => [r.status, r.body.from]).sort(), [[200, 'a'], [200, 'b']], 'the request in flight on the draining target completes');

    await waitFor('the drained target to disappear', async () => (await targetHealth(c, tgArn))[key(a)] === undefined, 10_000);
    const elapsed = Date.now() - deregisteredAt;
    assert.ok(elapsed >= 1_100, `the target stayed draining for the scaled deregistration delay (1.2 s), left after ${elapsed} ms`);
    assert.deepEqual(Object.keys(await targetHealth(c, tgArn)), [key(b)]);
  });
});
