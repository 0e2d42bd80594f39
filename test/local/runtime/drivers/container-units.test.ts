/**
 * The container driver's pure parts: `run` arguments, image candidates and
 * ECS's pull error, `stats` parsing, and dependsOn ordering and conditions.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runArguments, volumeName } from '../../../../src/local/runtime/drivers/container-driver.js';
import { containerMounts } from '../../../../src/local/runtime/tasks/container-spec.js';
import { cannotPullContainerReason, imageCandidates, isEcrHost, resolveContainerImage } from '../../../../src/local/runtime/drivers/container-image.js';
import { parseGoDuration, parseSize, parseStats, StatsBatcher } from '../../../../src/local/runtime/drivers/engine-stats.js';
import { conditionState, startOrder } from '../../../../src/local/runtime/tasks/dependencies.js';

const spec = {
  name: 'app',
  image: { reference: 'acme/api:1', engineReference: 'localhost/acme/api:1' },
  taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/c/0123456789abcdef0123',
  env: { A: 'b c', HOST: '127.10.0.5', WEIRD: 'x;rm -rf / $(id) `id`' },
  entryPoint: ['/bin/sh', '-c'],
  command: ['echo "$A"'],
  workingDirectory: '/srv',
  address: '127.10.0.5',
  ports: new Map([[8080, 8080]]),
  networkMode: 'awsvpc',
  limits: { cpuUnits: 256, memoryReservationMiB: 128, taskCpuUnits: 512, taskMemoryMiB: 1024 },
  logs: () => {},
};

test('run arguments: labels, environment as single argv items, workdir, limits, entryPoint then command, host network', () => {
  const args = runArguments(spec, { name: 'ecskit-x', cloudId: 'cloud1', runFlags: ['--ulimit', 'host'], dns: { kind: 'hosts', hosts: () => [['invsys.local', '127.10.0.9']] } });
  assert.deepEqual(args.slice(0, 7), ['run', '-d', '--name', 'ecskit-x', '--ulimit', 'host', '--network']);
  const pairs = (flag: string) => args.flatMap((a, i) => (a === flag ? [args[i + 1]] : []));
  assert.ok(pairs('--label').includes('ecskit.cloud=cloud1'));
  assert.ok(pairs('--label').includes(`ecskit.pid=${process.pid}`));
  assert.ok(pairs('--label').includes(`com.amazonaws.ecs.task-arn=${spec.taskArn}`));
  assert.deepEqual(pairs('--env'), ['A=b c', 'HOST=127.10.0.5', 'WEIRD=x;rm -rf / $(id) `id`'], 'each variable is one argv item: no shell ever sees it');
  for (const env of [{ 'A=B': 'x' }, { '': 'x' }, { A: 'x\0y' }] as Array<Record<string, string>>) {
    assert.throws(() => runArguments({ ...spec, env }, { name: 'n', cloudId: 'c', runFlags: [] }), /cannot be passed to a container: names must be non-empty without '='/);
  }
  assert.deepEqual(pairs('--add-host'), ['invsys.local:127.10.0.9']);
  assert.deepEqual(pairs('--workdir'), ['/srv']);
  assert.deepEqual(pairs('--cpu-shares'), ['256']);
  assert.deepEqual(pairs('--cpus'), ['0.5']);
  assert.deepEqual(pairs('--memory'), ['1024m'], 'no container memory: the task memory caps it');
  assert.deepEqual(pairs('--memory-reservation'), ['128m']);
  assert.deepEqual(pairs('--entrypoint'), ['/bin/sh']);
  assert.deepEqual(args.slice(-3), ['localhost/acme/api:1', '-c', 'echo "$A"']);
  const own = runArguments({ ...spec, limits: { memoryMiB: 300, taskMemoryMiB: 1024 } }, { name: 'n', cloudId: 'c', runFlags: [], dns: { kind: 'server', address: '127.53.1.2' } });
  assert.deepEqual(own.flatMap((a, i) => (a === '--memory' ? [own[i + 1]] : [])), ['300m'], "the container's own memory wins");
  assert.deepEqual(own.flatMap((a, i) => (a === '--dns' ? [own[i + 1]] : [])), ['127.53.1.2']);
  const plain = runArguments({ ...spec, entryPoint: undefined, command: undefined, limits: {} } as never, { name: 'n', cloudId: 'c', runFlags: [] });
  assert.equal(plain.at(-1), 'localhost/acme/api:1', "no entryPoint/command: the image's own");
  assert.ok(!plain.includes('--entrypoint') && !plain.includes('--memory') && !plain.includes('--cpus'));
});

test('mounts: mountPoints resolved against the task volumes as ECS does; bad ones refused naming the volume', () => {
  const volumes = [
    { name: 'shared', dockerVolumeConfiguration: { scope: 'shared', autoprovision: true, driver: 'local', labels: { team: 'a' }, driverOpts: { type: 'tmpfs' } } },
    { name: 'theirs', dockerVolumeConfiguration: { scope: 'shared', autoprovision: false } },
    { name: 'scratch', host: {} },
    { name: 'plain' },
    { name: 'hostdir', host: { sourcePath: '/srv/data' } },
    { name: 'efs', efsVolumeConfiguration: { fileSystemId: 'fs-12345678' } },
  ];
  const def = {
    name: 'app',
    mountPoints: [
      { sourceVolume: 'shared', containerPath: '/data' },
      { sourceVolume: 'theirs', containerPath: '/theirs', readOnly: true },
      { sourceVolume: 'scratch', containerPath: '/scratch' },
      { sourceVolume: 'plain', containerPath: '/plain' },
      { sourceVolume: 'hostdir', containerPath: '/host', readOnly: true },
      { sourceVolume: 'efs', containerPath: '/efs' },
    ],
  };
  const mounts = containerMounts(def, volumes);
  assert.deepEqual(mounts.map((m) => [m.volume, m.source.kind, m.readOnly]), [
    ['shared', 'volume', false],
    ['theirs', 'volume', true],
    ['scratch', 'volume', false],
    ['plain', 'volume', false],
    ['hostdir', 'bind', true],
    ['efs', 'unsupported', false],
  ]);
  assert.deepEqual(mounts[0]!.source, { kind: 'volume', scope: 'shared', autoprovision: true, driver: 'local', driverOpts: { type: 'tmpfs' }, labels: { team: 'a' } });
  assert.deepEqual(mounts[2]!.source, { kind: 'volume', scope: 'task', autoprovision: false }, 'a host volume without sourcePath is a task-scoped engine volume');
  // Engine names: the cloud's for autoprovisioned shared volumes, the instance's own name otherwise, the task's for task scope.
  const task = spec.taskArn;
  assert.equal(volumeName('c1', task, mounts[0]!), 'ecskit-c1-shared-shared');
  assert.equal(volumeName('c1', task, mounts[1]!), 'theirs');
  assert.equal(volumeName('c1', task, mounts[2]!), 'ecskit-c1-0123456789ab-scratch');

  const args = runArguments({ ...spec, mounts: mounts.slice(0, 5), user: '1000:1000' }, { name: 'n', cloudId: 'c1', runFlags: [] });
  const pairs = (flag: string) => args.flatMap((a, i) => (a === flag ? [args[i + 1]] : []));
  assert.deepEqual(pairs('--mount'), [
    'type=volume,source=ecskit-c1-shared-shared,destination=/data',
    'type=volume,source=theirs,destination=/theirs,ro',
    'type=volume,source=ecskit-c1-0123456789ab-scratch,destination=/scratch',
    'type=volume,source=ecskit-c1-0123456789ab-plain,destination=/plain',
    'type=bind,source=/srv/data,destination=/host,ro',
  ]);
  assert.deepEqual(pairs('--user'), ['1000:1000']);
  assert.throws(() => runArguments({ ...spec, mounts: [mounts[5]!] }, { name: 'n', cloudId: 'c1', runFlags: [] }), /^Error: volume efs is an EFS volume \(fileSystemId fs-12345678\), which the local cloud cannot mount$/);
  // Hostile paths never turn into --mount options.
  for (const hostPath of ['/a,readonly=false', '/a"b', '/a\nb']) {
    const bad = containerMounts({ name: 'app', mountPoints: [{ sourceVolume: 'h', containerPath: '/x' }] }, [{ name: 'h', host: { sourcePath: hostPath } }]);
    assert.throws(() => runArguments({ ...spec, mounts: bad }, { name: 'n', cloudId: 'c1', runFlags: [] }), /a path with a comma, quote or newline cannot be mounted/);
  }
  assert.throws(() => containerMounts({ name: 'app', mountPoints: [{ sourceVolume: 'nope', containerPath: '/x' }] }, volumes), /container app mounts volume "nope", which the task definition does not declare in volumes/);
  assert.throws(() => containerMounts({ name: 'app', mountPoints: [{ sourceVolume: 'shared', containerPath: 'relative' }] }, volumes), /containerPath must be an absolute path/);
});

test('image candidates: the local registry for ECR names, the reference, then localhost/<repo>; ECS wording when none has it', async () => {
  const registry = { host: '127.0.0.1:5000' };
  const ecr = '123456789012.dkr.ecr.us-east-1.amazonaws.com/flask-inventory/invsys:v2.0.0';
  assert.ok(isEcrHost('123456789012.dkr.ecr.us-east-1.amazonaws.com'));
  assert.ok(isEcrHost('123456789012.dkr.ecr.us-east-1.localhost:4566'));
  assert.ok(!isEcrHost('docker.io'));
  assert.deepEqual(imageCandidates(ecr, registry), [
    { reference: '127.0.0.1:5000/flask-inventory/invsys:v2.0.0', pull: true },
    { reference: ecr, pull: false },
    { reference: 'localhost/flask-inventory/invsys:v2.0.0', pull: false },
  ]);
  assert.deepEqual(imageCandidates('docker.io/library/nginx:1', registry).map((c) => c.pull), [false, false], 'other registries are never pulled from');
  const tried: string[] = [];
  const store = { exists: async (ref: string) => (tried.push(ref), ref === 'localhost/acme/api:1'), pull: async () => Promise.reject(new Error('no')) };
  assert.deepEqual(await resolveContainerImage('acme/api:1', store), { ok: true, image: { reference: 'acme/api:1', engineReference: 'localhost/acme/api:1' } });
  const missing = await resolveContainerImage('acme/none:1', { exists: async () => false, pull: async () => undefined });
  assert.deepEqual(missing, { ok: false, reason: cannotPullContainerReason('acme/none:1') });
  assert.equal(cannotPullContainerReason('acme/none:1'), 'CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref acme/none:1: not found');
  assert.match((await resolveContainerImage('  ', store) as { reason: string }).reason, /^CannotPullContainerError: .*invalid reference format$/);
});

test('stats: podman JSON with cumulative CPU time, docker lines with percentages; junk is skipped', async () => {
  assert.equal(parseSize('7.508MB'), 7.508e6);
  assert.equal(parseSize('6MiB'), 6 * 1024 ** 2);
  assert.equal(parseSize('lots'), undefined);
  assert.equal(parseGoDuration('1m2.5s'), 62.5);
  assert.ok(Math.abs(parseGoDuration('63.405081ms')! - 0.063405081) < 1e-12);
  assert.equal(parseGoDuration('5 parsecs'), undefined);
  const podman = JSON.stringify([{ id: 'abc', name: 'ecskit-1', cpu_time: '1.5s', mem_usage: '20MB / 1GB' }]);
  assert.deepEqual(parseStats(podman), [{ id: 'abc', name: 'ecskit-1', cpuSeconds: 1.5, memoryBytes: 20e6 }]);
  const docker = '{"ID":"d1","Name":"ecskit-2","CPUPerc":"50.00%","MemUsage":"10MiB / 2GiB"}\nnot json\n';
  assert.deepEqual(parseStats(docker), [{ id: 'd1', name: 'ecskit-2', cpuPercent: 50, memoryBytes: 10 * 1024 ** 2 }]);
  assert.deepEqual(parseStats(''), []);
  let calls = 0;
  const batcher = new StatsBatcher(async (names) => {
    calls++;
    assert.deepEqual([...names].sort(), ['a', 'b']);
    return JSON.stringify([{ id: '1', name: 'a', cpu_time: '2s', mem_usage: '1MiB / 1GiB' }]);
  });
  const [a, b] = await Promise.all([batcher.sample('a'), batcher.sample('b')]);
  assert.equal(calls, 1, 'one engine call for the containers asked about together');
  assert.equal(a?.cpuSeconds, 2);
  assert.equal(a?.memoryMiB, 1);
  assert.equal(b, undefined, 'a container the engine does not report has no sample');
});

test('dependsOn: dependencies start first; unknown names, cycles, bad conditions and HEALTHY without a check are refused', () => {
  const hc = { command: ['CMD', 'true'] };
  const plan = startOrder([
    { name: 'app', dependsOn: [{ containerName: 'init', condition: 'SUCCESS' }, { containerName: 'proxy', condition: 'HEALTHY' }] },
    { name: 'proxy', healthCheck: hc },
    { name: 'init', essential: false },
  ]);
  assert.ok(typeof plan !== 'string');
  assert.deepEqual(plan.order, [2, 1, 0]);
  assert.deepEqual(startOrder([{ name: 'a' }, { name: 'b' }]), { order: [0, 1], dependencies: [[], []] });
  assert.equal(startOrder([{ name: 'a', dependsOn: [{ containerName: 'ghost', condition: 'START' }] }]), 'container a depends on "ghost", which is not a container of the task');
  assert.equal(
    startOrder([{ name: 'a', dependsOn: [{ containerName: 'b', condition: 'START' }] }, { name: 'b', dependsOn: [{ containerName: 'a', condition: 'START' }] }]),
    "the containers' dependsOn form a cycle: a -> b -> a",
  );
  assert.match(startOrder([{ name: 'a', dependsOn: [{ containerName: 'b', condition: 'READY' }] }, { name: 'b' }]) as string, /condition "READY"; it must be START, COMPLETE, SUCCESS or HEALTHY/);
  assert.equal(startOrder([{ name: 'a', dependsOn: [{ containerName: 'b', condition: 'HEALTHY' }] }, { name: 'b' }]), 'container a depends on b being HEALTHY, but b has no health check');
  assert.equal(startOrder([{ name: 'a', dependsOn: 'b' }]), 'dependsOn of container a must be a list');

  const view = (v: Partial<{ started: boolean; exitCode: number; health: 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN' }>) => ({ started: false, exitCode: undefined, health: undefined, ...v });
  assert.equal(conditionState({ containerName: 'x', condition: 'START' }, view({ started: true })), 'met');
  assert.equal(conditionState({ containerName: 'x', condition: 'COMPLETE' }, view({ started: true })), 'waiting');
  assert.equal(conditionState({ containerName: 'x', condition: 'COMPLETE' }, view({ started: true, exitCode: 3 })), 'met');
  assert.deepEqual(conditionState({ containerName: 'x', condition: 'SUCCESS' }, view({ started: true, exitCode: 3 })), { failed: 'dependency x exited with code 3 (condition SUCCESS)' });
  assert.equal(conditionState({ containerName: 'x', condition: 'HEALTHY' }, view({ started: true, health: 'UNKNOWN' })), 'waiting');
  assert.deepEqual(conditionState({ containerName: 'x', condition: 'HEALTHY' }, view({ started: true, health: 'UNHEALTHY' })), { failed: 'dependency x is UNHEALTHY (condition HEALTHY)' });
});
