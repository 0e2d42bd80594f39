/**
 * Response conformance: checks a response the local cloud sent against the
 * AWS model of its operation (the output models in `data/output/`, derived
 * from botocore by `scripts/derive-models.ts`, like the input models).
 *
 * What a violation is:
 * - a member the output shape does not declare (JSON key or XML element);
 * - a value of the wrong type: string, integer/long (whole numbers),
 *   float/double, boolean, timestamp (epoch seconds in JSON, ISO 8601 text in
 *   XML), blob, list, map, structure; `null` in JSON (AWS leaves absent
 *   members out);
 * - a string outside the model's enum (AWS documents enums as open, for
 *   clients; the emulator must only send listed values);
 * - a required member missing, two members of a union set;
 * - for XML: the wrong envelope (`<OpResponse><OpResult>…`, EC2's
 *   `<OpResponse><requestId/>…`; an `<OpResult>` for an operation whose model
 *   has no output shape, or none for one that has), list items not named as the model says,
 *   text where elements belong and elements where text belongs;
 * - an error code the service's model does not declare (nor the AWS common
 *   errors); one the model has, but not on this operation, is a *note*
 *   (`note: true`), not a violation: the per-operation error lists of the
 *   models are incomplete, and AWS answers with codes they omit;
 * - a body that is not JSON or well-formed XML.
 *
 * Paths are JSON-pointer-like over the names on the wire, list items by index:
 * `/services/0/deployments/1/rolloutState`, `/LoadBalancers/0/State/Code`.
 *
 * Loaded only when responses are checked (`ECSKIT_CONFORMANCE_LOG`, see
 * `conformance-log.ts`); nothing on the serving path imports it.
 *
 * @internal
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { outputModels } from './data/output/index.js';
import type { OutputListShape, OutputMapShape, OutputMemberRef, OutputModel, OutputShape, OutputStructureShape } from './types.js';

/** One way a response differs from its model. */
export interface ConformanceViolation {
  /** Signing name, e.g. `ecs`. */
  readonly service: string;
  /** Operation, e.g. `DescribeServices`. */
  readonly operation: string;
  /** Where in the body: `/services/0/status`; `` for the body itself. */
  readonly path: string;
  /** What is wrong, e.g. `unknown member "foo"`. */
  readonly problem: string;
  /**
   * `true` for a finding that is not a failure: an error code the service's
   * model has, but not on this operation (the models' per-operation error
   * lists are known to be incomplete; AWS answers with codes they omit).
   */
  readonly note?: true;
}

/** A response as sent on the wire. */
export interface ResponseToCheck {
  /** Signing name of the service that answered. */
  readonly service: string;
  /** Operation the request named (may be one the service does not have). */
  readonly operation: string;
  /** HTTP status; 300 and above is an error response. */
  readonly status: number;
  /** The `content-type` header. */
  readonly contentType?: string;
  /** The body text. */
  readonly body: string;
}

/**
 * Errors every AWS service may answer with, beyond its model: the AWS
 * "Common Errors" list (e.g. https://docs.aws.amazon.com/AmazonECS/latest/APIReference/CommonErrors.html),
 * the JSON protocols' own (`SerializationException`, `UnknownOperationException`,
 * `UnrecognizedClientException`), the Query services' server error
 * `InternalError`, and the signature errors of each protocol's naming
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/signature-v4-troubleshooting.html).
 */
export const COMMON_ERRORS: ReadonlySet<string> = new Set([
  'AccessDeniedException',
  'IncompleteSignatureException',
  'InvalidSignatureException',
  'MissingAuthenticationTokenException',
  'SignatureDoesNotMatch',
  'ExpiredTokenException',
  'IncompleteSignature',
  'InternalFailure',
  'InternalError',
  'InvalidAction',
  'InvalidClientTokenId',
  'InvalidParameterCombination',
  'InvalidParameterValue',
  'InvalidQueryParameter',
  'MalformedQueryString',
  'MissingAction',
  'MissingAuthenticationToken',
  'MissingParameter',
  'NotAuthorized',
  'OptInRequired',
  'RequestExpired',
  'SerializationException',
  'ServiceUnavailable',
  'ThrottlingException',
  'UnknownOperationException',
  'UnrecognizedClientException',
  'ValidationError',
]);

