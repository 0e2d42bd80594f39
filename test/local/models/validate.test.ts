import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { models } from '../../../src/local/models/data/index.js';
import { describeValue, memberPath, validationError, wirePath } from '../../../src/local/models/errors.js';
import type { ServiceModel } from '../../../src/local/models/types.js';
import { MAX_INPUT_DEPTH, nestingDepth, numberConstraints, stringConstraints, validateInput } from '../../../src/local/models/validate.js';

/** A small model with one of each shape kind. */
const toy: ServiceModel = {
  service: 'toy',
  version: '2020-01-01',
  protocol: 'json',
  operations: { Put: 'PutInput', Ping: '' },
  shapes: {
    PutInput: { t: 'structure', m: { name: 'Name', count: 'Count', size: 'Size', ratio: 'Ratio', on: 'Bool', when: 'Time', items: 'Items', tags: 'Tags', inner: 'Inner', doc: 'Doc' }, r: ['name'] },
    Name: { t: 'string', min: 1, max: 8, p: '[a-z]+' },
    Count: { t: 'integer', min: 1, max: 100 },
    Size: { t: 'long' },
    Ratio: { t: 'double' },
    Bool: { t: 'boolean' },
    Time: { t: 'timestamp' },
    Items: { t: 'list', m: 'Kind', max: 2 },
    Kind: { t: 'string', e: ['A', 'B'] },
    Tags: { t: 'map', k: 'Name', v: 'Name', max: 2 },
    Inner: { t: 'structure', m: { kind: 'Kind', deeper: 'Inner' }, r: ['kind'] },
    Doc: { t: 'document' },
  },
};

const constraints = (model: ServiceModel, op: string, input: Record<string, unknown>, mode: 'json' | 'query' = 'json') =>
  validateInput(model, op, input, mode)!.problems.map((p) => `${p.kind} ${memberPath(p.path)}: ${p.constraint}`);

describe('model validation: types', () => {
  it('accepts a valid input and drops members the model does not declare, at every level', () => {
    const out = validateInput(toy, 'Put', { name: 'ok', count: 3, extra: { deep: [1, 2] }, inner: { kind: 'A', junk: 1, deeper: { kind: 'B', more: 'x' } } }, 'json')!;
    assert.deepEqual(out.problems, []);
    assert.deepEqual(out.value, { name: 'ok', count: 3, inner: { kind: 'A', deeper: { kind: 'B' } } });
  });

  it('JSON: a number is not a string, a string is not a number, and an object or list is neither', () => {
    assert.deepEqual(constraints(toy, 'Put', { name: 5, count: '3', on: 'yes', items: 'A', tags: [], inner: 'x' }), [
      'type name: a String',
      'type count: an Integer',
      'type on: a Boolean',
      'type items: a List',
      'type tags: a Map',
      'type inner: a Structure',
    ]);
  });

  it('JSON: integers must be whole and fit 32 bits; longs must be safe integers; doubles finite', () => {
    assert.deepEqual(constraints(toy, 'Put', { name: 'a', count: 1.5 }), ['type count: an Integer (a whole number)']);
    assert.deepEqual(constraints(toy, 'Put', { name: 'a', count: 1e12 }), ['type count: an Integer (-2147483648 to 2147483647)']);
    assert.deepEqual(constraints(toy, 'Put', { name: 'a', size: 2 ** 60 }), ['type size: a Long (-9007199254740991 to 9007199254740991 here)']);
    assert.deepEqual(constraints(toy, 'Put', { name: 'a', size: 2 ** 40, ratio: 0.5 }), []);
  });

  it('Query: scalars arrive as strings and are checked by the model type, keeping their string form', () => {
    const ok = validateInput(toy, 'Put', { name: 'ab', count: '42', on: 'true', ratio: '1.5e3', when: '2026-01-01T00:00:00Z', items: '' }, 'query')!;
    assert.deepEqual(ok.problems, []);
    assert.deepEqual(ok.value, { name: 'ab', count: '42', on: 'true', ratio: '1.5e3', when: '2026-01-01T00:00:00Z', items: '' });
    assert.deepEqual(constraints(toy, 'Put', { name: 'ab', count: 'abc', on: 'maybe', ratio: '1,5', when: 'yesterday' }, 'query'), [
      'type count: an Integer',
      'type ratio: a Double',
      'type on: a Boolean',
      'type when: a Timestamp',
    ]);
  });

  it('timestamps: epoch seconds, ISO text or a Date', () => {
    for (const when of [1_700_000_000, '1700000000.5', '2026-12-04T10:00:00.000Z', new Date()]) assert.deepEqual(constraints(toy, 'Put', { name: 'a', when }), []);
    assert.deepEqual(constraints(toy, 'Put', { name: 'a', when: true }), ['type when: a Timestamp']);
  });

  it('nulls are absent members; null list members and map values are type errors', () => {
    assert.deepEqual(constraints(toy, 'Put', { name: 'a', count: null }), []);
    assert.deepEqual(constraints(toy, 'Put', { name: 'a', items: [null], tags: { k: null } }), ['type items.1.member: a non-null list member', 'type tags.k: a non-null map value']);
  });

  it('a document member takes any JSON value', () => {
    assert.deepEqual(constraints(toy, 'Put', { name: 'a', doc: { any: [1, { x: true }] } }), []);
  });
});

