/**
 * Input validation against the AWS service models: the one check every
 * operation passes before its handler runs (see {@link CloudState.invoke}).
 * The models are generated data (`data/`, from `scripts/derive-models.ts`);
 * nothing here loads botocore.
 *
 * @internal
 */
import { AwsError, type Protocol, type ServiceDefinition } from '../core/types.js';
import { models } from './data/index.js';
import { validationError } from './errors.js';
import { MAX_INPUT_DEPTH, nestingDepth, validateInput, type ValidationMode } from './validate.js';

const isJson = (p: Protocol) => p === 'json1.0' || p === 'json1.1';

/** How a request's scalars arrive: by its protocol, or (unknown) by what the service speaks; a service with both gets the lenient Query mode. */
function modeOf(service: ServiceDefinition, protocol: Protocol | undefined): ValidationMode {
  if (protocol) return isJson(protocol) ? 'json' : 'query';
  return service.protocols.every(isJson) ? 'json' : 'query';
}

function refuse(service: ServiceDefinition, mode: ValidationMode, message: string): AwsError {
  if (mode === 'json') return new AwsError('SerializationException', message);
  return new AwsError(service.protocols.includes('ec2') ? 'InvalidParameterValue' : 'ValidationError', message);
}

/**
 * Checks one operation's input against the service's AWS model and returns
 * the input with only the members the model declares. Throws the service's
 * own {@link AwsError} listing every problem. Operations the model does not
 * know pass through unchanged (after the nesting check).
 */
export function checkInput(service: ServiceDefinition, operation: string, input: unknown, protocol?: Protocol): Record<string, unknown> {
  const mode = modeOf(service, protocol);
  if (input === undefined || input === null) input = {};
  if (typeof input !== 'object' || Array.isArray(input)) throw refuse(service, mode, `The request input must be an object, got ${Array.isArray(input) ? 'a list' : typeof input}.`);
  if (nestingDepth(input) > MAX_INPUT_DEPTH) throw refuse(service, mode, `The request nests deeper than ${MAX_INPUT_DEPTH} levels; no ${service.signingName} input is that deep.`);
  const model = Object.hasOwn(models, service.signingName) ? models[service.signingName] : undefined;
  const result = model ? validateInput(model, operation, input as Record<string, unknown>, mode) : undefined;
  if (!model || !result) return input as Record<string, unknown>;
  const error = validationError(service.signingName, model.protocol, mode, result.problems, { name: operation, model });
  if (error) throw error;
  return result.value;
}

/**
 * `false` when the AWS model of `operation` declares no output shape (IAM
 * `DeleteRole`, CloudWatch `PutMetricAlarm`): AWS answers such an operation
 * in Query with `ResponseMetadata` only, no `<{operation}Result>`. `true`
 * for an operation with an output shape (even one with no members, as ELBv2
 * `DeleteTargetGroup`), and for one the model does not have.
 */
export function hasOutputShape(signingName: string, operation: string): boolean {
  const model = Object.hasOwn(models, signingName) ? models[signingName] : undefined;
  return !model?.noOutputOperations?.includes(operation);
}