/** Most violations reported for one response (a wrong list of 1,000 items is one problem, not 1,000 lines). */
export const MAX_VIOLATIONS_PER_RESPONSE = 50;
/** Deepest nesting walked (model shapes can recurse; no AWS output here nests half as deep). */
const MAX_DEPTH = 100;

const ISO8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/;
const RFC822 = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const INTEGER_TEXT = /^-?\d+$/;
const FLOAT_TEXT = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^(NaN|-?Infinity)$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Escapes a pointer segment (RFC 6901). */
const segment = (name: string | number) => `/${String(name).replace(/~/g, '~0').replace(/\//g, '~1')}`;
const quote = (value: unknown) => {
  const text = typeof value === 'string' ? JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value) : JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 80)}…` : text;
};
const kindOf = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`);
const refParts = (ref: OutputMemberRef): { shape: string; wire: string | undefined; flattened: boolean } =>
  typeof ref === 'string' ? { shape: ref, wire: undefined, flattened: false } : { shape: ref[0], wire: ref[1], flattened: ref[2] === 1 };

class Walk {
  readonly violations: ConformanceViolation[] = [];
  constructor(
    readonly model: OutputModel,
    readonly service: string,
    readonly operation: string,
  ) {}
  report(path: string, problem: string, note = false): void {
    if (this.violations.length < MAX_VIOLATIONS_PER_RESPONSE) this.violations.push({ service: this.service, operation: this.operation, path, problem, ...(note ? { note: true as const } : {}) });
  }
  shape(name: string): OutputShape | undefined {
    return Object.hasOwn(this.model.shapes, name) ? this.model.shapes[name] : undefined;
  }
}

const typeName = (shape: OutputShape) =>
  shape.t === 'structure' ? 'a structure (object)' : shape.t === 'map' ? 'a map (object)' : `${/^[aeiou]/.test(shape.t) ? 'an' : 'a'} ${shape.t}`;

function checkEnum(walk: Walk, shapeName: string, shape: OutputShape, value: string, path: string): void {
  if (shape.t === 'string' && shape.e && !shape.e.includes(value)) {
    walk.report(path, `${quote(value)} is not a value of enum ${shapeName} [${shape.e.join(', ')}]`);
  }
}

// ---------------------------------------------------------------- JSON ----

function checkJson(walk: Walk, shapeName: string, value: unknown, path: string, depth: number): void {
  const shape = walk.shape(shapeName);
  if (!shape || shape.t === 'document') return;
  if (depth > MAX_DEPTH) return walk.report(path, `nested deeper than ${MAX_DEPTH} levels`);
  if (value === null) return walk.report(path, `null where the model has ${typeName(shape)} (AWS leaves absent members out)`);
  const wrong = () => walk.report(path, `expected ${typeName(shape)}, got ${kindOf(value)} ${typeof value === 'object' ? '' : quote(value)}`.trimEnd());
  switch (shape.t) {
    case 'structure': {
      if (typeof value !== 'object' || Array.isArray(value)) return wrong();
      return checkJsonStructure(walk, shapeName, shape, value as Record<string, unknown>, path, depth);
    }
    case 'list':
      if (!Array.isArray(value)) return wrong();
      value.forEach((item, i) => checkJson(walk, shape.m, item, path + segment(i), depth + 1));
      return;
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value)) return wrong();
      const keyShape = walk.shape(shape.k);
      for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
        if (keyShape) checkEnum(walk, shape.k, keyShape, key, path + segment(key));
        checkJson(walk, shape.v, v, path + segment(key), depth + 1);
      }
      return;
    }
    case 'string':
      if (typeof value !== 'string') return wrong();
      return checkEnum(walk, shapeName, shape, value, path);
    case 'integer':
    case 'long':
      if (typeof value !== 'number' || !Number.isInteger(value)) return typeof value === 'number' ? walk.report(path, `expected a whole number (${shape.t}), got ${value}`) : wrong();
      return;
    case 'float':
    case 'double':
      if (typeof value !== 'number' && !(typeof value === 'string' && /^(NaN|-?Infinity)$/.test(value))) return wrong();
      return;
    case 'boolean':
      if (typeof value !== 'boolean') return wrong();
      return;
    case 'timestamp':
      if (shape.tf === 'iso8601' ? typeof value !== 'string' || !ISO8601.test(value) : typeof value !== 'number' || !Number.isFinite(value)) {
        walk.report(path, `expected a timestamp (${shape.tf === 'iso8601' ? 'ISO 8601 text' : 'epoch seconds, a number'}), got ${kindOf(value)} ${quote(value)}`);
      }
      return;
    case 'blob':
      if (typeof value !== 'string' || !BASE64.test(value)) return walk.report(path, `expected a blob (base64 text), got ${kindOf(value)}`);
      return;
  }
}

