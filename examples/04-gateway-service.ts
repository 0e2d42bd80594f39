#!/usr/bin/env -S npx tsx
/**
 * Lab Task 4 (Deploying Gateway Service with Service Discovery): the
 * listener rule (4.1), the `gateway-service` behind the ALB (4.2) and the
 * end-to-end checks of 4.3 through the ALB: `GET /` → "Hello from Gateway!",
 * `GET /items` → a list, POST a device → 201, GET it back → the same device.
 *
 * What it fixes from ERRATA:
 * - 4.1/4.2: `$LISTENER_ARN`, `$GATEWAY_TG_ARN`, `$ALB_DNS`, `$VPC_ID` and
 *   `$ECS_SG_ID` came from "the previous guide": the default VPC, the
 *   security group, the ALB `flask-inventory-alb`, its HTTP listener on 80
 *   and the `gateway-tg` target group (`ip`, port 5001, `/health`) are
 *   created (or found) here, and removed by the cleanup.
 * - 4.2: `aws ecs wait services-stable` ignores target health; the gateway
 *   deployment is followed until its tasks are healthy in `gateway-tg`.
 * - 4.3: `GET /items` answers the list form `{"items":[…]}`, as the guide
 *   shows. The device is read back with `GET /items/ecs-device-001`.
 *
 * Run: `npx tsx examples/04-gateway-service.ts [--target aws|local] [--json]`
 */
import { DescribeLoadBalancersCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { listener, listenerRule, loadBalancer, poll, service, targetGroup } from 'ecskit';
import { isMain, runScript, run as coreConcepts, type Lab } from './01-core-concepts.ts';
import { run as taskDefinitions } from './02-task-definitions.ts';
import { ensureLabNetwork, run as invsysService } from './03-invsys-service.ts';

/** The device the lab posts in 4.3. */
export const LAB_DEVICE = { id: 'ecs-device-001', name: 'ECS Test Device', location: 'AWS Cloud', status: 'active' } as const;

/** An HTTP answer through the ALB. */
export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
  readonly json?: unknown;
}

/** One request through the ALB (`lab.albUrl`), with the body read and parsed when it is JSON. */
export async function albRequest(lab: Lab, path: string, init: RequestInit = {}): Promise<HttpAnswer> {
  if (!lab.albUrl) throw new Error('Task 4 (examples/04-gateway-service.ts) must run first: it creates the ALB');
  const res = await fetch(`${lab.albUrl}${path}`, { ...init, signal: AbortSignal.any([lab.signal, AbortSignal.timeout(10_000)]) });
  const body = await res.text();
  let json: unknown;
  if ((res.headers.get('content-type') ?? '').includes('json')) {
    try {
      json = JSON.parse(body);
    } catch {
      /* not JSON after all */
    }
  }
  return { status: res.status, body, ...(json !== undefined && { json }) };
}

/**
 * The ALB, listener and gateway target group the lab assumed from "the
 * previous guide" (ERRATA 4.1). Fills `lab.loadBalancerArn`, `albDnsName`,
 * `albUrl`, `listenerArn` and `gatewayTargetGroupArn`.
 */
export async function ensureLoadBalancing(lab: Lab): Promise<void> {
  const { report, ops, names } = lab;
  const net = await ensureLabNetwork(lab);
  const alb = await report.step(
    'Previous guide (ERRATA 4.1): load balancer flask-inventory-alb',
    () => ops.ensureLoadBalancer(loadBalancer(names.loadBalancer).subnets([...net.subnetIds]).securityGroups([net.securityGroupId])),
    (r) => ({ arn: r.resource.LoadBalancerArn, dnsName: r.resource.DNSName, state: r.resource.State?.Code, action: r.action }),
  );
  lab.loadBalancerArn = alb.resource.LoadBalancerArn ?? '';
  lab.albDnsName = alb.resource.DNSName ?? '';
  lab.albUrl = `http://${lab.albDnsName}`;

  const tg = await report.step(
    'Previous guide (ERRATA 4.1): target group gateway-tg (ip, 5001, /health)',
    () =>
      ops.ensureTargetGroup(
        targetGroup(names.gatewayTargetGroup)
          .protocol('HTTP')
          .port(names.gatewayPort)
          .vpc(net.vpcId)
          .targetType('ip')
          .healthCheck({ enabled: true, protocol: 'HTTP', path: '/health', intervalSeconds: 30, timeoutSeconds: 5, healthyThresholdCount: 2, unhealthyThresholdCount: 3 }),
      ),
    (r) => ({ arn: r.resource.TargetGroupArn, action: r.action }),
  );
  lab.gatewayTargetGroupArn = tg.resource.TargetGroupArn ?? '';

  const http = await report.step(
    'Previous guide (ERRATA 4.1): HTTP listener on port 80',
    // Requests no rule matches get a plain 404; Task 4.1's rule sends everything to the gateway.
    () => ops.ensureListener(listener(lab.loadBalancerArn!).port(80).protocol('HTTP').fixedResponse(404, { contentType: 'text/plain', messageBody: 'No listener rule matched' })),
    (r) => ({ arn: r.resource.ListenerArn, action: r.action }),
  );
  lab.listenerArn = http.resource.ListenerArn ?? '';

  const rule = await report.step(
    'Task 4.1: listener rule (priority 10, /* → gateway-tg)',
    () => ops.ensureListenerRule(listenerRule(lab.listenerArn!).priority(10).pathPattern('/*').forward(lab.gatewayTargetGroupArn!)),
    (r) => ({ arn: r.resource.RuleArn, action: r.action }),
  );
  lab.listenerRuleArn = rule.resource.RuleArn ?? '';
}

