/**
 * The structure of persisted local-cloud state, checked when a state file
 * or journal is loaded: `accounts → regions → service slices`, and in each
 * known slice its collections (`ecs.clusters`: id → record object, …). A
 * wrong shape (`"clusters": "x"`, a `null` record) is reported with the
 * path of the bad value instead of failing later inside a handler or the
 * runtime. Record contents are the services' business and are not checked
 * field by field; slices and fields this table does not know (a newer
 * version's, or a test service's) only have to be JSON objects.
 *
 * @internal
 */
import { AUTOSCALING_KEY } from '../services/autoscaling/state.js';
import { CLOUD_MAP_KEY } from '../services/cloudmap/state.js';
import { CLOUDWATCH_KEY } from '../services/cloudwatch/state.js';
import { ECS_SLICE } from '../services/ecs/state.js';
import { ELBV2_SLICE } from '../services/elbv2/state.js';
import { LOGS_KEY } from '../services/logs/state.js';

/** How a slice field is stored. */
type FieldKind =
  /** id → record object. */
  | 'records'
  /** id → array of record objects (task definition revisions, tag lists). */
  | 'lists'
  /** name → string (account settings). */
  | 'strings'
  /** array of record objects, only appended to and trimmed at the front (alarm history). */
  | 'list'
  /** a number (a revision counter). */
  | 'number';

const SLICES: Readonly<Record<string, Readonly<Record<string, FieldKind>>>> = {
  [ECS_SLICE]: {
    clusters: 'records',
    taskDefinitions: 'lists',
    services: 'records',
    serviceDeployments: 'records',
    serviceRevisions: 'records',
    tasks: 'records',
    containerInstances: 'records',
    tags: 'lists',
    accountSettings: 'strings',
    capacityProviders: 'records',
  },
  [LOGS_KEY]: { groups: 'records', resourcePolicies: 'records', destinations: 'records', deliverySources: 'records', deliveryDestinations: 'records', deliveries: 'records' },
  [CLOUDWATCH_KEY]: { metrics: 'records', alarms: 'records', history: 'list', dashboards: 'records', tags: 'records' },
  [CLOUD_MAP_KEY]: { namespaces: 'records', services: 'records', instances: 'records', operations: 'records', tags: 'records', revision: 'number' },
  [AUTOSCALING_KEY]: { targets: 'records', policies: 'records', activities: 'lists', tags: 'records', scheduledActions: 'records' },
  [ELBV2_SLICE]: { loadBalancers: 'records', targetGroups: 'records', listeners: 'records', rules: 'records', tags: 'lists' },
  ec2: { vpcs: 'records', subnets: 'records', securityGroups: 'records', internetGateways: 'records', routeTables: 'records', instances: 'records', tags: 'records' },
  ecr: { repositories: 'records', images: 'records' },
  iam: { roles: 'records', instanceProfiles: 'records' },
};

/** `true` for slice fields that are lists only appended to and trimmed at the front (journaled as deltas). */
export function isAppendOnlyList(slice: string, field: string): boolean {
  return SLICES[slice]?.[field] === 'list';
}

/** What is wrong at which path: `path` is `['123456789012', 'us-east-1', 'ecs', 'clusters', …]` below `accounts`. */
export interface ShapeProblem {
  readonly path: readonly string[];
  readonly expected: string;
  readonly value: unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const EXPECTED: Record<FieldKind, string> = {
  records: 'an object of records (id → {…})',
  lists: 'an object of lists (id → [{…}, …])',
  strings: 'an object of strings (name → "value")',
  list: 'a list of records ([{…}, …])',
  number: 'a number',
};

/** Renders a path below `accounts` as `accounts["123456789012"]["us-east-1"].ecs.clusters["arn:…"]`. */
export function describePath(path: readonly string[]): string {
  return `accounts${path.map((key) => (/^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`)).join('')}`;
}

function checkList(value: unknown, path: readonly string[]): ShapeProblem | undefined {
  if (!Array.isArray(value)) return { path, expected: 'a list of records ([{…}, …])', value };
  const bad = value.findIndex((item) => !isObject(item));
  return bad < 0 ? undefined : { path: [...path, String(bad)], expected: 'a record object', value: value[bad] };
}

/** Checks one value stored at `path` (any depth from an account down to a record); the first problem, or undefined. */
export function checkValue(path: readonly string[], value: unknown): ShapeProblem | undefined {
  const [, , slice, field] = path;
  if (path.length <= 3 && !isObject(value)) return { path, expected: ['an object of regions', 'an object of service slices', 'a service slice object'][path.length - 1] ?? 'an object', value };
  if (path.length === 1) return eachEntry(value as object, (region, v) => checkValue([...path, region], v));
  if (path.length === 2) return eachEntry(value as object, (name, v) => checkValue([...path, name], v));
  const kinds = SLICES[slice!];
  if (path.length === 3) return kinds ? eachEntry(value as object, (name, v) => checkValue([...path, name], v)) : undefined;
  const kind = kinds?.[field!];
  if (!kind) return undefined;
  if (path.length === 4) return checkField(path, kind, value);
  if (path.length === 5) return checkEntry(path, kind, value);
  return undefined;
}

function checkField(path: readonly string[], kind: FieldKind, value: unknown): ShapeProblem | undefined {
  if (kind === 'number') return typeof value === 'number' && Number.isFinite(value) ? undefined : { path, expected: EXPECTED.number, value };
  if (kind === 'list') return checkList(value, path);
  if (!isObject(value)) return { path, expected: EXPECTED[kind], value };
  return eachEntry(value, (id, entry) => checkEntry([...path, id], kind, entry));
}

function checkEntry(path: readonly string[], kind: FieldKind, value: unknown): ShapeProblem | undefined {
  if (kind === 'records') return isObject(value) ? undefined : { path, expected: 'a record object', value };
  if (kind === 'lists') return checkList(value, path);
  if (kind === 'strings') return typeof value === 'string' ? undefined : { path, expected: 'a string', value };
  return { path, expected: `nothing (${path.slice(0, -1).join('.')} is ${EXPECTED[kind]})`, value };
}

function eachEntry(object: object, check: (key: string, value: unknown) => ShapeProblem | undefined): ShapeProblem | undefined {
  for (const [key, value] of Object.entries(object)) {
    const problem = check(key, value);
    if (problem) return problem;
  }
  return undefined;
}

/** Checks a whole `accounts` object; the first problem, or undefined. */
export function checkAccounts(accounts: unknown): ShapeProblem | undefined {
  if (!isObject(accounts)) return { path: [], expected: 'an object of accounts', value: accounts };
  return eachEntry(accounts, (account, v) => checkValue([account], v));
}

/** A short rendering of a bad value for a message. */
export function preview(value: unknown): string {
  const text = value === undefined ? 'undefined' : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