function checkJsonStructure(walk: Walk, shapeName: string, shape: OutputStructureShape, value: Record<string, unknown>, path: string, depth: number): void {
  const byWire = wireIndex(walk, shape);
  let set = 0;
  for (const [key, v] of Object.entries(value)) {
    const member = byWire.get(key);
    if (!member) {
      walk.report(path + segment(key), `unknown member "${key}" (not in ${shapeName})`);
      continue;
    }
    set++;
    checkJson(walk, member.shape, v, path + segment(key), depth + 1);
  }
  checkRequired(walk, shape, (wire) => Object.hasOwn(value, wire), path);
  if (shape.u && set > 1) walk.report(path, `${set} members of union ${shapeName} set; at most one may be`);
}

// ----------------------------------------------------------------- XML ----

/** One parsed element: name, child elements in order, and its own text. */
interface Element {
  readonly name: string;
  readonly children: Element[];
  readonly text: string;
}

const xmlParser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: false,
});

type OrderedNode = Record<string, unknown>;

function toElements(nodes: readonly OrderedNode[]): { children: Element[]; text: string } {
  const children: Element[] = [];
  let text = '';
  for (const node of nodes) {
    for (const [key, value] of Object.entries(node)) {
      if (key === ':@') continue;
      if (key === '#text') text += String(value);
      else {
        const inner = toElements((value as OrderedNode[]) ?? []);
        children.push({ name: key, children: inner.children, text: inner.text });
      }
    }
  }
  return { children, text };
}

/** The document element of an XML text, or the reason it is not well-formed. */
export function parseXmlDocument(body: string): Element | string {
  const valid = XMLValidator.validate(body);
  if (valid !== true) return `not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`;
  const { children } = toElements(xmlParser.parse(body) as OrderedNode[]);
  if (children.length !== 1) return `expected one document element, found ${children.length}`;
  return children[0]!;
}

const blank = (text: string) => text.trim() === '';

/**
 * Members by the element or key they travel under. A flattened list whose
 * items have a name of their own travels under that name (botocore's rule).
 */
function wireIndex(walk: Walk, shape: OutputStructureShape): Map<string, { name: string; shape: string; flattened: boolean }> {
  const byWire = new Map<string, { name: string; shape: string; flattened: boolean }>();
  for (const [name, ref] of Object.entries(shape.m)) {
    const { shape: member, wire, flattened } = refParts(ref);
    const target = walk.shape(member);
    const flat = flattened || ((target?.t === 'list' || target?.t === 'map') && target.f === 1);
    const itemName = flat && target?.t === 'list' ? target.n : undefined;
    byWire.set(itemName ?? wire ?? name, { name, shape: member, flattened: flat });
  }
  return byWire;
}

function checkRequired(walk: Walk, shape: OutputStructureShape, present: (wire: string) => boolean, path: string): void {
  for (const name of shape.r ?? []) {
    const ref = shape.m[name];
    const wire = ref === undefined ? name : (refParts(ref).wire ?? name);
    if (!present(wire)) walk.report(path + segment(wire), `required member "${wire}" is missing`);
  }
}

