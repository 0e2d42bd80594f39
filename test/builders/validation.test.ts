import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fail, schemaProblems } from '../../src/builders/shared/validation.js';
import { ValidationError } from '../../src/builders/validation-error.js';
import * as v from 'valibot';

test('a validation error lists every problem with its path, value and fix', () => {
  const error = new ValidationError('container "web"', [
    { path: 'portMappings[0].containerPort', value: 70000, message: 'port must be an integer 1-65535' },
    { path: 'memory', value: -1, message: 'memory must be 6 MiB or more' },
  ]);
  assert.equal(error.name, 'ValidationError');
  assert.equal(
    error.message,
    'container "web": 2 problems\n' +
      '  - portMappings[0].containerPort: port must be an integer 1-65535, got: 70000\n' +
      '  - memory: memory must be 6 MiB or more, got: -1',
  );
});

test('fail throws one problem at once', () => {
  assert.throws(() => fail('service "s"', 'desiredCount', -1, 'must be 0 or more'), {
    name: 'ValidationError',
    message: 'service "s": 1 problem\n  - desiredCount: must be 0 or more, got: -1',
  });
});

test('schema problems carry the field path of every issue', () => {
  const schema = v.object({ a: v.array(v.object({ port: v.pipe(v.number(), v.maxValue(10, 'too big')) })) });
  const problems = schemaProblems(schema, { a: [{ port: 1 }, { port: 11 }] });
  assert.deepEqual(problems, [{ path: 'a[1].port', value: 11, message: 'too big' }]);
});
