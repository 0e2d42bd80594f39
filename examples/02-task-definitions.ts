#!/usr/bin/env -S npx tsx
/**
 * Lab Task 2 (Creating Task Definitions for Flask Services): the invsys
 * (2.1/2.2) and gateway (2.3/2.5) task definitions, built with the typed
 * builders, registered idempotently (a re-run registers no new revision),
 * verified with DescribeTaskDefinition, then listed.
 *
 * What it fixes from ERRATA:
 * - 2.1: invsys is `awsvpc` from revision 1 (the guide's `bridge` +
 *   `hostPort: 0` cannot back the awsvpc service, A records and `ip` target
 *   group of Task 3).
 * - 2.5: `list-task-definitions --family-prefix flask-inventory` lists nothing
 *   on AWS (the prefix must be the whole family name); this lists the
 *   families by prefix with ListTaskDefinitionFamilies, then the revisions of
 *   each family.
 * - 2.4 (the gateway reading `INVSYS_URL`) is already in the gateway app.
 * - Not in ERRATA: two invsys replicas with separate in-memory stores cannot
 *   pass 4.3's read-back (a device POSTed through one is not found through
 *   the other). invsys keeps its SQLite file (`INVENTORY_DB`, `/data` in the
 *   image) on a Docker volume of scope `shared`, which every invsys task on
 *   a container instance mounts; invsys-service places its tasks with
 *   `binpack` on memory ({@link INVSYS_PLACEMENT}), so the replicas share an
 *   instance and the volume, on AWS as on the local cloud (across instances
 *   they would need EFS instead). The process driver's built-in image keeps
 *   one SQLite file for all its tasks, like that volume.
 *
 * Run: `npx tsx examples/02-task-definitions.ts [--target aws|local] [--json]`
 */
import {
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionFamiliesCommand,
  ListTaskDefinitionsCommand,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import { awsLogs, container, sameTaskDefinition, taskDefinition, type TaskDefinitionBuilder } from 'ecskit';
import { isMain, runScript, run as coreConcepts, type Lab } from './01-core-concepts.ts';

/** The lab's common task shape: awsvpc, EC2, 256 CPU units / 512 MiB, the execution role. */
export function labTask(lab: Lab, family: string) {
  return taskDefinition(family)
    .networkMode('awsvpc')
    .requiresCompatibilities('EC2')
    .cpu(256)
    .memory(512)
    .executionRoleArn(`arn:aws:iam::${lab.accountId}:role/ecsTaskExecutionRole`);
}

/** The lab's container template: 256 units, 512 MiB, essential, one port, a 30 s container health check on `healthPath`. */
export function labContainer(name: string, image: string, port: number, healthPath: string) {
  return container(name)
    .image(image)
    .cpu(256)
    .memory(512)
    .essential()
    .port(port)
    .healthCheck({
      command: `curl -f http://localhost:${port}${healthPath} || exit 1`,
      intervalSeconds: 30,
      timeoutSeconds: 5,
      retries: 3,
      startPeriodSeconds: 60,
    });
}

function images(lab: Lab): { invsys: string; gateway: string } {
  if (!lab.images || !lab.accountId) throw new Error('Task 1 (examples/01-core-concepts.ts) must run first: it finds the account and the images');
  return lab.images;
}

/** The Docker volume every invsys task mounts at `/data` (its SQLite file): shared by the tasks of a container instance. */
export const INVSYS_DATA_VOLUME = 'invsys-data';

/**
 * Where invsys-service places its tasks: `binpack` on memory fills the
 * instance with the least memory left first, so both replicas (and a rolling
 * update's new tasks) land on one container instance and share
 * {@link INVSYS_DATA_VOLUME}. ECS's default for services spreads tasks over
 * Availability Zones and instances, which would give each replica its own
 * store. It is a lab's trade: one instance holds the data; production would
 * put the SQLite file (or a real database) on EFS (`taskDefinition().efsVolume()`).
 */
export const INVSYS_PLACEMENT = { type: 'binpack', field: 'memory' } as const;

/**
 * Every invsys revision's task shape: {@link labTask} with the volume
 * {@link INVSYS_DATA_VOLUME} (Docker, scope `shared`, autoprovisioned), and
 * `invsys` (from {@link labContainer}) mounting it at `/data`, where the
 * image keeps its SQLite file: both replicas, and the revisions of a rolling
 * update, see one store.
 */
export function invsysTask(lab: Lab, invsys: ReturnType<typeof labContainer>): TaskDefinitionBuilder<true> {
  return labTask(lab, lab.names.invsysFamily)
    .volume({ name: INVSYS_DATA_VOLUME, dockerVolumeConfiguration: { scope: 'shared', autoprovision: true, driver: 'local' } })
    .container(invsys.mountPoint(INVSYS_DATA_VOLUME, '/data'));
}

/** Lab 2.1, fixed to awsvpc (ERRATA 2.1): `flask-inventory-invsys`, container `invsys` on 5000, health check on `/items`, devices on the shared volume. */
export function invsysTaskDefinition(lab: Lab): TaskDefinitionBuilder<true> {
  return invsysTask(
    lab,
    labContainer('invsys', `${images(lab).invsys}:latest`, lab.names.invsysPort, '/items')
      .environment({ FLASK_ENV: 'production', PYTHONUNBUFFERED: '1' })
      .logConfiguration(awsLogs({ group: lab.names.invsysLogGroup, region: lab.region, streamPrefix: 'ecs', createGroup: true })),
  );
}

/**
 * Lab 2.3: `flask-inventory-gateway`, container `gateway` on 5001, `INVSYS_URL=http://invsys.local:5000`,
 * container health check on `healthPath` (the lab's `/`; Task 7.5 deploys one on a path the app does not serve).
 */
export function gatewayTaskDefinition(lab: Lab, healthPath = '/'): TaskDefinitionBuilder<true> {
  return labTask(lab, lab.names.gatewayFamily).container(
    labContainer('gateway', `${images(lab).gateway}:latest`, lab.names.gatewayPort, healthPath)
      .environment({
        FLASK_ENV: 'production',
        PYTHONUNBUFFERED: '1',
        INVSYS_URL: `http://${lab.names.invsysDiscovery}.${lab.names.namespace}:${lab.names.invsysPort}`,
      })
      .logConfiguration(awsLogs({ group: lab.names.gatewayLogGroup, region: lab.region, streamPrefix: 'ecs', createGroup: true })),
  );
}

/**
 * Registers `definition` unless an ACTIVE revision of its family already
 * equals it: `registerTaskDefinition` compares with the latest revision only,
 * so after Task 5 or 7 moved the family on, a re-run of Task 2 reuses
 * revision 1 instead of registering a copy of it.
 */
export async function registerOnce(
  lab: Lab,
  definition: { build(): RegisterTaskDefinitionCommandInput },
): Promise<{ arn: string; familyRevision: string; revision: number; created: boolean }> {
  const input = definition.build();
  const family = input.family ?? '';
  const { ecs } = lab.clients;
  const listed = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family, status: 'ACTIVE', sort: 'DESC' }));
  for (const arn of listed.taskDefinitionArns ?? []) {
    const { taskDefinition: td } = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
    if (td && sameTaskDefinition(input, td)) {
      // Still make sure its log groups exist (a cleanup may have removed them).
      for (const c of input.containerDefinitions ?? []) {
        const group = c.logConfiguration?.options?.['awslogs-group'];
        if (group) await lab.ops.ensureLogGroup(group);
      }
      lab.report.note(`task definition ${family}:${td.revision} already registered (unchanged)`);
      return { arn: td.taskDefinitionArn ?? arn, familyRevision: `${family}:${td.revision}`, revision: td.revision ?? 0, created: false };
    }
  }
  const registered = await lab.ops.registerTaskDefinition(input);
  const td = registered.resource;
  return { arn: td.taskDefinitionArn ?? '', familyRevision: registered.familyRevision, revision: td.revision ?? 0, created: registered.action === 'created' };
}

