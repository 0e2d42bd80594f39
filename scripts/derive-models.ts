#!/usr/bin/env -S node --import tsx
/**
 * Derives the local cloud's model data from the published AWS service
 * models (botocore's `data/<service>/<date>/service-2.json[.gz]`): the
 * input shapes its validation checks requests against, and the output
 * shapes and error codes `conformance.ts` checks its responses against.
 *
 * For every service in `src/local/services/index.ts` it finds the model whose
 * signing name (and JSON target prefix, or Query API version) matches, keeps
 * only the input shapes of the operations that service serves, translates
 * the models' Java patterns to JavaScript (counting those it cannot), lists
 * the operations with no output shape (their Query answer has no
 * `<OpResult>`), and writes `src/local/models/data/<service>.ts` plus
 * `data/index.ts`; and the output shapes of the same operations plus the
 * service's error codes to `data/output/<service>.ts` and
 * `data/output/index.ts` (a separate module tree, so the local cloud loads
 * it only when it checks its responses).
 *
 * Run: `npm run models` (botocore from `python3`, or `BOTOCORE_DATA=<dir>`).
 * Nothing here runs at run time; the generated files are committed.
 *
 * @internal
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { ServiceDefinition } from '../src/local/core/types.ts';
import { constraintCode } from '../src/local/models/errors.ts';
import { compileModelPattern, translateJavaPattern } from '../src/local/models/java-regex.ts';
import type { MemberRef, ModelProtocol, OutputMemberRef, OutputModel, OutputOperation, OutputShape, ServiceModel, Shape } from '../src/local/models/types.ts';
import { services } from '../src/local/services/index.ts';
import { OPERATIONS_DOC, readBaseline, renderOperationsTable, replaceTable, type OperationsRow } from './operations-table.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'src/local/models/data');
/** Output models: a separate module tree, loaded only when responses are checked (`ECSKIT_CONFORMANCE_LOG`). */
const outputDir = join(outDir, 'output');

interface RawMember {
  shape: string;
  locationName?: string;
  queryName?: string;
  flattened?: boolean;
  location?: string;
}
interface RawShape {
  type: string;
  members?: Record<string, RawMember>;
  required?: string[];
  member?: { shape: string; locationName?: string };
  key?: { shape: string; locationName?: string };
  value?: { shape: string; locationName?: string };
  min?: number;
  max?: number;
  enum?: string[];
  pattern?: string;
  document?: boolean;
  flattened?: boolean;
  timestampFormat?: 'iso8601' | 'unixTimestamp' | 'rfc822';
  union?: boolean;
  exception?: boolean;
  error?: { code?: string };
}
interface RawModel {
  metadata: { apiVersion: string; protocol: string; protocols?: string[]; signingName?: string; endpointPrefix: string; targetPrefix?: string };
  operations: Record<string, { input?: { shape: string }; output?: { shape: string; resultWrapper?: string }; errors?: { shape: string }[] }>;
  shapes: Record<string, RawShape>;
}

function botocoreData(): { dir: string; version: string } {
  const fromEnv = process.env['BOTOCORE_DATA'];
  if (fromEnv) return { dir: fromEnv, version: 'unknown' };
  const out = execFileSync('python3', ['-c', 'import botocore,os;print(os.path.dirname(botocore.__file__));print(botocore.__version__)'], { encoding: 'utf8' });
  const [dir, version] = out.trim().split('\n');
  return { dir: join(dir!, 'data'), version: version ?? 'unknown' };
}

function readModel(path: string): RawModel {
  const raw = readFileSync(path);
  return JSON.parse((path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8')) as RawModel;
}

/** Newest model of each botocore service directory. */
function* latestModels(dataDir: string): Generator<{ name: string; date: string; path: string }> {
  for (const name of readdirSync(dataDir)) {
    const serviceDir = join(dataDir, name);
    let dates: string[];
    try {
      dates = readdirSync(serviceDir).filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d)).sort();
    } catch {
      continue;
    }
    for (const date of dates.reverse()) {
      const base = join(serviceDir, date, 'service-2.json');
      const path = existsSync(`${base}.gz`) ? `${base}.gz` : existsSync(base) ? base : undefined;
      if (path) {
        yield { name, date, path };
        break;
      }
    }
  }
}

