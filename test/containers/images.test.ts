/**
 * Image operations: input checks and the no-engine error without an engine;
 * with a real engine, both apps' images built from the repo's build output,
 * pushed to the local cloud's ECR through GetAuthorizationToken, pulled back
 * with the engine, and serving the API contract from a running container.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DescribeImagesCommand, ECRClient, GetAuthorizationTokenCommand, ListImagesCommand } from '@aws-sdk/client-ecr';
import { buildImage, ContainerEngineError, ensureImage, ensureOfflineNodeImage, loginToEcr, pushImage, type ContainerEngine } from '../../src/containers/index.js';
import { qualifiedLocalName } from '../../src/containers/images.js';
import { startLocalCloud, type LocalCloud } from '../../src/local/index.js';
import { engineSkip, realEngine } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

describe('image operations without an engine', () => {
  const noEngine = { env: { PATH: '/nonexistent' } };

  test('buildImage with no engine on PATH is ENGINE_NOT_FOUND naming the fix', async () => {
    await assert.rejects(buildImage({ context: ROOT, dockerfile: `${ROOT}apps/gateway/Dockerfile`, tag: 'x/y:1', ...noEngine }), (error: unknown) => {
      assert.ok(error instanceof ContainerEngineError);
      assert.equal(error.code, 'ENGINE_NOT_FOUND');
      assert.match(error.message, /apt-get install -y podman runc/);
      assert.match(error.message, /docs\.docker\.com/);
      return true;
    });
  });

  test('bad input is a TypeError naming the field and value, before any engine runs', async () => {
    await assert.rejects(buildImage({ context: ROOT, tag: 'Bad Tag', ...noEngine }), /tag must be an image reference.*"Bad Tag"/);
    await assert.rejects(buildImage({ context: ROOT, tag: ['ok:1', '../etc'], ...noEngine }), /tag\[1\] must be an image reference/);
    await assert.rejects(buildImage({ context: `${ROOT}no-such-dir`, tag: 'x:1', ...noEngine }), /context must be a directory/);
    await assert.rejects(buildImage({ context: ROOT, dockerfile: 'nope/Dockerfile', tag: 'x:1', ...noEngine }), /dockerfile "nope\/Dockerfile" does not exist/);
    await assert.rejects(buildImage({ context: ROOT, dockerfile: `${ROOT}apps/gateway/Dockerfile`, tag: 'x:1', buildArgs: { 'A-B': '1' }, ...noEngine }), /'A-B' is not a build argument name/);
    await assert.rejects(
      buildImage({ context: ROOT, dockerfile: `${ROOT}apps/gateway/Dockerfile`, tag: 'x:1', env: { PATH: '/nonexistent', ECSKIT_NODE_IMAGE: 'not an image' } }),
      /ECSKIT_NODE_IMAGE must be an image reference/,
    );
    const ecr = new ECRClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: CREDENTIALS });
    await assert.rejects(pushImage({ ecr, image: 'x:1', repository: '../etc', tag: 'v1', ...noEngine }), /repository must be an ECR repository name/);
    await assert.rejects(pushImage({ ecr, image: 'x:1', repository: 'a/b', tag: 'v 1', ...noEngine }), /tag must be an image tag/);
    ecr.destroy();
  });
});

async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, timeoutMs = 30_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return response;
      last = `${response.status}`;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms: ${String(last)}`);
}

const buildSkip = existsSync(`${ROOT}dist/apps/inventory.js`) && existsSync(`${ROOT}dist/apps/gateway.js`) ? false : 'no build output: run npm run build first';

test("podman names a build without a registry localhost/…, so a short name never re-tags another registry's copy", () => {
  assert.equal(qualifiedLocalName('flask-inventory/invsys:v2.0.0'), 'localhost/flask-inventory/invsys:v2.0.0');
  assert.equal(qualifiedLocalName('invsys'), 'localhost/invsys');
  assert.equal(qualifiedLocalName('localhost/a/b:1'), 'localhost/a/b:1');
  assert.equal(qualifiedLocalName('127.0.0.1:5000/a/b:1'), '127.0.0.1:5000/a/b:1');
  assert.equal(qualifiedLocalName('123456789012.dkr.ecr.us-east-1.amazonaws.com/a:1'), '123456789012.dkr.ecr.us-east-1.amazonaws.com/a:1');
  assert.equal(qualifiedLocalName('registry:5000/a'), 'registry:5000/a');
});

describe('app images through the local ECR with the real engine', { skip: (await engineSkip()) || buildSkip }, () => {
  let engine: ContainerEngine;
  let cloud: LocalCloud;
  let ecr: ECRClient;
  let nodeImage: string;
  const run = randomBytes(3).toString('hex');
  const containers: string[] = [];
  const localTags: string[] = [];

  before(async () => {
    engine = (await realEngine()) as ContainerEngine;
    nodeImage = (await ensureOfflineNodeImage({ engine })).image;
    // The lab's repositories exist, as after the lab's setup step.
    cloud = await startLocalCloud({ host: '127.0.0.1', port: 0, log: () => {}, runtime: false, preset: 'lab' });
    ecr = new ECRClient({ region: cloud.region, endpoint: cloud.endpoint, credentials: CREDENTIALS, maxAttempts: 1 });
  });
  after(async () => {
    for (const name of containers) await engine.exec(['rm', '-f', name]).catch(() => {});
    for (const tag of localTags) await engine.exec(['rmi', '-f', tag]).catch(() => {});
    ecr?.destroy();
    await cloud?.stop();
  });

  const sizes: Record<string, number> = {};

  test('ensureImage builds invsys v2.0.0 on ECSKIT_NODE_IMAGE and pushes it; again, nothing is rebuilt or pushed', async () => {
    const env = { ...process.env, ECSKIT_NODE_IMAGE: nodeImage };
    const local = `localhost/ecskit-test/registry-invsys-${run}:v2.0.0`;
    localTags.push(local);
    const first = await ensureImage({
      ecr,
      engine,
      env,
      repository: 'flask-inventory/invsys',
      tag: 'v2.0.0',
      build: { context: ROOT, dockerfile: `${ROOT}apps/inventory/Dockerfile`, tag: local, buildArgs: { APP_VERSION: '2.0.0' } },
    });
    localTags.push(first.pushedAs);
    assert.equal(first.built.nodeImage, nodeImage);
    assert.equal(first.pushed, true);
    assert.equal(first.imageUri, '123456789012.dkr.ecr.us-east-1.amazonaws.com/flask-inventory/invsys:v2.0.0');
    assert.equal(first.pushedAs, `${cloud.registry!.address}/flask-inventory/invsys:v2.0.0`);
    assert.match(first.digest, /^sha256:[a-f0-9]{64}$/);
    sizes['invsys'] = first.built.sizeBytes;
    const second = await ensureImage({
      ecr,
      engine,
      env,
      repository: 'flask-inventory/invsys',
      tag: 'v2.0.0',
      build: { context: ROOT, dockerfile: `${ROOT}apps/inventory/Dockerfile`, tag: local, buildArgs: { APP_VERSION: '2.0.0' } },
    });
    assert.equal(second.built.changed, false, 'same inputs, same image');
    assert.equal(second.built.id, first.built.id);
    assert.equal(second.pushed, false, 'ECR already holds it');
    assert.equal(second.digest, first.digest);
    const described = await ecr.send(new DescribeImagesCommand({ repositoryName: 'flask-inventory/invsys' }));
    assert.deepEqual(described.imageDetails!.map((d) => [d.imageDigest, d.imageTags]), [[first.digest, ['v2.0.0']]]);
    assert.equal(described.imageDetails![0]!.imageManifestMediaType, 'application/vnd.docker.distribution.manifest.v2+json');
    assert.ok(described.imageDetails![0]!.imageSizeInBytes! > 1_000_000);
  });

  test('a login the registry refuses (a forged token) is COMMAND_FAILED naming the registry and the fix; the real token logs in', async () => {
    const real = (await ecr.send(new GetAuthorizationTokenCommand({}))).authorizationData![0]!;
    const forged = { ...real, authorizationToken: Buffer.from('AWS:forged-password').toString('base64') };
    const lying = { send: async () => ({ authorizationData: [forged] }) } as unknown as ECRClient;
    const error = await loginToEcr({ ecr: lying, engine }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof ContainerEngineError, String(error));
    assert.equal(error.code, 'COMMAND_FAILED');
    assert.match(error.message, new RegExp(`^Registry login to ${cloud.registry!.address.replace(/\./g, '\\.')} failed: .*Fix: check that the ECR endpoint and credentials are the ones the registry belongs to`));
    const login = await loginToEcr({ ecr, engine });
    assert.equal(login.registry, cloud.registry!.address);
  });

  test('the gateway image builds and pushes to a new repository (created), and pushImage of a missing local image names the fix', async () => {
    const local = `localhost/ecskit-test/registry-gateway-${run}:v1.0.0`;
    localTags.push(local);
    const built = await buildImage({ engine, context: ROOT, dockerfile: `${ROOT}apps/gateway/Dockerfile`, tag: local, nodeImage, buildArgs: { APP_VERSION: '1.0.0' } });
    sizes['gateway'] = built.sizeBytes;
    const pushed = await pushImage({ engine, ecr, image: built.image, repository: `scratch-${run}/gateway`, tag: 'v1.0.0', createRepository: true });
    localTags.push(pushed.pushedAs);
    assert.equal(pushed.createdRepository, true);
    await assert.rejects(pushImage({ engine, ecr, image: built.image, repository: `missing-${run}/x`, tag: 'v1' }), /Fix: create it \(aws ecr create-repository --repository-name missing-/);
    await assert.rejects(pushImage({ engine, ecr, image: `localhost/ecskit-test/none-${run}:1`, repository: 'flask-inventory/gateway', tag: 'v1' }), /has no image .*Fix: build it first/);
    console.log(`image sizes (${engine.name} store, uncompressed): invsys ${(sizes['invsys']! / 1e6).toFixed(1)} MB, gateway ${(sizes['gateway']! / 1e6).toFixed(1)} MB`);
  });

  test('the engine pulls the pushed image back from the local ECR (podman --tls-verify=false), and both containers serve the API contract', async () => {
    const registry = cloud.registry!.address;
    const invsysRef = `${registry}/flask-inventory/invsys:v2.0.0`;
    const gatewayRef = `${registry}/scratch-${run}/gateway:v1.0.0`;
    // Remove the local copies under the registry's name, so the run below uses what was pulled.
    // One at a time, and a copy already gone (another test file's clean-up of the same image) is fine.
    for (const ref of [invsysRef, gatewayRef]) {
      await engine.exec(['rmi', ref]).catch((error: Error) => {
        if (!/image not known|No such image/i.test(error.message)) throw error;
      });
    }
    const tls = engine.name === 'podman' ? ['--tls-verify=false'] : [];
    await engine.exec(['pull', ...tls, invsysRef]);
    await engine.exec(['pull', ...tls, gatewayRef]);

    const invsysPort = await freePort('127.0.0.1');
    const gatewayPort = await freePort('127.0.0.1');
    const invsys = `ecskit-test-registry-invsys-${run}`;
    const gateway = `ecskit-test-registry-gateway-${run}`;
    containers.push(invsys, gateway);
    await engine.exec(['run', '-d', '--name', invsys, ...engine.runFlags(), '--network', 'host', '-e', 'HOST=127.0.0.1', '-e', `PORT=${invsysPort}`, invsysRef]);
    await engine.exec([
      'run', '-d', '--name', gateway, ...engine.runFlags(), '--network', 'host',
      '-e', 'HOST=127.0.0.1', '-e', `PORT=${gatewayPort}`, '-e', `INVSYS_URL=http://127.0.0.1:${invsysPort}`, gatewayRef,
    ]);
    const health = (await (await waitFor(`http://127.0.0.1:${invsysPort}/health`)).json()) as Record<string, unknown>;
    assert.equal(health['status'], 'healthy');
    assert.equal(health['version'], '2.0.0', 'the version baked in at build time');
    const version = (await (await fetch(`http://127.0.0.1:${invsysPort}/version`)).json()) as Record<string, unknown>;
    assert.deepEqual(version, { version: '2.0.0', service: 'inventory-system' });
    await waitFor(`http://127.0.0.1:${gatewayPort}/health`);
    const device = { id: `dev-${run}`, name: 'router', location: 'rack 1', status: 'active' };
    const posted = await fetch(`http://127.0.0.1:${gatewayPort}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(device) });
    assert.equal(posted.status, 201, await posted.clone().text());
    const items = (await (await fetch(`http://127.0.0.1:${gatewayPort}/items`)).json()) as { items: { id: string }[] };
    assert.ok(items.items.some((item) => item.id === device.id), 'the gateway container forwards to the invsys container');
    // The container runs as the unprivileged user and keeps its database on the /data volume.
    const { stdout } = await engine.exec(['exec', invsys, 'node', '-e', 'console.log(process.getuid(), process.env.INVENTORY_DB)']);
    assert.equal(stdout.trim(), '1000 /data/inventory.db');
    const listed = await ecr.send(new ListImagesCommand({ repositoryName: 'flask-inventory/invsys' }));
    assert.equal(listed.imageIds!.length, 1);
  });

  test('podman push --format oci stores an OCI manifest the registry serves back', async (t) => {
    if (engine.name !== 'podman') return t.skip('docker pushes what it stores');
    const ref = `${cloud.registry!.address}/flask-inventory/gateway:oci-${run}`;
    localTags.push(ref);
    await engine.exec(['tag', `localhost/ecskit-test/registry-gateway-${run}:v1.0.0`, ref]);
    await engine.exec(['push', '--tls-verify=false', '--format', 'oci', ref]);
    const described = await ecr.send(new DescribeImagesCommand({ repositoryName: 'flask-inventory/gateway', imageIds: [{ imageTag: `oci-${run}` }] }));
    assert.equal(described.imageDetails![0]!.imageManifestMediaType, 'application/vnd.oci.image.manifest.v1+json');
    await engine.exec(['rmi', ref]);
    await engine.exec(['pull', '--tls-verify=false', ref]);
  });
});
