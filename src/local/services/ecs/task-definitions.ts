/**
 * ECS task definitions: RegisterTaskDefinition (with AWS's validation and
 * computed fields), DescribeTaskDefinition, ListTaskDefinitions,
 * ListTaskDefinitionFamilies, DeregisterTaskDefinition, DeleteTaskDefinitions.
 *
 * @internal
 */
import { AwsError, type OperationHandler, type RequestContext } from '../../core/types.js';
import { arn, own, paginate, setOwn } from '../../core/util.js';
import { validateTaskDefinitionConstraints } from './placement.js';
import { checkContainerSize, checkTaskSize } from './quotas.js';
import { clean, date, emit, EcsEvents, findTaskDefinition, refList, stateOf, type Json, type TaskDefinitionRecord } from './state.js';
import { putTags, tagsOf, validateTags } from './tags.js';

const FAMILY = /^[a-zA-Z0-9_-]{1,255}$/;
const NETWORK_MODES = ['bridge', 'host', 'awsvpc', 'none'];
const COMPATIBILITIES = ['EC2', 'FARGATE', 'EXTERNAL', 'MANAGED_INSTANCES'];

/** Valid Fargate memory values (MiB) per task CPU units. */
export const FARGATE_CPU_MEMORY: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
};

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

/** Normalises task-level cpu (`"256"`, `"1 vCPU"`) to CPU units as a string. */
export function normaliseCpu(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const text = String(value).trim();
  const vcpu = /^(\d+(?:\.\d+)?)\s*vcpu$/i.exec(text);
  if (vcpu) return String(Math.round(Number(vcpu[1]) * 1024));
  if (/^\d+$/.test(text)) return text;
  throw new AwsError('ClientException', `Invalid 'cpu' setting for task: '${text}'. Use CPU units ("256") or vCPUs ("0.25 vCPU").`);
}

/** Normalises task-level memory (`"512"`, `"1 GB"`) to MiB as a string. */
export function normaliseMemory(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const text = String(value).trim();
  const gb = /^(\d+(?:\.\d+)?)\s*gb$/i.exec(text);
  if (gb) return String(Math.round(Number(gb[1]) * 1024));
  const mb = /^(\d+)\s*(?:mib|mb)?$/i.exec(text);
  if (mb) return mb[1];
  throw new AwsError('ClientException', `Invalid 'memory' setting for task: '${text}'. Use MiB ("512") or GB ("1 GB").`);
}

function fargatePairValid(cpu: string | undefined, memory: string | undefined): boolean {
  if (!cpu || !memory) return false;
  return FARGATE_CPU_MEMORY[Number(cpu)]?.includes(Number(memory)) ?? false;
}

function fail(message: string): never {
  throw new AwsError('ClientException', message);
}

function int(value: unknown): number | undefined {
  return value === undefined || value === null ? undefined : Number(value);
}