/** The botocore model a local service definition implements. */
function findModel(def: ServiceDefinition, dataDir: string): { name: string; date: string; model: RawModel } {
  const candidates: { name: string; date: string; model: RawModel }[] = [];
  for (const entry of latestModels(dataDir)) {
    const model = readModel(entry.path);
    const signing = model.metadata.signingName ?? model.metadata.endpointPrefix;
    if (signing === def.signingName) candidates.push({ name: entry.name, date: entry.date, model });
  }
  const pick =
    candidates.length === 1
      ? candidates[0]
      : candidates.find((c) => (def.targetPrefix ? c.model.metadata.targetPrefix === def.targetPrefix : !!def.xmlNamespace?.includes(c.model.metadata.apiVersion)));
  if (!pick) throw new Error(`No botocore model matches the local service ${def.signingName} (candidates: ${candidates.map((c) => c.name).join(', ') || 'none'}).`);
  return pick;
}

function protocolOf(model: RawModel): ModelProtocol {
  const protocols = model.metadata.protocols ?? [model.metadata.protocol];
  if (protocols.includes('ec2')) return 'ec2';
  if (protocols.includes('json')) return 'json';
  return 'query';
}

/** Name a member is sent under in the Query/EC2 form (the EC2 rules: queryName, else capitalised locationName). */
function wireName(protocol: ModelProtocol, name: string, member: { locationName?: string; queryName?: string }): string {
  if (protocol === 'ec2') {
    if (member.queryName) return member.queryName;
    const base = member.locationName ?? name;
    return base.charAt(0).toUpperCase() + base.slice(1);
  }
  if (protocol === 'query') return member.locationName ?? name;
  return name;
}

interface Stats {
  patterns: number;
  skipped: string[];
}

function compactShape(raw: RawShape, protocol: ModelProtocol, stats: Stats): Shape {
  const bounds = { ...(raw.min !== undefined ? { min: raw.min } : {}), ...(raw.max !== undefined ? { max: raw.max } : {}) };
  if (raw.document) return { t: 'document' };
  switch (raw.type) {
    case 'structure': {
      const m: Record<string, MemberRef> = {};
      for (const [name, member] of Object.entries(raw.members ?? {})) {
        const wire = wireName(protocol, name, member);
        m[name] = wire === name ? member.shape : [member.shape, wire];
      }
      return { t: 'structure', m, ...(raw.required?.length ? { r: raw.required } : {}) };
    }
    case 'list':
      return { t: 'list', m: raw.member!.shape, ...bounds };
    case 'map':
      return { t: 'map', k: raw.key!.shape, v: raw.value!.shape, ...bounds };
    case 'string': {
      let pattern: { p: string; j?: string; x?: 1 } | undefined;
      if (raw.pattern !== undefined) {
        stats.patterns++;
        const js = translateJavaPattern(raw.pattern);
        if (js === undefined || !compileModelPattern(js)) {
          stats.skipped.push(raw.pattern);
          pattern = { p: raw.pattern, x: 1 };
        } else pattern = js === raw.pattern ? { p: raw.pattern } : { p: raw.pattern, j: js };
      }
      return { t: 'string', ...bounds, ...(raw.enum ? { e: raw.enum } : {}), ...pattern };
    }
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
      return { t: raw.type, ...bounds };
    case 'boolean':
    case 'timestamp':
    case 'blob':
      return { t: raw.type };
    default:
      throw new Error(`Unsupported shape type ${raw.type}`);
  }
}