/** Checks the children of `element` as the members of structure `shapeName`; `extra` names envelope elements allowed beside them. */
function checkXmlStructure(walk: Walk, shapeName: string, element: Element, path: string, depth: number, extra: readonly string[] = []): void {
  const shape = walk.shape(shapeName);
  if (!shape || shape.t !== 'structure') return;
  if (!blank(element.text)) walk.report(path, `text ${quote(element.text.trim())} in structure ${shapeName}`);
  const byWire = wireIndex(walk, shape);
  const seen = new Map<string, number>();
  const names = new Set<string>();
  for (const child of element.children) {
    if (extra.includes(child.name)) continue;
    const member = byWire.get(child.name);
    if (!member) {
      walk.report(path + segment(child.name), `unknown member "${child.name}" (not in ${shapeName})`);
      continue;
    }
    names.add(member.name);
    const count = seen.get(child.name) ?? 0;
    seen.set(child.name, count + 1);
    const memberShape = walk.shape(member.shape);
    const flattened = member.flattened;
    if (flattened && memberShape?.t === 'list') {
      checkXml(walk, memberShape.m, child, path + segment(child.name) + segment(count), depth + 1);
      continue;
    }
    if (flattened && memberShape?.t === 'map') {
      checkXmlMapEntry(walk, memberShape, child, path + segment(child.name), depth + 1);
      continue;
    }
    if (count === 1) walk.report(path + segment(child.name), `element "${child.name}" repeated; ${shapeName}.${member.name} is not a flattened list`);
    if (count >= 1) continue;
    checkXml(walk, member.shape, child, path + segment(child.name), depth + 1);
  }
  checkRequired(walk, shape, (wire) => seen.has(wire), path);
  if (shape.u && names.size > 1) walk.report(path, `${names.size} members of union ${shapeName} set; at most one may be`);
}

function checkXmlMapEntry(walk: Walk, shape: OutputMapShape, entry: Element, path: string, depth: number): void {
  const kn = shape.kn ?? 'key';
  const vn = shape.vn ?? 'value';
  const key = entry.children.filter((c) => c.name === kn);
  const value = entry.children.filter((c) => c.name === vn);
  for (const c of entry.children) if (c.name !== kn && c.name !== vn) walk.report(path + segment(c.name), `unexpected element "${c.name}" in a map entry (expected ${kn} and ${vn})`);
  if (key.length !== 1 || value.length !== 1) return walk.report(path, `map entry needs one ${kn} and one ${vn}, found ${key.length} and ${value.length}`);
  const keyText = key[0]!.text;
  const keyShape = walk.shape(shape.k);
  if (keyShape) checkEnum(walk, shape.k, keyShape, keyText, path + segment(keyText));
  checkXml(walk, shape.v, value[0]!, path + segment(keyText), depth + 1);
}

function checkXml(walk: Walk, shapeName: string, element: Element, path: string, depth: number): void {
  const shape = walk.shape(shapeName);
  if (!shape || shape.t === 'document') return;
  if (depth > MAX_DEPTH) return walk.report(path, `nested deeper than ${MAX_DEPTH} levels`);
  switch (shape.t) {
    case 'structure':
      return checkXmlStructure(walk, shapeName, element, path, depth);
    case 'list': {
      const item = (shape as OutputListShape).n ?? 'member';
      if (!blank(element.text)) walk.report(path, `text ${quote(element.text.trim())} where the model has a list`);
      element.children.forEach((child, i) => {
        if (child.name !== item) walk.report(path + segment(i), `list item element "${child.name}", expected "${item}"`);
        else checkXml(walk, shape.m, child, path + segment(i), depth + 1);
      });
      return;
    }
    case 'map': {
      if (!blank(element.text)) walk.report(path, `text ${quote(element.text.trim())} where the model has a map`);
      for (const child of element.children) {
        if (child.name !== 'entry') walk.report(path + segment(child.name), `map element "${child.name}", expected "entry"`);
        else checkXmlMapEntry(walk, shape, child, path, depth);
      }
      return;
    }
    default: {
      if (element.children.length > 0) return walk.report(path, `elements where the model has ${typeName(shape)}`);
      const text = element.text;
      const wrong = (what: string) => walk.report(path, `expected ${what}, got ${quote(text)}`);
      if (shape.t === 'string') return checkEnum(walk, shapeName, shape, text, path);
      if ((shape.t === 'integer' || shape.t === 'long') && !INTEGER_TEXT.test(text)) return wrong(`a whole number (${shape.t})`);
      if ((shape.t === 'float' || shape.t === 'double') && !FLOAT_TEXT.test(text)) return wrong(`a number (${shape.t})`);
      if (shape.t === 'boolean' && text !== 'true' && text !== 'false') return wrong('true or false');
      if (shape.t === 'timestamp') {
        const ok = shape.tf === 'unixTimestamp' ? FLOAT_TEXT.test(text) : shape.tf === 'rfc822' ? RFC822.test(text) : ISO8601.test(text);
        if (!ok) return wrong(`a timestamp (${shape.tf ?? 'iso8601'})`);
      }
      if (shape.t === 'blob' && !BASE64.test(text.replace(/\s/g, ''))) return wrong('a blob (base64 text)');
      return;
    }
  }
}