/** Validates and echoes one container definition as AWS returns it. */
function echoContainer(c: Json, index: number, networkMode: string): Json {
  if (!c || typeof c !== 'object') fail(`containerDefinitions[${index}] must be an object.`);
  if (!c.name) fail('Container.name should not be null or empty.');
  if (!/^[a-zA-Z0-9_-]{1,255}$/.test(String(c.name))) {
    fail(`Invalid container name '${c.name}': up to 255 letters, numbers, hyphens and underscores are allowed.`);
  }
  if (!c.image) fail('Container.image should not be null or empty.');
  const name = String(c.name);
  const memory = int(c.memory);
  const reservation = int(c.memoryReservation);
  if (memory !== undefined && memory < 6) fail(`Invalid 'memory' setting for container '${name}'. The minimum is 6 MiB, got: ${memory}.`);
  if (reservation !== undefined && reservation < 6) {
    fail(`Invalid 'memoryReservation' setting for container '${name}'. The minimum is 6 MiB, got: ${reservation}.`);
  }
  checkContainerSize(name, { cpu: c.cpu, memory: c.memory, memoryReservation: c.memoryReservation });
  if (memory !== undefined && reservation !== undefined && reservation > memory) {
    fail(`Invalid setting for container '${name}'. 'memoryReservation' (${reservation}) must be less than or equal to 'memory' (${memory}).`);
  }
  const portMappings = ((c.portMappings ?? []) as Json[]).map((pm, i) => {
    const containerPort = int(pm.containerPort);
    let hostPort = int(pm.hostPort);
    const protocol = pm.protocol ?? 'tcp';
    if (containerPort !== undefined && (!Number.isInteger(containerPort) || containerPort < 0 || containerPort > 65535)) {
      fail(`Invalid containerPort in container '${name}' portMappings[${i}]: must be 1-65535, got: ${pm.containerPort}.`);
    }
    if (hostPort !== undefined && (!Number.isInteger(hostPort) || hostPort < 0 || hostPort > 65535)) {
      fail(`Invalid hostPort in container '${name}' portMappings[${i}]: must be 0-65535, got: ${pm.hostPort}.`);
    }
    if (protocol !== 'tcp' && protocol !== 'udp') fail(`Invalid protocol in container '${name}' portMappings[${i}]: must be tcp or udp, got: ${protocol}.`);
    if (networkMode === 'awsvpc' || networkMode === 'host') {
      if (hostPort !== undefined && containerPort !== undefined && hostPort !== containerPort) {
        fail(`When networkMode=${networkMode}, the host ports and container ports in port mappings must match.`);
      }
      hostPort ??= containerPort;
    } else if (networkMode === 'bridge') {
      hostPort ??= 0;
    }
    return clean({ ...pm, containerPort, hostPort, protocol });
  });
  const healthCheck = c.healthCheck as Json | undefined;
  let hc: Json | undefined;
  if (healthCheck) {
    if (!Array.isArray(healthCheck.command) || healthCheck.command.length === 0) {
      fail(`Invalid healthCheck for container '${name}': command must be a non-empty list such as ["CMD-SHELL", "curl -f http://localhost/ || exit 1"].`);
    }
    hc = {
      ...healthCheck,
      interval: int(healthCheck.interval) ?? 30,
      timeout: int(healthCheck.timeout) ?? 5,
      retries: int(healthCheck.retries) ?? 3,
      ...(healthCheck.startPeriod !== undefined ? { startPeriod: int(healthCheck.startPeriod) } : {}),
    };
    const bounds: [string, number, number][] = [
      ['interval', 5, 300],
      ['timeout', 2, 120],
      ['retries', 1, 10],
      ['startPeriod', 0, 300],
    ];
    for (const [key, lo, hi] of bounds) {
      const v = hc[key] as number | undefined;
      if (v !== undefined && (!Number.isInteger(v) || v < lo || v > hi)) {
        fail(`Invalid healthCheck.${key} for container '${name}': must be ${lo}-${hi}, got: ${v}.`);
      }
    }
  }
  return clean({
    ...c,
    name,
    image: String(c.image),
    cpu: int(c.cpu) ?? 0,
    memory,
    memoryReservation: reservation,
    portMappings,
    essential: c.essential ?? true,
    environment: c.environment ?? [],
    mountPoints: c.mountPoints ?? [],
    volumesFrom: c.volumesFrom ?? [],
    healthCheck: hc,
    systemControls: c.systemControls ?? [],
  });
}

function requiresAttributes(td: { networkMode: string; containerDefinitions: Json[]; executionRoleArn?: string; taskRoleArn?: string }) {
  const names = new Set<string>();
  for (const c of td.containerDefinitions) {
    const driver = (c.logConfiguration as Json | undefined)?.logDriver as string | undefined;
    if (driver) {
      names.add(`com.amazonaws.ecs.capability.logging-driver.${driver}`);
      names.add('com.amazonaws.ecs.capability.docker-remote-api.1.19');
      if (driver === 'awslogs' && td.executionRoleArn) names.add('ecs.capability.execution-role-awslogs');
    }
    if (/\.dkr\.ecr\.[^/]+\.amazonaws\.com\//.test(String(c.image))) {
      names.add('com.amazonaws.ecs.capability.ecr-auth');
      if (td.executionRoleArn) names.add('ecs.capability.execution-role-ecr-pull');
    }
    if (c.healthCheck) {
      names.add('ecs.capability.container-health-check');
      names.add('com.amazonaws.ecs.capability.docker-remote-api.1.24');
    }
    if (c.secrets?.length) names.add('ecs.capability.secrets.asm.environment-variables');
  }
  if (td.networkMode === 'awsvpc') {
    names.add('ecs.capability.task-eni');
    names.add('com.amazonaws.ecs.capability.docker-remote-api.1.18');
  }
  if (td.taskRoleArn) names.add('com.amazonaws.ecs.capability.task-iam-role');
  return [...names].map((name) => ({ name }));
}

