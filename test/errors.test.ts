import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ConnectError,
  ContainerEngineError,
  DeploymentError,
  EcskitError,
  OperationError,
  StepError,
  TargetError,
  TargetNotConfirmedError,
  UsageError,
  ValidationError,
  WaiterError,
  createReporter,
} from '../src/index.js';
import { CredentialsError } from '../src/cli/credentials.js';
import { describeFailure } from '../src/cli/common.js';

/** Every error class of the library, with one instance and the code it must carry. */
const ERRORS: Array<{ error: Error; code: string; name: string }> = [
  { error: new ContainerEngineError('ENGINE_NOT_FOUND', 'no docker or podman'), code: 'ENGINE_NOT_FOUND', name: 'ContainerEngineError' },
  { error: new ValidationError('container "web"', [{ path: 'image', value: undefined, message: 'required' }]), code: 'ValidationError', name: 'ValidationError' },
  { error: new TargetError('no region'), code: 'TargetError', name: 'TargetError' },
  { error: new CredentialsError('--credentials must look like KEY:SECRET'), code: 'CredentialsError', name: 'CredentialsError' },
  { error: new ConnectError('no region'), code: 'ConnectError', name: 'ConnectError' },
  { error: new OperationError('ecs:UpdateService', 'nope', 'Service not found.', { code: 'ServiceNotFoundException' }), code: 'ServiceNotFoundException', name: 'OperationError' },
  { error: new OperationError('ecs:UpdateService', 'web', 'desiredCount must be a whole number'), code: 'OperationError', name: 'OperationError' },
  { error: new WaiterError('waitUntilTasksRunning', { outcome: 'timedOut' }, 'timedOut: …'), code: 'WaiterError', name: 'WaiterError' },
  { error: new DeploymentError('waitUntilDeploymentCompleted', { outcome: 'failed' } as never, 'failed: …'), code: 'DeploymentError', name: 'DeploymentError' },
  { error: new StepError('Create cluster', new Error('boom')), code: 'StepError', name: 'StepError' },
  { error: new TargetNotConfirmedError('not confirmed'), code: 'TargetNotConfirmedError', name: 'TargetNotConfirmedError' },
  { error: new UsageError('--target must be aws, local or auto'), code: 'UsageError', name: 'UsageError' },
];

/** The same module loaded a second time, as a second copy of the package would be. */
async function secondCopy(): Promise<typeof import('../src/errors.js')> {
  return (await import(new URL('../src/errors.ts?copy', import.meta.url).href)) as typeof import('../src/errors.js');
}

describe('EcskitError', () => {
  it('is the base of every library error, each with its stable code and unchanged name', () => {
    for (const { error, code, name } of ERRORS) {
      assert.ok(error instanceof EcskitError, name);
      assert.ok(error instanceof Error, name);
      assert.ok(EcskitError.is(error), name);
      assert.equal((error as EcskitError).code, code, name);
      assert.equal(error.name, name);
    }
  });

  it('is false for anything else', () => {
    for (const x of [new Error('plain'), Object.assign(new Error('x'), { code: 'ValidationError' }), { code: 'TargetError' }, null, undefined, 'TargetError', 42]) {
      assert.equal(EcskitError.is(x), false, String(x));
      assert.equal(x instanceof EcskitError, false, String(x));
    }
  });

  it('keeps instanceof of a subclass to that subclass', () => {
    const target = new TargetError('no region');
    assert.ok(target instanceof TargetError);
    assert.equal(target instanceof ValidationError, false);
    assert.equal(target instanceof UsageError, false);
    assert.ok(TargetError.is(target));
    assert.equal(ValidationError.is(target), false);
    const deployment = new DeploymentError('waitUntilDeploymentCompleted', { outcome: 'stalled' } as never, 'stalled: …');
    assert.ok(deployment instanceof WaiterError);
    assert.equal(new WaiterError('w', { outcome: 'failure' }, 'x') instanceof DeploymentError, false);
  });

  it('recognises an error of another copy of the module by its Symbol.for brand', async () => {
    const copy = await secondCopy();
    assert.notEqual(copy.EcskitError, EcskitError, 'a second, distinct class');
    class CopyError extends copy.EcskitError {
      override readonly name = 'CopyError';
      readonly code = 'COPY';
    }
    const foreign = new CopyError('from the other copy');
    assert.ok(EcskitError.is(foreign));
    assert.ok(foreign instanceof EcskitError);
    assert.ok(new TargetError('x') instanceof copy.EcskitError);
    assert.ok(copy.EcskitError.is(new ValidationError('s', [])));
    // A subclass is still the ordinary prototype check: across copies, test the base and the code.
    assert.equal(foreign instanceof TargetError, false);
  });

  it('checks the brand and nothing else', () => {
    const branded = Object.create(Error.prototype, { [Symbol.for('ecskit.error')]: { value: true } }) as unknown;
    assert.ok(EcskitError.is(branded));
    assert.ok(branded instanceof EcskitError);
    assert.equal(EcskitError.is({ [Symbol('ecskit.error')]: true }), false, 'a symbol of the same description is not the brand');
  });

  it('adds no own enumerable property but code: messages, String() and JSON read as before', () => {
    const error = new TargetError('no region');
    assert.equal(String(error), 'TargetError: no region');
    assert.deepEqual(Object.keys(error), ['name', 'code']);
    assert.equal(Object.getOwnPropertySymbols(error).length, 0);
  });

  it('leaves the step output of scripts as it was: code is AWS code, else the class name', async () => {
    const lines: string[] = [];
    const reporter = createReporter({ json: true, out: { write: (text: string) => lines.push(text) } as never, now: () => 0 });
    await assert.rejects(reporter.step('Open target', () => Promise.reject(new TargetError('no region'))), StepError);
    await assert.rejects(reporter.step('Deploy', () => Promise.reject(new OperationError('ecs:CreateService', 'web', 'boom'))), StepError);
    const failed = lines.map((l) => JSON.parse(l) as { status?: string; code?: string }).filter((e) => e.status === 'failed');
    assert.deepEqual(failed.map((e) => e.code), ['TargetError', 'OperationError']);
  });

  it('leaves the CLI naming an unreachable endpoint behind an OperationError AWS gave no code', () => {
    const refused = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const error = new OperationError('logs:FilterLogEvents', '/ecs/app', 'socket hang up', { cause: refused });
    assert.match(describeFailure('logs', error, 'http://127.0.0.1:4566'), /cannot reach http:\/\/127\.0\.0\.1:4566 \(ECONNRESET\)/);
    const aws = new OperationError('logs:FilterLogEvents', '/ecs/app', 'The specified log group does not exist.', { code: 'ResourceNotFoundException' });
    assert.equal(describeFailure('logs', aws, undefined), 'ecskit logs: [logs:FilterLogEvents] /ecs/app: The specified log group does not exist.');
  });
});