// -------------------------------------------------------------- errors ----

/** Checks an error code: declared by the operation, or common; else the service's (a note: not declared for this operation); else unknown (a violation). */
function checkErrorCode(walk: Walk, code: string, path: string): string | undefined {
  const model = walk.model;
  const shape = Object.hasOwn(model.errors, code) ? model.errors[code] : undefined;
  const operation = Object.hasOwn(model.operations, walk.operation) ? model.operations[walk.operation] : undefined;
  if (shape !== undefined) {
    if (operation && shape !== '' && !(operation.e ?? []).includes(code) && !COMMON_ERRORS.has(code)) {
      walk.report(path, `error code "${code}" is not declared for ${walk.operation} (the ${walk.service} model has it on other operations)`, true);
    }
    return shape || undefined;
  }
  if (!COMMON_ERRORS.has(code)) walk.report(path, `error code "${code}" is not in the ${walk.service} model nor a common AWS error`);
  return undefined;
}

function checkJsonError(walk: Walk, value: unknown): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return walk.report('', `error body must be an object, got ${kindOf(value)}`);
  const body = value as Record<string, unknown>;
  const type = body['__type'];
  if (typeof type !== 'string') return walk.report('/__type', `error body needs a "__type" string, got ${kindOf(type)}`);
  // AWS may send `namespace#Code` or `Code:http://…`; the code is the part SDKs read.
  const code = type.split('#').pop()!.split(':')[0]!;
  const shapeName = checkErrorCode(walk, code, '/__type');
  const shape = shapeName ? walk.shape(shapeName) : undefined;
  const members = shape?.t === 'structure' ? wireIndex(walk, shape) : new Map<string, { shape: string }>();
  for (const [key, v] of Object.entries(body)) {
    if (key === '__type') continue;
    const member = members.get(key);
    if (member) checkJson(walk, member.shape, v, segment(key), 1);
    else if (key === 'message' || key === 'Message') {
      if (typeof v !== 'string') walk.report(segment(key), `expected a string message, got ${kindOf(v)}`);
    } else walk.report(segment(key), `unknown member "${key}" in error ${code}`);
  }
}

function checkXmlError(walk: Walk, root: Element, ec2: boolean): void {
  const only = (element: Element, allowed: readonly string[], path: string) => {
    for (const child of element.children) if (!allowed.includes(child.name)) walk.report(path + segment(child.name), `unexpected element "${child.name}"`);
  };
  const text = (element: Element, path: string) => {
    if (element.children.length > 0) walk.report(path, 'elements where text belongs');
  };
  const checkError = (error: Element, path: string, allowed: readonly string[]) => {
    only(error, allowed, path);
    for (const child of error.children) text(child, path + segment(child.name));
    const codes = error.children.filter((c) => c.name === 'Code');
    if (codes.length !== 1) return walk.report(path + '/Code', `expected one Code element, found ${codes.length}`);
    checkErrorCode(walk, codes[0]!.text, path + '/Code');
    const type = error.children.find((c) => c.name === 'Type');
    if (type && type.text !== 'Sender' && type.text !== 'Receiver') walk.report(path + '/Type', `expected Sender or Receiver, got ${quote(type.text)}`);
  };
  if (ec2) {
    if (root.name !== 'Response') return walk.report('', `EC2 error document element is "${root.name}", expected "Response"`);
    only(root, ['Errors', 'RequestID'], '');
    const errors = root.children.filter((c) => c.name === 'Errors');
    if (errors.length !== 1) return walk.report('/Errors', `expected one Errors element, found ${errors.length}`);
    errors[0]!.children.forEach((error, i) => {
      if (error.name !== 'Error') walk.report(`/Errors/${i}`, `unexpected element "${error.name}", expected "Error"`);
      else checkError(error, `/Errors/${i}`, ['Code', 'Message']);
    });
    return;
  }
  if (root.name !== 'ErrorResponse') return walk.report('', `Query error document element is "${root.name}", expected "ErrorResponse"`);
  only(root, ['Error', 'RequestId'], '');
  const errors = root.children.filter((c) => c.name === 'Error');
  if (errors.length !== 1) return walk.report('/Error', `expected one Error element, found ${errors.length}`);
  checkError(errors[0]!, '/Error', ['Type', 'Code', 'Message', 'Detail']);
}