/** Validates a RegisterTaskDefinition input and returns the record fields AWS computes. */
export function validateTaskDefinition(input: Json): Omit<TaskDefinitionRecord, 'taskDefinitionArn' | 'revision' | 'registeredAt' | 'registeredBy' | 'status'> {
  const family = input.family;
  if (!family) throw new AwsError('ClientException', 'Family must not be null or empty.');
  if (!FAMILY.test(String(family))) {
    fail(`Invalid family '${family}': up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed.`);
  }
  const networkMode: string = input.networkMode ?? 'bridge';
  if (!NETWORK_MODES.includes(networkMode)) fail(`Invalid networkMode '${networkMode}': must be one of ${NETWORK_MODES.join(', ')}.`);
  const requires: string[] | undefined = input.requiresCompatibilities;
  for (const r of requires ?? []) if (!COMPATIBILITIES.includes(r)) fail(`Invalid requiresCompatibilities value '${r}': must be one of ${COMPATIBILITIES.join(', ')}.`);
  const defs = input.containerDefinitions as Json[] | undefined;
  if (!Array.isArray(defs) || defs.length === 0) fail('Container list cannot be empty.');
  const cpu = normaliseCpu(input.cpu);
  const memory = normaliseMemory(input.memory);
  const fargate = requires?.includes('FARGATE') ?? false;
  if (fargate) {
    if (networkMode !== 'awsvpc') fail("Fargate only supports network mode 'awsvpc'.");
    if (!cpu) fail("Fargate requires that 'cpu' be defined at the task level.");
    if (!memory) fail("Fargate requires that 'memory' be defined at the task level.");
    if (!fargatePairValid(cpu, memory)) {
      fail(`No Fargate configuration exists for given values: ${cpu} CPU, ${memory} memory. See the Amazon ECS documentation for the valid values.`);
    }
  }
  checkTaskSize(cpu, memory, fargate);
  const containerDefinitions = defs.map((c, i) => echoContainer(c, i, networkMode));
  const seen = new Set<string>();
  for (const c of containerDefinitions) {
    if (seen.has(c.name)) fail(`Duplicate container name '${c.name}': container names must be unique within a task definition.`);
    seen.add(c.name);
  }
  for (const c of containerDefinitions) {
    if (!memory && c.memory === undefined && c.memoryReservation === undefined) {
      fail(`Invalid setting for container '${c.name}'. At least one of 'memory' or 'memoryReservation' must be specified.`);
    }
    if (memory && c.memory !== undefined && c.memory > Number(memory)) {
      fail(`Invalid 'memory' setting for container '${c.name}'. The container memory (${c.memory} MiB) must be less than or equal to the task memory (${memory} MiB).`);
    }
    if (cpu && c.cpu > Number(cpu)) {
      fail(`Invalid 'cpu' setting for container '${c.name}'. The container cpu (${c.cpu}) must be less than or equal to the task cpu (${cpu}).`);
    }
    const driver = (c.logConfiguration as Json | undefined)?.logDriver;
    if (fargate && driver === 'awslogs' && !input.executionRoleArn) {
      fail('Fargate requires task definition to have execution role ARN to support log driver awslogs.');
    }
  }
  if (memory) {
    const reserved = containerDefinitions.reduce((sum, c) => sum + (c.memoryReservation ?? c.memory ?? 0), 0);
    if (reserved > Number(memory)) {
      fail(`The sum of the containers' memory reservations (${reserved} MiB) must be less than or equal to the task memory (${memory} MiB).`);
    }
  }
  if (cpu) {
    const total = containerDefinitions.reduce((sum, c) => sum + (c.cpu ?? 0), 0);
    if (total > Number(cpu)) fail(`The sum of the containers' cpu (${total}) must be less than or equal to the task cpu (${cpu}).`);
  }
  const compatibilities = ['EC2'];
  if (networkMode !== 'awsvpc') compatibilities.unshift('EXTERNAL');
  if (networkMode === 'awsvpc' && fargatePairValid(cpu, memory)) compatibilities.push('FARGATE');
  const { family: _f, containerDefinitions: _c, cpu: _cpu, memory: _m, networkMode: _n, requiresCompatibilities: _r, tags: _t, ...rest } = input;
  const extra: Json = { volumes: [], placementConstraints: [], ...rest };
  extra.placementConstraints = validateTaskDefinitionConstraints(input.placementConstraints);
  return clean({
    family: String(family),
    networkMode,
    containerDefinitions,
    cpu,
    memory,
    requiresCompatibilities: requires,
    compatibilities,
    requiresAttributes: requiresAttributes({ networkMode, containerDefinitions, executionRoleArn: input.executionRoleArn, taskRoleArn: input.taskRoleArn }),
    extra,
  });
}

