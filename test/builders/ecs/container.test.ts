import { test } from 'node:test';
import assert from 'node:assert/strict';
import { awsLogs, container, healthCheck, portMapping, taskDefinition } from '../../../src/index.js';

/** Asserts `fn` throws a ValidationError whose message is exactly `message`. */
const throwsExactly = (fn: () => unknown, message: string) =>
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof Error);
    assert.equal(error.name, 'ValidationError');
    assert.equal(error.message, message);
    return true;
  });

test('a container builds the SDK definition with only the fields that were set', () => {
  const built = container('web').image('nginx:1.27').memory(256).port(80).build();
  assert.deepEqual(built, {
    name: 'web',
    image: 'nginx:1.27',
    memory: 256,
    portMappings: [{ containerPort: 80, protocol: 'tcp' }],
  });
});

test('builders are immutable: a partial builder is a reusable template', () => {
  const base = container('worker').image('app:1').memory(512);
  const withCommand = base.command(['node', 'worker.js']);
  const withOtherCommand = base.command(['node', 'cron.js']);
  assert.equal(base.build().command, undefined);
  assert.deepEqual(withCommand.build().command, ['node', 'worker.js']);
  assert.deepEqual(withOtherCommand.build().command, ['node', 'cron.js']);
  assert.ok(Object.isFrozen(base.definition));
});

test('environment objects become name/value pairs in insertion order, later keys replacing in place', () => {
  const env = container('invsys')
    .image('x')
    .environment({ FLASK_ENV: 'development', PYTHONUNBUFFERED: '1' })
    .environment({ APP_VERSION: '2.0.0', FLASK_ENV: 'production' })
    .build().environment;
  assert.deepEqual(env, [
    { name: 'FLASK_ENV', value: 'production' },
    { name: 'PYTHONUNBUFFERED', value: '1' },
    { name: 'APP_VERSION', value: '2.0.0' },
  ]);
});