/** What Task 2 reports. */
export interface TaskDefinitionsResult {
  readonly task: 2;
  /** `family:revision` per service, and whether this run registered it. */
  readonly invsys: { readonly familyRevision: string; readonly networkMode: string; readonly status: string; readonly created: boolean };
  readonly gateway: { readonly familyRevision: string; readonly networkMode: string; readonly status: string; readonly created: boolean; readonly invsysUrl: string };
  /** ListTaskDefinitionFamilies by prefix, then the ACTIVE revisions of each family (ERRATA 2.5). */
  readonly families: Readonly<Record<string, readonly string[]>>;
}

/** Task 2: registers (or finds) both task definitions and verifies them. Fills `lab.taskDefinitions.invsys/gateway`. */
export async function run(lab: Lab): Promise<TaskDefinitionsResult> {
  const { report, names, clients } = lab;
  const invsys = await report.step('Task 2.1–2.2: register the invsys task definition (awsvpc, ERRATA 2.1)', () => registerOnce(lab, invsysTaskDefinition(lab)), (r) => r);
  const gateway = await report.step('Task 2.3–2.5: register the gateway task definition', () => registerOnce(lab, gatewayTaskDefinition(lab)), (r) => r);
  lab.taskDefinitions.invsys = invsys.arn;
  lab.taskDefinitions.gateway = gateway.arn;

  return report.step(
    'Task 2: verify with DescribeTaskDefinition and list the families (ERRATA 2.5)',
    async () => {
      const describe = async (arn: string) => {
        const { taskDefinition: td } = await clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
        if (!td) throw new Error(`DescribeTaskDefinition ${arn} returned nothing`);
        report.note(`${td.family}:${td.revision}  ${td.status}  ${td.networkMode}  ${td.containerDefinitions?.[0]?.image}`);
        return td;
      };
      const i = await describe(invsys.arn);
      const g = await describe(gateway.arn);
      const families: Record<string, string[]> = {};
      const { families: names_ = [] } = await clients.ecs.send(new ListTaskDefinitionFamiliesCommand({ familyPrefix: names.familyPrefix, status: 'ACTIVE' }));
      for (const family of names_) {
        const { taskDefinitionArns = [] } = await clients.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family, status: 'ACTIVE' }));
        families[family] = taskDefinitionArns.map((arn) => arn.split('/').pop() ?? arn);
        report.note(`${family}: ${families[family].join(', ')}`);
      }
      const invsysUrl = g.containerDefinitions?.[0]?.environment?.find((e) => e.name === 'INVSYS_URL')?.value ?? '';
      const result: TaskDefinitionsResult = {
        task: 2,
        invsys: { familyRevision: invsys.familyRevision, networkMode: i.networkMode ?? '', status: i.status ?? '', created: invsys.created },
        gateway: { familyRevision: gateway.familyRevision, networkMode: g.networkMode ?? '', status: g.status ?? '', created: gateway.created, invsysUrl },
        families,
      };
      return result;
    },
    (r) => r,
  );
}

if (isMain(import.meta.url)) {
  await runScript(
    {
      title: 'examples/02-task-definitions.ts — lab Task 2: the invsys and gateway task definitions',
      description: 'Runs Task 1 first (idempotent), then registers both task definitions unless an equal ACTIVE revision exists.',
    },
    async (lab) => {
      await coreConcepts(lab);
      await run(lab);
    },
  );
}