/** The SDK `TaskDefinition` shape of a record. */
export function taskDefinitionOut(td: TaskDefinitionRecord): Json {
  return clean({
    taskDefinitionArn: td.taskDefinitionArn,
    containerDefinitions: td.containerDefinitions,
    family: td.family,
    ...td.extra,
    networkMode: td.networkMode,
    revision: td.revision,
    status: td.status,
    requiresAttributes: td.requiresAttributes,
    compatibilities: td.compatibilities,
    requiresCompatibilities: td.requiresCompatibilities,
    cpu: td.cpu,
    memory: td.memory,
    registeredAt: date(td.registeredAt),
    deregisteredAt: date(td.deregisteredAt),
    registeredBy: td.registeredBy,
  });
}

/** ECS RegisterTaskDefinition. */
export const RegisterTaskDefinition: OperationHandler = (input, ctx) => {
  const s = stateOf(ctx);
  const fields = validateTaskDefinition(input);
  const tags = validateTags(input.tags);
  const revisions = own(s.taskDefinitions, fields.family) ?? setOwn(s.taskDefinitions, fields.family, []);
  const revision = revisions.length + 1;
  const record: TaskDefinitionRecord = {
    ...fields,
    taskDefinitionArn: arn(ctx, 'ecs', `task-definition/${fields.family}:${revision}`),
    revision,
    status: 'ACTIVE',
    registeredAt: ctx.now().getTime(),
    registeredBy: arn(ctx, 'iam', 'root', ''),
  };
  revisions.push(record);
  putTags(s, record.taskDefinitionArn, tags);
  emit(ctx, EcsEvents.taskDefinitionRegistered, { taskDefinitionArn: record.taskDefinitionArn, family: record.family, revision });
  return clean({ taskDefinition: taskDefinitionOut(record), tags: tags.length ? tags : undefined });
};

function lookup(ctx: RequestContext, ref: unknown): TaskDefinitionRecord {
  if (typeof ref !== 'string' || ref === '') throw new AwsError('ClientException', 'taskDefinition must not be null or empty.');
  const td = findTaskDefinition(ctx.state, ref);
  if (!td) throw new AwsError('ClientException', 'Unable to describe task definition.');
  return td;
}

/** ECS DescribeTaskDefinition (family = latest ACTIVE, family:revision, or ARN; include TAGS). */
export const DescribeTaskDefinition: OperationHandler = (input, ctx) => {
  const td = lookup(ctx, input.taskDefinition);
  const include: string[] = input.include ?? [];
  return clean({
    taskDefinition: taskDefinitionOut(td),
    tags: include.includes('TAGS') ? tagsOf(stateOf(ctx), td.taskDefinitionArn) : undefined,
  });
};

function allRevisions(ctx: RequestContext): TaskDefinitionRecord[] {
  return Object.values(stateOf(ctx).taskDefinitions).flat();
}

/**
 * ECS ListTaskDefinitions. `familyPrefix` is the full family name (AWS
 * matches it exactly; see ERRATA 2.5). Sorted by family then revision.
 */