// ------------------------------------------------------------- success ----

function checkXmlSuccess(walk: Walk, root: Element, ec2: boolean): void {
  const op = walk.operation;
  const operation = walk.model.operations[op]!;
  if (root.name !== `${op}Response`) return walk.report('', `document element is "${root.name}", expected "${op}Response"`);
  if (ec2) {
    if (!operation.o) {
      // EC2 answers an action with no output `<return>true</return>` (a documented response element,
      // e.g. https://docs.aws.amazon.com/AWSEC2/latest/APIReference/ApiReference-query-DeleteSubnet.html).
      for (const child of root.children) {
        if (child.name === 'requestId') continue;
        if (child.name !== 'return') walk.report(segment(child.name), `unknown member "${child.name}" (${op} has no output)`);
        else if (child.children.length > 0 || (child.text !== 'true' && child.text !== 'false')) walk.report('/return', `expected true or false, got ${quote(child.text)}`);
      }
      return;
    }
    return checkXmlStructure(walk, operation.o, root, '', 0, ['requestId']);
  }
  const wrapper = operation.w ?? `${op}Result`;
  const results = root.children.filter((c) => c.name === wrapper);
  for (const child of root.children) {
    if (child.name === wrapper) continue;
    if (child.name === 'ResponseMetadata') {
      for (const meta of child.children) if (meta.name !== 'RequestId') walk.report(`/ResponseMetadata${segment(meta.name)}`, `unexpected element "${meta.name}"`);
      continue;
    }
    walk.report(segment(child.name), `unexpected element "${child.name}" in ${op}Response`);
  }
  if (results.length > 1) walk.report(segment(wrapper), `element "${wrapper}" repeated`);
  const result = results[0];
  if (!result) {
    if (operation.o) walk.report(segment(wrapper), `element "${wrapper}" is missing`);
    return;
  }
  // An operation with no output shape: AWS answers ResponseMetadata only, with no <OpResult> at all
  // (botocore and the SDKs skip it, so a stray one would go unnoticed by clients).
  if (!operation.o) {
    const content = result.children.length > 0 || !blank(result.text) ? ' (this one has content)' : '';
    walk.report(segment(wrapper), `unexpected element "${wrapper}"${content}: ${op} has no output in the model, and AWS answers it with ResponseMetadata only`);
    return;
  }
  checkXmlStructure(walk, operation.o, result, '', 0);
}

/**
 * Checks one response against the output model of its service and
 * operation. Returns the violations found (at most
 * {@link MAX_VIOLATIONS_PER_RESPONSE}); none for a service without a model.
 */
export function checkResponse(response: ResponseToCheck, models: Readonly<Record<string, OutputModel>> = outputModels): ConformanceViolation[] {
  const model = Object.hasOwn(models, response.service) ? models[response.service] : undefined;
  if (!model) return [];
  const walk = new Walk(model, response.service, response.operation);
  const isError = response.status >= 300;
  const known = Object.hasOwn(model.operations, response.operation);
  const body = response.body;
  const json = /json/i.test(response.contentType ?? '') || (!/xml/i.test(response.contentType ?? '') && body.trimStart().startsWith('{'));
  if (!isError && !known) {
    walk.report('', `operation ${response.operation} answered ${response.status} but has no output model (not in the ${model.service} model, or the data predates it: npm run models)`);
    return walk.violations;
  }
  if (json) {
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch (error) {
      walk.report('', `body is not JSON: ${(error as Error).message.slice(0, 100)}`);
      return walk.violations;
    }
    if (isError) checkJsonError(walk, value);
    else {
      const output = model.operations[response.operation]!.o;
      if (output) checkJson(walk, output, value, '', 0);
      else if (typeof value !== 'object' || value === null || Array.isArray(value)) walk.report('', `expected an object, got ${kindOf(value)}`);
      else for (const key of Object.keys(value)) walk.report(segment(key), `unknown member "${key}" (${response.operation} has no output)`);
    }
    return walk.violations;
  }
  const root = parseXmlDocument(body);
  if (typeof root === 'string') {
    walk.report('', root);
    return walk.violations;
  }
  const ec2 = model.protocol === 'ec2';
  if (isError) checkXmlError(walk, root, ec2);
  else checkXmlSuccess(walk, root, ec2);
  return walk.violations;
}