/** The compact model of the operations `def` serves. */
function derive(def: ServiceDefinition, name: string, model: RawModel, stats: Stats): { compact: ServiceModel; missing: string[] } {
  const protocol = protocolOf(model);
  const operations: Record<string, string> = {};
  const shapes: Record<string, Shape> = {};
  const missing: string[] = [];
  const visit = (shapeName: string) => {
    if (Object.hasOwn(shapes, shapeName)) return;
    const raw = model.shapes[shapeName];
    if (!raw) throw new Error(`${name}: shape ${shapeName} is not in the model`);
    const shape = compactShape(raw, protocol, stats);
    shapes[shapeName] = shape;
    if (shape.t === 'structure') for (const ref of Object.values(shape.m)) visit(typeof ref === 'string' ? ref : ref[0]);
    else if (shape.t === 'list') visit(shape.m);
    else if (shape.t === 'map') {
      visit(shape.k);
      visit(shape.v);
    }
  };
  // Operations whose model declares ValidationException but not the service's usual constraint
  // code (the newer CloudWatch Logs delivery APIs): their invalid input is a ValidationException.
  const usual = constraintCode(def.signingName, protocol);
  const validationExceptionOperations: string[] = [];
  // Operations with no output shape: AWS answers them in Query with no <OpResult> element.
  const noOutputOperations: string[] = [];
  for (const op of Object.keys(def.operations).sort()) {
    const operation = model.operations[op];
    if (!operation) {
      missing.push(op);
      continue;
    }
    const input = operation.input?.shape;
    if (input) {
      operations[op] = input;
      visit(input);
    } else operations[op] = '';
    if (!operation.output) noOutputOperations.push(op);
    const errors = (operation.errors ?? []).map((e) => e.shape);
    if (usual !== 'ValidationException' && errors.includes('ValidationException') && !errors.includes(usual)) validationExceptionOperations.push(op);
  }
  return {
    compact: {
      service: name,
      version: model.metadata.apiVersion,
      protocol,
      operations,
      shapes,
      ...(validationExceptionOperations.length > 0 && { validationExceptionOperations }),
      ...(noOutputOperations.length > 0 && { noOutputOperations }),
    },
    missing,
  };
}

/** Where a member travels outside the body (headers, status code): not part of the response document. */
const outsideBody = (member: RawMember) => member.location !== undefined && member.location !== 'body';

/** The compact output form of one shape: names on the wire, nesting, enums; no length or pattern constraints. */
function compactOutputShape(raw: RawShape): OutputShape {
  if (raw.document) return { t: 'document' };
  switch (raw.type) {
    case 'structure': {
      const m: Record<string, OutputMemberRef> = {};
      const body = Object.entries(raw.members ?? {}).filter(([, member]) => !outsideBody(member));
      for (const [name, member] of body) {
        const wire = member.locationName ?? name;
        m[name] = member.flattened ? [member.shape, wire, 1] : wire === name ? member.shape : [member.shape, wire];
      }
      const required = (raw.required ?? []).filter((name) => body.some(([n]) => n === name));
      return { t: 'structure', m, ...(required.length ? { r: required } : {}), ...(raw.union ? { u: 1 as const } : {}) };
    }
    case 'list': {
      const item = raw.member!.locationName;
      return { t: 'list', m: raw.member!.shape, ...(item && item !== 'member' ? { n: item } : {}), ...(raw.flattened ? { f: 1 as const } : {}) };
    }
    case 'map': {
      const kn = raw.key!.locationName;
      const vn = raw.value!.locationName;
      return {
        t: 'map',
        k: raw.key!.shape,
        v: raw.value!.shape,
        ...(kn && kn !== 'key' ? { kn } : {}),
        ...(vn && vn !== 'value' ? { vn } : {}),
        ...(raw.flattened ? { f: 1 as const } : {}),
      };
    }
    case 'string':
      return { t: 'string', ...(raw.enum ? { e: raw.enum } : {}) };
    case 'timestamp':
      return { t: 'timestamp', ...(raw.timestampFormat ? { tf: raw.timestampFormat } : {}) };
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
    case 'boolean':
    case 'blob':
      return { t: raw.type };
    default:
      throw new Error(`Unsupported shape type ${raw.type}`);
  }
}

/**
 * Error codes the AWS documentation lists for a service whose model declares
 * none, as data: signing name → codes. EC2's model has no error shapes; its
 * codes are in "Error codes for the Amazon EC2 API"
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html).
 * These are the ones the local cloud answers with (and a few close relatives).
 */