export const ListTaskDefinitions: OperationHandler = (input, ctx) => {
  const status: string = input.status ?? 'ACTIVE';
  if (!['ACTIVE', 'INACTIVE', 'DELETE_IN_PROGRESS'].includes(status)) {
    throw new AwsError('InvalidParameterException', `status must be ACTIVE, INACTIVE or DELETE_IN_PROGRESS, got: ${status}`);
  }
  const sort: string = input.sort ?? 'ASC';
  let items = allRevisions(ctx).filter((td) => td.status === status && (input.familyPrefix ? td.family === input.familyPrefix : true));
  items.sort((a, b) => (a.family === b.family ? a.revision - b.revision : a.family < b.family ? -1 : 1));
  if (sort === 'DESC') items = items.reverse();
  const { page, nextToken } = paginate(
    items.map((td) => td.taskDefinitionArn),
    input.nextToken,
    input.maxResults,
    { pageSize: 100, maxPageSize: 100 },
  );
  return clean({ taskDefinitionArns: page, nextToken });
};

/** ECS ListTaskDefinitionFamilies (`familyPrefix` is a prefix here; status ACTIVE/INACTIVE/ALL). */
export const ListTaskDefinitionFamilies: OperationHandler = (input, ctx) => {
  const s = stateOf(ctx);
  const status: string = input.status ?? 'ACTIVE';
  const families = Object.entries(s.taskDefinitions)
    .filter(([family]) => !input.familyPrefix || family.startsWith(String(input.familyPrefix)))
    .filter(([, revs]) => {
      const hasActive = revs.some((r) => r.status === 'ACTIVE');
      if (status === 'ALL') return true;
      return status === 'ACTIVE' ? hasActive : !hasActive;
    })
    .map(([family]) => family)
    .sort();
  const { page, nextToken } = paginate(families, input.nextToken, input.maxResults, { pageSize: 100, maxPageSize: 100 });
  return clean({ families: page, nextToken });
};

/** ECS DeregisterTaskDefinition (→ INACTIVE; needs family:revision or ARN). */
export const DeregisterTaskDefinition: OperationHandler = (input, ctx) => {
  const ref = input.taskDefinition;
  if (typeof ref !== 'string' || ref === '') throw new AwsError('ClientException', 'taskDefinition must not be null or empty.');
  const short = ref.startsWith('arn:') ? ref.slice(ref.indexOf('/') + 1) : ref;
  if (!/:\d+$/.test(short)) {
    throw new AwsError('ClientException', 'Invalid revision number. Number: ' + (short.split(':')[1] ?? ''));
  }
  const td = findTaskDefinition(ctx.state, ref);
  if (!td || td.status === 'DELETE_IN_PROGRESS') throw new AwsError('ClientException', 'The specified task definition does not exist.');
  if (td.status === 'ACTIVE') {
    td.status = 'INACTIVE';
    td.deregisteredAt = ctx.now().getTime();
  }
  return { taskDefinition: taskDefinitionOut(td) };
};

/** ECS DeleteTaskDefinitions (INACTIVE revisions → DELETE_IN_PROGRESS; others are failures). */
export const DeleteTaskDefinitions: OperationHandler = (input, ctx) => {
  const refs = refList(input.taskDefinitions, 'taskDefinitions', 10, 'taskDefinitions must not be empty.');
  const taskDefinitions: Json[] = [];
  const failures: Json[] = [];
  for (const ref of refs as string[]) {
    const td = /:\d+$/.test(ref) ? findTaskDefinition(ctx.state, ref) : undefined;
    const arnFor = ref.startsWith('arn:') ? ref : arn(ctx, 'ecs', `task-definition/${ref}`);
    if (!td) {
      failures.push({ arn: arnFor, reason: 'The specified task definition does not exist.' });
    } else if (td.status === 'ACTIVE') {
      failures.push({ arn: td.taskDefinitionArn, reason: 'The specified task definition is still in ACTIVE status. Please deregister the target and try again.' });
    } else {
      td.status = 'DELETE_IN_PROGRESS';
      taskDefinitions.push(taskDefinitionOut(td));
    }
  }
  return { taskDefinitions, failures };
};
