/**
 * Which service, protocol and operation a request is for (SigV4 scope →
 * `X-Amz-Target` prefix → form `Action`), and the operation's input decoded
 * from the body (JSON, or Query/EC2 parameters).
 *
 * @internal
 */
import type { IncomingMessage } from 'node:http';
import type { CloudState } from '../core/cloud-state.js';
import { AwsError, type Protocol, type ServiceDefinition } from '../core/types.js';
import { foldQueryParams, QueryDecodeError } from './query-params.js';
import type { SigV4Authorization } from './sigv4.js';
import { Failure, guessProtocol, header, isJson, scopeOf, unknownOperation, utf8Text } from './incoming.js';

/** A request whose service, protocol and operation are known (the operation may still be unknown to the service). */
export interface Route {
  service: ServiceDefinition | undefined;
  protocol: Protocol;
  operation: string;
}

/** A routed request: its {@link Route}, and what it was routed by. */
export interface RoutedRequest extends Route {
  /** `X-Amz-Target` (a JSON request when non-empty). */
  target: string | undefined;
  /** Query/EC2 parameters from the URL and a form body; empty for JSON. */
  params: [string, string][];
  /** The SigV4 credential scope, if signed. */
  scope: SigV4Authorization | undefined;
}

/** An operation the service serves, with its decoded input. */
export interface OperationCall {
  route: Route & { service: ServiceDefinition };
  input: Record<string, unknown>;
}

const jsonProtocolOf = (service: ServiceDefinition): Protocol | undefined => service.protocols.find(isJson);
const formProtocolOf = (service: ServiceDefinition): Protocol | undefined => service.protocols.find((p) => p === 'query' || p === 'ec2');

/** Service of a scope that names one we do not serve: the failure to answer with. */
function scopeService(state: CloudState, req: IncomingMessage, scope: SigV4Authorization | undefined, target: string | undefined): ServiceDefinition | Failure | undefined {
  if (!scope) return undefined;
  const service = state.service(scope.service);
  if (service) return service;
  const p = target ? guessProtocol(req) : scope.service === 'ec2' ? 'ec2' : 'query';
  return new Failure(p, unknownOperation(p, target ?? 'request', undefined));
}

function jsonRoute(state: CloudState, req: IncomingMessage, target: string, scoped: ServiceDefinition | undefined): Route {
  const dot = target.indexOf('.');
  const prefix = dot >= 0 ? target.slice(0, dot) : target;
  const service = scoped ?? state.services.find((s) => s.targetPrefix === prefix);
  const jsonProtocol = service ? jsonProtocolOf(service) : undefined;
  const known = !!service && !!jsonProtocol && prefix === service.targetPrefix;
  return { service, protocol: jsonProtocol ?? guessProtocol(req), operation: known ? (dot >= 0 ? target.slice(dot + 1) : '') : '' };
}

function formRoute(state: CloudState, req: IncomingMessage, params: [string, string][], scoped: ServiceDefinition | undefined): Route {
  const action = params.find(([k]) => k === 'Action')?.[1] ?? '';
  let service = scoped;
  if (!service && action) {
    const candidates = state.services.filter((s) => formProtocolOf(s) && Object.hasOwn(s.operations, action));
    if (candidates.length === 1) service = candidates[0];
  }
  return { service, protocol: (service && formProtocolOf(service)) ?? guessProtocol(req), operation: action };
}

/** Query/EC2 parameters from the URL and a form body; a failure for a body that is not UTF-8 or not a form. */
function formParams(req: IncomingMessage, url: URL, body: Buffer, scoped: ServiceDefinition | undefined): [string, string][] | Failure {
  const text = utf8Text(body, (scoped && formProtocolOf(scoped)) ?? guessProtocol(req), 'MalformedQueryString', scoped);
  if (text instanceof Failure) return text;
  const params: [string, string][] = [...url.searchParams];
  const contentType = (header(req, 'content-type') ?? '').toLowerCase();
  if (text.length === 0) return params;
  if (contentType && !contentType.includes('x-www-form-urlencoded')) {
    const p = (scoped && formProtocolOf(scoped)) ?? guessProtocol(req);
    const message = `Content-Type "${contentType.slice(0, 100)}" is not supported; send application/x-www-form-urlencoded (Query) or set X-Amz-Target (JSON).`;
    return new Failure(p, new AwsError(p === 'ec2' ? 'InvalidParameterValue' : 'MalformedInput', message, 415), scoped);
  }
  params.push(...new URLSearchParams(text));
  return params;
}

/**
 * Routes a request: by its SigV4 scope, then its `X-Amz-Target` prefix (JSON) or
 * form `Action` (Query/EC2). A failure for a scope naming a service not served,
 * or a form body that cannot be read.
 */
export function routeRequest(state: CloudState, req: IncomingMessage, url: URL, body: Buffer): RoutedRequest | Failure {
  const target = header(req, 'x-amz-target');
  const scope = scopeOf(req);
  const scoped = scopeService(state, req, scope, target);
  if (scoped instanceof Failure) return scoped;
  if (target) return { ...jsonRoute(state, req, target, scoped), target, params: [], scope };
  const params = formParams(req, url, body, scoped);
  if (params instanceof Failure) return params;
  return { ...formRoute(state, req, params, scoped), target, params, scope };
}

/** The JSON-protocol input object, or the `SerializationException` to answer with. */
function jsonInput(body: Buffer, protocol: Protocol, service: ServiceDefinition): Record<string, unknown> | Failure {
  const text = utf8Text(body, protocol, 'SerializationException', service);
  if (text instanceof Failure) return text;
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return new Failure(protocol, new AwsError('SerializationException', `Request body is not valid JSON: ${(error as Error).message.slice(0, 200)}`), service);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return new Failure(protocol, new AwsError('SerializationException', `Request body must be a JSON object, got ${Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : typeof parsed}.`), service);
  }
  return parsed as Record<string, unknown>;
}

/** The Query/EC2 input object folded from the parameters, or the error to answer with. */
function formInput(params: [string, string][], protocol: Protocol, service: ServiceDefinition): Record<string, unknown> | Failure {
  try {
    return foldQueryParams(params);
  } catch (error) {
    if (!(error instanceof QueryDecodeError)) throw error;
    return new Failure(protocol, new AwsError(protocol === 'ec2' ? 'InvalidParameterValue' : 'MalformedQueryString', error.message), service);
  }
}

/**
 * The operation a routed (and authenticated) request calls, with its input; or
 * the failure: no `Action`, an operation the service does not serve in this
 * protocol, or input that does not decode.
 */
export function operationCall(request: RoutedRequest, body: Buffer): OperationCall | Failure {
  const { service, protocol, operation, target } = request;
  if (!target && !operation) return new Failure(protocol, new AwsError('MissingAction', 'The request must contain the parameter Action.'), service);
  const protocolFits = !!service && (target ? !!jsonProtocolOf(service) : !!formProtocolOf(service));
  if (!service || !protocolFits || !operation || !Object.hasOwn(service.operations, operation)) {
    return new Failure(protocol, unknownOperation(protocol, target ?? operation, service), service);
  }
  const input = target ? jsonInput(body, protocol, service) : formInput(request.params, protocol, service);
  return input instanceof Failure ? input : { route: { service, protocol, operation }, input };
}