const DOCUMENTED_ERRORS: Readonly<Record<string, readonly string[]>> = {
  ec2: [
    'AuthFailure', 'CannotDelete', 'DefaultSubnetAlreadyExistsInAvailabilityZone', 'DefaultVpcAlreadyExists', 'DependencyViolation',
    'DryRunOperation', 'Gateway.NotAttached', 'IdempotentParameterMismatch', 'IncorrectInstanceState', 'IncorrectState', 'InstanceLimitExceeded',
    'InsufficientFreeAddressesInSubnet', 'InsufficientInstanceCapacity', 'InternalError', 'InvalidAMIID.Malformed', 'InvalidAMIID.NotFound',
    'InvalidAssociationID.NotFound', 'InvalidFilter', 'InvalidGatewayID.NotFound', 'InvalidGroup.Duplicate', 'InvalidGroup.NotFound',
    'InvalidGroupId.Malformed', 'InvalidID', 'InvalidInstanceID.Malformed', 'InvalidInstanceID.NotFound', 'InvalidInstanceType',
    'InvalidInternetGatewayID.NotFound', 'InvalidIPAddress.InUse', 'InvalidKeyPair.NotFound', 'InvalidNatGatewayID.NotFound',
    'InvalidNetworkInterfaceID.NotFound', 'InvalidPaginationToken', 'InvalidParameter', 'InvalidPermission.Duplicate', 'InvalidPermission.NotFound',
    'InvalidPrefixListID.NotFound', 'InvalidRequest', 'InvalidRoute.NotFound', 'InvalidRouteTableID.NotFound', 'InvalidSubnet.Conflict',
    'InvalidSubnet.Range', 'InvalidSubnetID.Malformed', 'InvalidSubnetID.NotFound', 'InvalidTransitGatewayID.NotFound', 'InvalidUserData.Malformed',
    'InvalidVpc.Range', 'InvalidVpcID.Malformed', 'InvalidVpcID.NotFound', 'InvalidVpcPeeringConnectionID.NotFound', 'MissingInput',
    'NatGatewayNotFound', 'OperationNotPermitted', 'RequestLimitExceeded', 'Resource.AlreadyAssociated', 'RouteAlreadyExists', 'TagLimitExceeded',
    'UnauthorizedOperation', 'Unavailable', 'UnknownParameter', 'Unsupported', 'UnsupportedOperation', 'VcpuLimitExceeded', 'VPCIdNotSpecified',
  ],
};

/** The compact output model of the operations `def` serves: output shapes, Query result wrappers, error codes. */
function deriveOutput(def: ServiceDefinition, name: string, model: RawModel): OutputModel {
  const operations: Record<string, OutputOperation> = {};
  const shapes: Record<string, OutputShape> = {};
  const errors: Record<string, string> = {};
  const visit = (shapeName: string) => {
    if (Object.hasOwn(shapes, shapeName)) return;
    const raw = model.shapes[shapeName];
    if (!raw) throw new Error(`${name}: shape ${shapeName} is not in the model`);
    const shape = compactOutputShape(raw);
    shapes[shapeName] = shape;
    if (shape.t === 'structure') for (const ref of Object.values(shape.m)) visit(typeof ref === 'string' ? ref : ref[0]);
    else if (shape.t === 'list') visit(shape.m);
    else if (shape.t === 'map') {
      visit(shape.k);
      visit(shape.v);
    }
  };
  for (const op of Object.keys(def.operations).sort()) {
    const operation = model.operations[op];
    if (!operation) continue;
    const output = operation.output?.shape;
    // Each declared error by shape name and, when it differs, by its Query code (CloudWatch's DashboardNotFoundError is `ResourceNotFound`).
    const declared = [...new Set((operation.errors ?? []).flatMap((e) => [e.shape, model.shapes[e.shape]?.error?.code ?? e.shape]))];
    operations[op] = {
      ...(output ? { o: output } : {}),
      ...(operation.output?.resultWrapper ? { w: operation.output.resultWrapper } : {}),
      ...(declared.length ? { e: declared } : {}),
    };
    if (output) visit(output);
  }
  for (const [shapeName, raw] of Object.entries(model.shapes).sort(([a], [b]) => a.localeCompare(b))) {
    if (!raw.exception && !raw.error) continue;
    errors[shapeName] = shapeName;
    if (raw.error?.code && raw.error.code !== shapeName && !Object.hasOwn(errors, raw.error.code)) errors[raw.error.code] = shapeName;
    visit(shapeName);
  }
  for (const code of DOCUMENTED_ERRORS[def.signingName] ?? []) if (!Object.hasOwn(errors, code)) errors[code] = '';
  for (const [shapeName, { values }] of Object.entries(DOCUMENTED_ENUM_VALUES[def.signingName] ?? {})) {
    const shape = shapes[shapeName];
    if (!shape || shape.t !== 'string' || !shape.e) throw new Error(`${def.signingName} ${shapeName}: no output enum to extend`);
    shapes[shapeName] = { ...shape, e: [...shape.e, ...values.filter((v) => !shape.e!.includes(v))] };
  }
  return { service: name, version: model.metadata.apiVersion, protocol: protocolOf(model), operations, errors, shapes };
}