describe('model validation: constraints in AWS wording', () => {
  it('required, length, range, enum and pattern', () => {
    assert.deepEqual(constraints(toy, 'Put', {}), ['constraint name: Member must not be null']);
    assert.deepEqual(constraints(toy, 'Put', { name: 'ABCDEFGHIJ', count: 0 }), [
      'constraint name: Member must have length less than or equal to 8',
      'constraint name: Member must satisfy regular expression pattern: [a-z]+',
      'constraint count: Member must have value greater than or equal to 1',
    ]);
    assert.deepEqual(constraints(toy, 'Put', { name: 'a', inner: {} }), ['constraint inner.kind: Member must not be null']);
    assert.deepEqual(constraints(toy, 'Put', { name: 'a', inner: { kind: 'C' } }), ['constraint inner.kind: Member must satisfy enum value set: [A, B]']);
  });

  it('list and map sizes; scalar members of a list or map fail at the collection, as AWS reports them', () => {
    assert.deepEqual(constraints(toy, 'Put', { name: 'a', items: ['A', 'C', 'D'] }), [
      'constraint items: Member must have length less than or equal to 2',
      'constraint items: Member must satisfy constraint: [Member must satisfy enum value set: [A, B]]',
    ]);
    assert.deepEqual(constraints(toy, 'Put', { name: 'a', tags: { ok: 'fine', BAD: '' } }), [
      'constraint tags: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-z]+]',
      'constraint tags: Map value must satisfy constraint: [Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [a-z]+]',
    ]);
  });

  it('structures in lists carry the element in the path (1-based, .member), as AWS writes it', () => {
    const problems = validateInput(models['ecs']!, 'RegisterTaskDefinition', { family: 'f', containerDefinitions: [{ name: 'a' }, { name: 'b', essential: 'yes' }] }, 'json')!.problems;
    assert.deepEqual(problems.map((p) => memberPath(p.path)), ['containerDefinitions.2.member.essential']);
    assert.equal(wirePath(problems[0]!.path), 'containerDefinitions.2.essential');
  });

  it('helpers: string and number constraints', () => {
    assert.deepEqual(stringConstraints('x', { t: 'string', min: 2, e: ['yy'] }), ['Member must have length greater than or equal to 2', 'Member must satisfy enum value set: [yy]']);
    assert.deepEqual(numberConstraints(101, { t: 'integer', max: 100 }), ['Member must have value less than or equal to 100']);
  });

  it('does not run a pattern over a value far longer than the model allows (the length error says it)', () => {
    const started = performance.now();
    assert.deepEqual(constraints(toy, 'Put', { name: 'a'.repeat(1_000_000) }), ['constraint name: Member must have length less than or equal to 8']);
    assert.ok(performance.now() - started < 500);
  });

  it('an operation without input takes {}; an operation the model lacks is not validated', () => {
    assert.deepEqual(validateInput(toy, 'Ping', { any: 1 }, 'json'), { value: {}, problems: [] });
    assert.equal(validateInput(toy, 'Nope', {}, 'json'), undefined);
  });
});

describe('model validation: nesting', () => {
  it('measures depth without recursion, even 100,000 levels deep', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    assert.equal(nestingDepth(deep), MAX_INPUT_DEPTH + 1);
    assert.equal(nestingDepth({ a: [{ b: 1 }] }), 3);
  });

  it('a recursive shape stops at the data, and unknown deep members are dropped without being walked', () => {
    let deep: Record<string, unknown> = { kind: 'A' };
    for (let i = 0; i < 40; i++) deep = { kind: 'A', deeper: deep };
    const out = validateInput(toy, 'Put', { name: 'a', inner: deep, junk: deep }, 'json')!;
    assert.deepEqual(out.problems, []);
    assert.equal(nestingDepth(out.value), 42);
    assert.equal('junk' in out.value, false);
  });
});