/** What Task 4 reports. */
export interface GatewayServiceResult {
  readonly task: 4;
  readonly albUrl: string;
  readonly deploymentId: string;
  readonly outcome: string;
  readonly runningCount: number;
  /** `GET /` through the ALB. */
  readonly rootStatus: number;
  readonly rootBody: string;
  /** `GET /items` through the ALB. */
  readonly itemsStatus: number;
  readonly itemsCount: number;
  /** POST /items of the lab's device. */
  readonly postStatus: number;
  /** Whether the device was already there (a re-run: 409, "already exists"). */
  readonly deviceExisted: boolean;
  readonly devicePosted: string;
  /** GET /items/ecs-device-001. */
  readonly readBackStatus: number;
  /** The device read back equals the one posted. */
  readonly deviceReadBack: boolean;
  /** The device is in GET /items afterwards. */
  readonly deviceListed: boolean;
}

/** Task 4: load balancing, the gateway service, and the end-to-end checks through the ALB. */
export async function run(lab: Lab): Promise<GatewayServiceResult> {
  const { report, ops, names } = lab;
  if (!lab.taskDefinitions.gateway) throw new Error('Task 2 (examples/02-task-definitions.ts) must run first: it registers the gateway task definition');
  if (!lab.invsysDiscoveryArn) throw new Error('Task 3 (examples/03-invsys-service.ts) must run first: the gateway reaches invsys.local');
  await ensureLoadBalancing(lab);
  const net = await ensureLabNetwork(lab);

  const svc = await report.step(
    'Task 4.2: service gateway-service (2 awsvpc tasks behind the ALB)',
    () =>
      ops.ensureService(
        service(names.gatewayService)
          .cluster(names.cluster)
          .taskDefinition(lab.taskDefinitions.gateway!)
          .desiredCount(2)
          .launchType('EC2')
          .awsvpc({ subnets: [...net.subnetIds], securityGroups: [net.securityGroupId], assignPublicIp: false })
          .loadBalancer({ targetGroupArn: lab.gatewayTargetGroupArn!, containerName: 'gateway', containerPort: names.gatewayPort })
          .healthCheckGracePeriodSeconds(60)
          .deploymentConfiguration({ maximumPercent: 200, minimumHealthyPercent: 50 }),
      ),
    (r) => ({ deploymentId: r.deploymentId, action: r.action }),
  );
  const outcome = await report.step(
    'Task 4.2: wait for the gateway deployment (tasks healthy in gateway-tg)',
    () => lab.followDeployment(names.gatewayService, svc.deploymentId),
    (o) => ({ outcome: o.outcome, taskDefinition: o.taskDefinition, runningCount: o.runningCount, seconds: o.elapsedSeconds }),
  );

  return report.step(
    'Task 4.3: end-to-end through the ALB (GET /, GET /items, POST a device, GET it back)',
    async () => {
      // A new ALB takes a few minutes to provision on AWS: ask until it answers.
      const answered = await poll<HttpAnswer | { error: string }, HttpAnswer>({
        observe: async () => {
          // Re-read the DNS name: it can change once listeners exist (the local cloud adds a port when it cannot bind 80).
          const { LoadBalancers = [] } = await lab.clients.elbv2.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [lab.loadBalancerArn!] }));
          const lb = LoadBalancers[0];
          if (lb?.State?.Code !== 'active') return { error: `load balancer is ${lb?.State?.Code ?? 'missing'}` };
          if (lb.DNSName && lb.DNSName !== lab.albDnsName) {
            lab.albDnsName = lb.DNSName;
            lab.albUrl = `http://${lb.DNSName}`;
          }
          return albRequest(lab, '/').catch((error: unknown) => ({ error: `GET /: ${(error as Error).message}` }));
        },
        accept: (o) => ('status' in o && o.status === 200 ? { state: 'done', value: o } : { state: 'pending', reason: 'error' in o ? o.error : `HTTP ${o.status}` }),
        intervalSeconds: lab.wait.intervalSeconds,
        timeoutSeconds: lab.wait.timeoutSeconds,
        signal: lab.signal,
      });
      if (answered.state !== 'done') {
        const last = answered.last;
        throw new Error(`GET ${lab.albUrl}/ never answered 200 (${answered.state}; last: ${last === undefined ? 'no answer' : 'error' in last ? last.error : `HTTP ${last.status} ${last.body}`})`);
      }
      const root = answered.value;
      report.note(`ALB: ${lab.albUrl}`);
      report.note(`GET / → ${root.status} ${root.body.trim()}`);
      if (root.body.trim() !== 'Hello from Gateway!') throw new Error(`GET / answered ${JSON.stringify(root.body)}, expected "Hello from Gateway!"`);

      const items = await albRequest(lab, '/items');
      const list = (items.json as { items?: unknown[] } | undefined)?.items;
      report.note(`GET /items → ${items.status}, ${Array.isArray(list) ? `${list.length} device(s)` : items.body}`);
      if (items.status !== 200 || !Array.isArray(list)) throw new Error(`GET /items answered ${items.status} ${items.body}, expected 200 {"items":[…]}`);

      const posted = await albRequest(lab, '/items', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(LAB_DEVICE) });
      const existed = posted.status === 409;
      report.note(`POST /items ${LAB_DEVICE.id} → ${posted.status} ${posted.body.trim()}${existed ? ' (left by an earlier run)' : ''}`);
      if (posted.status !== 201 && !existed) throw new Error(`POST /items answered ${posted.status} ${posted.body}, expected 201`);

      const back = await albRequest(lab, `/items/${LAB_DEVICE.id}`);
      const equal = back.status === 200 && JSON.stringify(back.json) === JSON.stringify(LAB_DEVICE);
      report.note(`GET /items/${LAB_DEVICE.id} → ${back.status} ${back.body.trim()}`);
      if (!equal) throw new Error(`GET /items/${LAB_DEVICE.id} answered ${back.status} ${back.body}, expected 200 with the posted device`);

      const after = await albRequest(lab, '/items');
      const listed = ((after.json as { items?: { id?: string }[] } | undefined)?.items ?? []).some((d) => d.id === LAB_DEVICE.id);
      report.note(`GET /items → ${after.status}, device ${listed ? 'listed' : 'NOT listed'}`);
      if (!listed) throw new Error(`GET /items does not list ${LAB_DEVICE.id}: ${after.body}`);

      const result: GatewayServiceResult = {
        task: 4,
        albUrl: lab.albUrl!,
        deploymentId: svc.deploymentId,
        outcome: outcome.outcome,
        runningCount: outcome.runningCount,
        rootStatus: root.status,
        rootBody: root.body.trim(),
        itemsStatus: items.status,
        itemsCount: list.length,
        postStatus: posted.status,
        deviceExisted: existed,
        devicePosted: LAB_DEVICE.id,
        readBackStatus: back.status,
        deviceReadBack: equal,
        deviceListed: listed,
      };
      return result;
    },
    (r) => r,
  );
}

/**
 * Tasks 1–4 in order: the stack every later task builds on (cluster, task
 * definitions, invsys behind Cloud Map, the gateway behind the ALB).
 * Idempotent: on a stack that is already up it creates nothing.
 */
export async function runTasks1to4(lab: Lab): Promise<void> {
  await coreConcepts(lab);
  await taskDefinitions(lab);
  await invsysService(lab);
  await run(lab);
}

if (isMain(import.meta.url)) {
  await runScript(
    {
      title: 'examples/04-gateway-service.ts — lab Task 4: the gateway behind the ALB, end to end',
      description: 'Runs Tasks 1–3 first (idempotent), then the ALB, listener, gateway-tg, listener rule, gateway service and the 4.3 checks.',
    },
    runTasks1to4,
  );
}