/**
 * Enum values AWS documents (and sends) that the model's enum leaves out, as
 * data: signing name → enum shape → values, each with the page that says so.
 */
const DOCUMENTED_ENUM_VALUES: Readonly<Record<string, Readonly<Record<string, { values: readonly string[]; reference: string }>>>> = {
  ec2: {
    // "For an internet gateway, the state is available when attached to a VPC; otherwise, this value is not returned."
    AttachmentStatus: { values: ['available'], reference: 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_InternetGatewayAttachment.html' },
  },
};

/**
 * Ranges the AWS API reference documents but the model leaves out, as data:
 * signing name → operation → input member → bounds. ECS's list operations
 * say "This value can be between 1 and 100" (ListAccountSettings: 1 and 10).
 */
const DOCUMENTED_RANGES: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, { min: number; max: number }>>>>>> = {
  ecs: {
    ...Object.fromEntries(
      ['ListClusters', 'ListContainerInstances', 'ListServices', 'ListServicesByNamespace', 'ListServiceDeployments', 'ListTaskDefinitionFamilies', 'ListTaskDefinitions', 'ListTasks'].map((op) => [
        op,
        { maxResults: { min: 1, max: 100 } },
      ]),
    ),
    ListAccountSettings: { maxResults: { min: 1, max: 10 } },
  },
};

/** Points each documented member at a copy of its number shape with the documented bounds. */
function applyDocumentedRanges(signingName: string, compact: ServiceModel): number {
  const shapes = compact.shapes as Record<string, Shape>;
  let applied = 0;
  for (const [op, members] of Object.entries(DOCUMENTED_RANGES[signingName] ?? {})) {
    const input = compact.operations[op] ? shapes[compact.operations[op]!] : undefined;
    if (!input || input.t !== 'structure') continue;
    for (const [member, range] of Object.entries(members)) {
      const ref = input.m[member];
      const base = ref === undefined ? undefined : typeof ref === 'string' ? ref : ref[0];
      const shape = base ? shapes[base] : undefined;
      if (!base || !shape || (shape.t !== 'integer' && shape.t !== 'long')) throw new Error(`${signingName} ${op}.${member}: no number member to bound`);
      const name = `${base}$${range.min}-${range.max}`;
      shapes[name] = { t: shape.t, min: range.min, max: range.max };
      (input.m as Record<string, MemberRef>)[member] = typeof ref === 'string' ? name : [name, (ref as readonly [string, string])[1]];
      applied++;
    }
  }
  return applied;
}

const ident = (signingName: string) => signingName.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

function main(): void {
  const { dir, version } = botocoreData();
  mkdirSync(outputDir, { recursive: true });
  const index: string[] = [];
  let totalBytes = 0;
  const report: string[] = [];
  const rows: OperationsRow[] = [];
  for (const def of services) {
    const { name, date, model } = findModel(def, dir);
    rows.push({ service: def, modelOperations: Object.keys(model.operations).length, modelDate: date });
    const stats: Stats = { patterns: 0, skipped: [] };
    const { compact, missing } = derive(def, name, model, stats);
    const documented = applyDocumentedRanges(def.signingName, compact);
    const file = `${def.signingName}.ts`;
    const header =
      `/**\n * Input model of ${def.signingName}: botocore ${version}, data/${name}/${date}/service-2.json.\n` +
      ` * Generated by scripts/derive-models.ts (npm run models); do not edit.\n` +
      (missing.length ? ` * Served but not in the model (not validated): ${missing.join(', ')}.\n` : '') +
      (stats.skipped.length ? ` * Patterns JavaScript cannot express (not checked): ${stats.skipped.length} of ${stats.patterns}.\n` : '') +
      (documented ? ` * Plus ${documented} ranges from the AWS API reference that the model omits (DOCUMENTED_RANGES).\n` : '') +
      ` *\n * @internal\n */\n`;
    const body = `${header}import type { ServiceModel } from '../types.js';\n\n/** ${def.signingName} input model (${compact.version}). */\nexport const model: ServiceModel = ${JSON.stringify(compact)};\n`;
    writeFileSync(join(outDir, file), body);
    totalBytes += Buffer.byteLength(body);
    index.push(`  ${JSON.stringify(def.signingName)}: ${ident(def.signingName)},`);
    report.push(
      `${def.signingName.padEnd(24)} ${name}/${date}  ${Object.keys(compact.operations).length} ops, ${Object.keys(compact.shapes).length} shapes, ${Buffer.byteLength(body)} bytes, patterns ${stats.patterns - stats.skipped.length}/${stats.patterns}` +
        (missing.length ? `, not in model: ${missing.join(', ')}` : ''),
    );
    for (const p of stats.skipped) report.push(`    skipped pattern: ${p}`);

    const output = deriveOutput(def, name, model);
    const documentedErrors = (DOCUMENTED_ERRORS[def.signingName] ?? []).length;
    const documentedEnums = Object.values(DOCUMENTED_ENUM_VALUES[def.signingName] ?? {}).reduce((n, d) => n + d.values.length, 0);
    const outputHeader =
      `/**\n * Output model of ${def.signingName}: botocore ${version}, data/${name}/${date}/service-2.json.\n` +
      ` * Generated by scripts/derive-models.ts (npm run models); do not edit.\n` +
      ` * Response shapes of the served operations and the service's error codes, for conformance.ts.\n` +
      (documentedErrors ? ` * Plus ${documentedErrors} error codes from the AWS documentation that the model omits (DOCUMENTED_ERRORS).\n` : '') +
      (documentedEnums ? ` * Plus ${documentedEnums} enum values from the AWS API reference that the model omits (DOCUMENTED_ENUM_VALUES).\n` : '') +
      ` *\n * @internal\n */\n`;
    const outputBody = `${outputHeader}import type { OutputModel } from '../../types.js';\n\n/** ${def.signingName} output model (${output.version}). */\nexport const output: OutputModel = ${JSON.stringify(output)};\n`;
    writeFileSync(join(outputDir, file), outputBody);
    totalBytes += Buffer.byteLength(outputBody);
    report.push(
      `${''.padEnd(24)} output: ${Object.keys(output.operations).length} ops, ${Object.keys(output.shapes).length} shapes, ${Object.keys(output.errors).length} error codes, ${Buffer.byteLength(outputBody)} bytes`,
    );
  }
  const imports = services.map((d) => `import { model as ${ident(d.signingName)} } from './${d.signingName}.js';`).join('\n');
  const indexBody =
    `/**\n * Input models by SigV4 signing name. Generated by scripts/derive-models.ts; do not edit.\n *\n * @internal\n */\n` +
    `import type { ServiceModel } from '../types.js';\n${imports}\n\n/** Every served service's input model, by signing name. */\nexport const models: Readonly<Record<string, ServiceModel>> = {\n${index.join('\n')}\n};\n`;
  writeFileSync(join(outDir, 'index.ts'), indexBody);
  totalBytes += Buffer.byteLength(indexBody);
  const outputImports = services.map((d) => `import { output as ${ident(d.signingName)} } from './${d.signingName}.js';`).join('\n');
  const outputIndexBody =
    `/**\n * Output models by SigV4 signing name. Generated by scripts/derive-models.ts; do not edit.\n *\n * @internal\n */\n` +
    `import type { OutputModel } from '../../types.js';\n${outputImports}\n\n/** Every served service's output model, by signing name. */\nexport const outputModels: Readonly<Record<string, OutputModel>> = {\n${index.join('\n')}\n};\n`;
  writeFileSync(join(outputDir, 'index.ts'), outputIndexBody);
  totalBytes += Buffer.byteLength(outputIndexBody);
  // docs/local-cloud.md's operations table: served now, before issue 13, and in each model.
  writeFileSync(OPERATIONS_DOC, replaceTable(readFileSync(OPERATIONS_DOC, 'utf8'), renderOperationsTable(rows, readBaseline())));
  console.log(report.join('\n'));
  console.log(`total ${totalBytes} bytes in ${outDir}`);
  console.log(`operations table written to ${OPERATIONS_DOC}`);
}

main();