test('secrets, command, entry point, dependsOn, mount points and stop timeout reach the definition', () => {
  const built = container('app')
    .image('app:1')
    .memoryReservation(128)
    .secrets({ DB_PASSWORD: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db' })
    .entryPoint(['/bin/sh', '-c'])
    .command(['node server.js'])
    .dependsOn('migrate', 'SUCCESS')
    .mountPoint('data', '/var/data', { readOnly: true })
    .stopTimeout(30)
    .essential(false)
    .build();
  assert.deepEqual(built, {
    name: 'app',
    image: 'app:1',
    memoryReservation: 128,
    secrets: [{ name: 'DB_PASSWORD', valueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db' }],
    entryPoint: ['/bin/sh', '-c'],
    command: ['node server.js'],
    dependsOn: [{ containerName: 'migrate', condition: 'SUCCESS' }],
    mountPoints: [{ sourceVolume: 'data', containerPath: '/var/data', readOnly: true }],
    stopTimeout: 30,
    essential: false,
  });
});

test('a string health-check command runs through CMD-SHELL; an array is kept as given', () => {
  assert.deepEqual(healthCheck({ command: 'curl -f http://localhost:5000/ || exit 1', intervalSeconds: 10 }), {
    command: ['CMD-SHELL', 'curl -f http://localhost:5000/ || exit 1'],
    interval: 10,
  });
  assert.deepEqual(healthCheck({ command: ['CMD', 'true'] }).command, ['CMD', 'true']);
});

test('awsLogs writes the awslogs options, create-group as the string the API takes', () => {
  assert.deepEqual(awsLogs({ group: '/ecs/app', region: 'eu-west-1', streamPrefix: 'ecs', createGroup: true }), {
    logDriver: 'awslogs',
    options: {
      'awslogs-group': '/ecs/app',
      'awslogs-region': 'eu-west-1',
      'awslogs-stream-prefix': 'ecs',
      'awslogs-create-group': 'true',
    },
  });
});

test('portMapping defaults the protocol to tcp and keeps a dynamic host port', () => {
  assert.deepEqual(portMapping(5000, { hostPort: 0, name: 'http' }), {
    containerPort: 5000,
    hostPort: 0,
    protocol: 'tcp',
    name: 'http',
  });
});

// ---- method-level rules: thrown at once, exact messages ----

test('a container port outside 1-65535 is refused at once', () => {
  throwsExactly(
    () => container('web').port(70000),
    'container "web": 1 problem\n  - portMappings[0].containerPort: containerPort must be an integer 1-65535, got: 70000',
  );
});

test('a host port outside 0-65535 is refused at once', () => {
  throwsExactly(
    () => container('web').port(80).port(81, { hostPort: -1 }),
    'container "web": 1 problem\n  - portMappings[1].hostPort: hostPort must be an integer 0-65535 (0 asks for a dynamic host port), got: -1',
  );
});

test('container cpu must be a positive integer', () => {
  throwsExactly(
    () => container('web').cpu(0),
    'container "web": 1 problem\n  - cpu: cpu must be a positive integer (CPU units, 1024 = 1 vCPU), got: 0',
  );
});

test('container memory must be a positive integer of MiB', () => {
  throwsExactly(
    () => container('web').memory(1.5),
    'container "web": 1 problem\n  - memory: memory must be a positive integer (MiB), got: 1.5',
  );
});

test('container memoryReservation must be a positive integer of MiB', () => {
  throwsExactly(
    () => container('web').memoryReservation(-128),
    'container "web": 1 problem\n  - memoryReservation: memoryReservation must be a positive integer (MiB), got: -128',
  );
});

test('a health-check interval outside 5-300 seconds is refused', () => {
  throwsExactly(
    () => container('web').healthCheck({ command: 'true', intervalSeconds: 4 }),
    'container "web": 1 problem\n  - healthCheck.interval: interval must be an integer 5-300 (seconds), got: 4',
  );
});

test('a health-check timeout outside 2-120 seconds is refused', () => {
  throwsExactly(
    () => healthCheck({ command: 'true', timeoutSeconds: 121 }),
    'healthCheck: 1 problem\n  - healthCheck.timeout: timeout must be an integer 2-120 (seconds), got: 121',
  );
});

test('health-check retries outside 1-10 are refused', () => {
  throwsExactly(
    () => container('web').healthCheck({ command: 'true', retries: 0 }),
    'container "web": 1 problem\n  - healthCheck.retries: retries must be an integer 1-10, got: 0',
  );
});

test('a health-check start period outside 0-300 seconds is refused', () => {
  throwsExactly(
    () => container('web').healthCheck({ command: 'true', startPeriodSeconds: 301 }),
    'container "web": 1 problem\n  - healthCheck.startPeriod: startPeriod must be an integer 0-300 (seconds), got: 301',
  );
});

test('a stop timeout outside 2-120 seconds is refused', () => {
  throwsExactly(
    () => container('web').stopTimeout(600),
    'container "web": 1 problem\n  - stopTimeout: stopTimeout must be an integer 2-120 (seconds), got: 600',
  );
});

test('a container name must be 1-255 letters, digits, hyphens or underscores', () => {
  throwsExactly(
    () => container('my.web'),
    'container "my.web": 1 problem\n  - name: name must be 1-255 letters, digits, hyphens or underscores, got: "my.web"',
  );
});

// ---- whole-object rules at .build() ----

test('a health-check timeout not below its interval is reported at build', () => {
  throwsExactly(
    () => container('web').image('x').healthCheck({ command: 'true', intervalSeconds: 10, timeoutSeconds: 10 }).build(),
    'container "web": 1 problem\n  - healthCheck.timeout: timeout must be less than interval (10 seconds), got: 10',
  );
});

test('plain-object containers get the same value rules at the task definition build', () => {
  const td = taskDefinition('app')
    .memory(512)
    .container({ name: 'web', image: 'nginx', portMappings: [{ containerPort: 70000 }], cpu: -1 });
  throwsExactly(
    () => td.build(),
    'taskDefinition "app": 2 problems\n' +
      '  - containerDefinitions[0].cpu: cpu must be a positive integer (CPU units, 1024 = 1 vCPU), got: -1\n' +
      '  - containerDefinitions[0].portMappings[0].containerPort: containerPort must be an integer 1-65535, got: 70000',
  );
});

// ---- type-level rules (checked by `tsc --noEmit` in `npm test`) ----

test('build is only callable once an image is set', () => {
  const noImage = container('web').memory(128);
  const typeChecks = () => {
    // @ts-expect-error — no .image() yet, so .build() does not type-check
    noImage.build();
  };
  assert.equal(typeof typeChecks, 'function');
  assert.equal(noImage.image('nginx').build().image, 'nginx');
});