describe('model validation: errors in each service shape', () => {
  const problemsOf = (svc: string, op: string, input: Record<string, unknown>, mode: 'json' | 'query') => validateInput(models[svc]!, op, input, mode)!.problems;

  it('JSON type errors are SerializationException naming path, expected type and value', () => {
    const e = validationError('ecs', 'json', 'json', problemsOf('ecs', 'ListTasks', { cluster: true, maxResults: 1.5 }, 'json'))!;
    assert.equal(e.code, 'SerializationException');
    assert.equal(e.message, "Expected a String at 'cluster', got a boolean (true); Expected an Integer (a whole number) at 'maxResults', got a number (1.5).");
  });

  it('constraint errors list every problem at once: N validation errors detected', () => {
    const e = validationError('elasticloadbalancing', 'query', 'query', problemsOf('elasticloadbalancing', 'CreateTargetGroup', { Name: 'x', Protocol: 'SMTP', Port: '0' }, 'query'))!;
    assert.equal(e.code, 'ValidationError');
    assert.equal(
      e.message,
      "2 validation errors detected: Value 'SMTP' at 'protocol' failed to satisfy constraint: Member must satisfy enum value set: [HTTP, HTTPS, TCP, TLS, UDP, TCP_UDP, GENEVE, QUIC, TCP_QUIC]; " +
        "Value '0' at 'port' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
  });

  it('each service uses its own code for constraint errors', () => {
    const codes = Object.fromEntries(
      ['ecs', 'servicediscovery', 'logs', 'ecr', 'application-autoscaling', 'monitoring', 'iam', 'sts'].map((svc) => [
        svc,
        validationError(svc, models[svc]!.protocol, 'json', [{ kind: 'constraint', path: [{ name: 'x', wire: 'X' }], value: null, constraint: 'Member must not be null', missing: true }])!.code,
      ]),
    );
    assert.deepEqual(codes, {
      ecs: 'InvalidParameterException',
      servicediscovery: 'InvalidInput',
      logs: 'InvalidParameterException',
      ecr: 'InvalidParameterException',
      'application-autoscaling': 'ValidationException',
      monitoring: 'ValidationError',
      iam: 'ValidationError',
      sts: 'ValidationError',
    });
  });

  it('an operation whose model declares only ValidationException answers it (the Logs delivery APIs), derived from the model', async () => {
    assert.ok(models['logs']!.validationExceptionOperations?.includes('PutDeliverySource'));
    assert.ok(!models['logs']!.validationExceptionOperations?.includes('PutMetricFilter'));
    const { CloudState } = await import('../../../src/local/cloud-state.js');
    const state = new CloudState();
    const codeOf = (op: string, input: Record<string, unknown>) =>
      state.invoke('logs', op, input, { region: 'us-east-1' }).then(
        () => 'ok',
        (e: { code?: string }) => e.code,
      );
    assert.equal(await codeOf('PutDeliverySource', { name: 'x', resourceArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/c' }), 'ValidationException', 'logType missing');
    assert.equal(await codeOf('GetDeliverySource', { name: '' }), 'ValidationException');
    assert.equal(await codeOf('PutMetricFilter', { logGroupName: '', filterName: 'f', filterPattern: '', metricTransformations: [] }), 'InvalidParameterException');
  });

  it('EC2 answers one problem: MissingParameter, or InvalidParameterValue with the wire name', () => {
    const missing = validationError('ec2', 'ec2', 'query', problemsOf('ec2', 'CreateSecurityGroup', { Description: 'd' }, 'query'))!;
    assert.equal(missing.code, 'MissingParameter');
    assert.equal(missing.message, 'The request must contain the parameter GroupName');
    const bad = validationError('ec2', 'ec2', 'query', problemsOf('ec2', 'AuthorizeSecurityGroupIngress', { GroupId: 'sg-1', IpPermissions: [{ FromPort: 'abc' }] }, 'query'))!;
    assert.equal(bad.code, 'InvalidParameterValue');
    assert.equal(bad.message, 'Value (abc) for parameter IpPermissions.1.FromPort is invalid. Expected an Integer.');
  });

  it('quotes values as AWS does, and cuts long ones', () => {
    assert.equal(describeValue(null), 'null');
    assert.equal(describeValue(['a', 'b']), "'[a, b]'");
    assert.match(describeValue('x'.repeat(5000)), /^'x{200}…\(5000 characters\)'$/);
  });
});
