import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CloudState } from '../../../../src/local/cloud-state.js';
import { TargetLookup } from '../../../../src/local/runtime/tasks/target-lookup.js';
import {
  deregisterTargets,
  elbv2State,
  pruneDrainedTargets,
  registerTargets,
  setTargetHealth,
  type StoredTarget,
  type StoredTargetGroup,
} from '../../../../src/local/services/elbv2/state.js';

const TG_ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/lookup/0123456789abcdef';

/** A region with one target group a load balancer uses (health checks on, a 300 s deregistration delay). */
function group(delaySeconds = '300') {
  const rs = new CloudState().region('us-east-1');
  const tg: StoredTargetGroup = {
    TargetGroupArn: TG_ARN,
    TargetGroupName: 'lookup',
    TargetType: 'ip',
    Protocol: 'HTTP',
    Port: 80,
    HealthCheckEnabled: true,
    HealthCheckIntervalSeconds: 30,
    HealthCheckTimeoutSeconds: 5,
    HealthyThresholdCount: 5,
    UnhealthyThresholdCount: 2,
    LoadBalancerArns: ['arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/lb/1'],
    Attributes: { 'deregistration_delay.timeout_seconds': delaySeconds },
    Targets: [],
  };
  elbv2State(rs).targetGroups[TG_ARN] = tg;
  return { rs, tg };
}

const reference = (tg: StoredTargetGroup, id: string, port: number): StoredTarget | undefined => tg.Targets.find((t) => t.Id === id && t.Port === port);

describe('TargetLookup (the scheduler’s targets by Id and port)', () => {
  it('finds what tg.Targets.find finds — the stored object — through registrations, health changes, draining, pruning and removal', () => {
    const { rs, tg } = group();
    const lookup = new TargetLookup();
    const ids = Array.from({ length: 12 }, (_, i) => `127.10.0.${i + 2}`);
    const ports = [8080, 8081];
    let now = 1_000;
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const check = (step: string) => {
      for (const id of [...ids, '127.10.9.9']) {
        for (const port of [...ports, 9999]) {
          // Twice: the first lookup of an array scans it, later ones use the index.
          for (let k = 0; k < 2; k++) assert.equal(lookup.find(tg, id, port), reference(tg, id, port), `${step}: ${id}:${port}`);
        }
      }
    };
    check('empty');
    for (let step = 0; step < 400; step++) {
      const id = ids[random(ids.length)]!;
      const port = ports[random(ports.length)]!;
      now += 1 + random(40_000);
      switch (random(5)) {
        case 0:
        case 1:
          registerTargets(rs, TG_ARN, [{ Id: id, Port: port }], now);
          break;
        case 2:
          deregisterTargets(rs, TG_ARN, [{ Id: id, Port: port }], now, 0.1);
          break;
        case 3:
          setTargetHealth(rs, TG_ARN, { Id: id, Port: port }, random(2) ? 'healthy' : 'unhealthy', 'Target.FailedHealthChecks');
          break;
        default:
          pruneDrainedTargets(tg, now);
      }
      // Sometimes several lookups of one array, sometimes one per change (a registration between every two lookups).
      if (random(3) === 0) check(`step ${step}`);
      else assert.equal(lookup.find(tg, id, port), reference(tg, id, port), `step ${step}: ${id}:${port}`);
    }
    assert.ok(tg.Targets.length > 0, 'the walk ended with targets registered');
  });

  it('sees a target pushed onto the same array after the index was built, and a state change of a stored target', () => {
    const { tg } = group();
    const a: StoredTarget = { Id: '127.10.0.2', Port: 8080, State: 'initial', RegisteredAt: 1 };
    tg.Targets.push(a);
    const lookup = new TargetLookup();
    assert.equal(lookup.find(tg, a.Id, 8080), a);
    assert.equal(lookup.find(tg, a.Id, 8080), a, 'second lookup: from the index');
    const b: StoredTarget = { Id: '127.10.0.3', Port: 8080, State: 'initial', RegisteredAt: 2 };
    tg.Targets.push(b);
    assert.equal(lookup.find(tg, b.Id, 8080), b);
    a.State = 'unhealthy';
    assert.equal(lookup.find(tg, a.Id, 8080)?.State, 'unhealthy');
    tg.Targets = tg.Targets.filter((t) => t !== a);
    assert.equal(lookup.find(tg, a.Id, 8080), undefined, 'a replaced array is looked at afresh');
    assert.equal(lookup.find(tg, a.Id, 8080), undefined);
    assert.equal(lookup.find(tg, b.Id, 8080), b);
  });

  it('keeps find’s strict equality: the first of duplicates, no string port for a number, no NaN match', () => {
    const { tg } = group();
    const first: StoredTarget = { Id: 'i-1', Port: 80, State: 'healthy', RegisteredAt: 1 };
    const second: StoredTarget = { Id: 'i-1', Port: 80, State: 'unhealthy', RegisteredAt: 2 };
    const stringPort = { Id: 'i-2', Port: '80', State: 'healthy', RegisteredAt: 3 } as unknown as StoredTarget;
    const nanPort: StoredTarget = { Id: 'i-3', Port: Number.NaN, State: 'healthy', RegisteredAt: 4 };
    tg.Targets.push(first, second, stringPort, nanPort);
    const lookup = new TargetLookup();
    for (let k = 0; k < 3; k++) {
      assert.equal(lookup.find(tg, 'i-1', 80), first);
      assert.equal(lookup.find(tg, 'i-2', 80), undefined);
      assert.equal(lookup.find(tg, 'i-3', Number.NaN), undefined);
    }
  });
});
