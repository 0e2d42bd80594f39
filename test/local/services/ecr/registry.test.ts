/**
 * The local ECR as an OCI registry (Distribution API v2) over real HTTP:
 * credentials from GetAuthorizationToken, blobs, monolithic and chunked
 * uploads, manifests (OCI, Docker v2 schema 2, indexes), tags, deletes, the
 * ECR image APIs over what was pushed, and hostile input.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  BatchDeleteImageCommand,
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DeleteRepositoryCommand,
  DescribeImagesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  ListImagesCommand,
} from '@aws-sdk/client-ecr';
import { startLocalCloud, type LocalCloud, type LocalCloudOptions } from '../../../../src/local/index.js';
import { TEST_CREDENTIALS } from '../../helpers.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  json: any;
}

const sha = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const REPO = 'flask-inventory/invsys';

interface Registry {
  cloud: LocalCloud;
  ecr: ECRClient;
  port: number;
  /** `Basic base64(AWS:<password>)` from GetAuthorizationToken. */
  auth: string;
  password: string;
  call(method: string, path: string, options?: { body?: Buffer | string; headers?: Record<string, string>; auth?: string | null; chunked?: boolean }): Promise<Reply>;
  stop(): Promise<void>;
}

async function startRegistry(options: LocalCloudOptions = {}): Promise<Registry> {
  const cloud = await startLocalCloud({ host: '127.0.0.1', port: 0, log: () => {}, runtime: false, preset: 'lab', ...options });
  const ecr = new ECRClient({ endpoint: cloud.endpoint, region: cloud.region, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  const token = (await ecr.send(new GetAuthorizationTokenCommand({}))).authorizationData![0]!;
  const auth = `Basic ${token.authorizationToken}`;
  const password = Buffer.from(token.authorizationToken!, 'base64').toString().slice('AWS:'.length);
  const port = Number(new URL(cloud.endpoint).port);
  assert.equal(token.proxyEndpoint, cloud.endpoint, 'proxyEndpoint is the registry address');
  const call: Registry['call'] = (method, path, opts = {}) =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string> = { host: `127.0.0.1:${port}`, ...opts.headers };
      if (opts.auth !== null) headers['authorization'] ??= opts.auth ?? auth;
      const body = opts.body === undefined ? undefined : Buffer.from(opts.body);
      if (body && !opts.chunked) headers['content-length'] = String(body.length);
      const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const data = Buffer.concat(chunks);
          let json: unknown;
          try {
            json = data.length ? JSON.parse(data.toString()) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode!, headers: res.headers, body: data, json });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  return {
    cloud,
    ecr,
    port,
    auth,
    password,
    call,
    stop: async () => {
      ecr.destroy();
      await cloud.stop();
    },
  };
}

const code = (reply: Reply) => reply.json?.errors?.[0]?.code as string | undefined;

async function pushBlob(r: Registry, repo: string, content: Buffer | string): Promise<{ digest: string; size: number }> {
  const digest = sha(content);
  const reply = await r.call('POST', `/v2/${repo}/blobs/uploads/?digest=${digest}`, { body: content, headers: { 'content-type': 'application/octet-stream' } });
  assert.equal(reply.status, 201, reply.body.toString());
  return { digest, size: Buffer.byteLength(content) };
}

function imageManifest(config: { digest: string; size: number }, layers: { digest: string; size: number }[], mediaType = OCI_MANIFEST): string {
  const docker = mediaType === DOCKER_MANIFEST;
  return JSON.stringify({
    schemaVersion: 2,
    mediaType,
    config: { mediaType: docker ? 'application/vnd.docker.container.image.v1+json' : 'application/vnd.oci.image.config.v1+json', ...config },
    layers: layers.map((l) => ({ mediaType: docker ? 'application/vnd.docker.image.rootfs.diff.tar.gzip' : 'application/vnd.oci.image.layer.v1.tar+gzip', ...l })),
  });
}

async function pushImage(r: Registry, repo: string, tag: string, seed: string, mediaType = OCI_MANIFEST) {
  const config = await pushBlob(r, repo, JSON.stringify({ architecture: 'amd64', os: 'linux', seed }));
  const layer = await pushBlob(r, repo, Buffer.from(`layer of ${seed}`.repeat(100)));
  const manifest = imageManifest(config, [layer], mediaType);
  const reply = await r.call('PUT', `/v2/${repo}/manifests/${tag}`, { body: manifest, headers: { 'content-type': mediaType } });
  assert.equal(reply.status, 201, reply.body.toString());
  return { digest: sha(manifest), manifest, config, layer };
}

describe('local ECR registry (OCI Distribution API v2)', () => {
  let r: Registry;
  before(async () => {
    r = await startRegistry({ registry: { maxBlobBytes: 64 * 1024 } });
  });
  after(() => r?.stop());

  test('GET /v2/ without credentials is 401 UNAUTHORIZED with a Basic WWW-Authenticate challenge; with the token it is 200', async () => {
    const anonymous = await r.call('GET', '/v2/', { auth: null });
    assert.equal(anonymous.status, 401);
    assert.match(String(anonymous.headers['www-authenticate']), /^Basic realm=/);
    assert.equal(anonymous.headers['docker-distribution-api-version'], 'registry/2.0');
    assert.equal(code(anonymous), 'UNAUTHORIZED');
    assert.match(anonymous.json.errors[0].message, /GetAuthorizationToken/);
    const ok = await r.call('GET', '/v2/');
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.json, {});
    assert.equal((await r.call('GET', '/v2')).status, 200);
  });

  test('wrong credentials are 401 UNAUTHORIZED naming what is wrong: user, forged or foreign token, SigV4, garbage', async () => {
    const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;
    const cases: [string, RegExp][] = [
      [basic(`admin:${r.password}`), /user name must be AWS/],
      [basic('AWS:hunter2'), /not a token from GetAuthorizationToken/],
      [basic(`AWS:${r.password.slice(0, -2)}${r.password.endsWith('AA') ? 'BB' : 'AA'}`), /not issued by this local cloud/],
      [basic('AWS'), /not a token/],
      ['Basic !!!not-base64!!!', /malformed Basic credentials/],
      ['AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/ecr/aws4_request, SignedHeaders=host, Signature=00', /SigV4 is for the AWS APIs/],
    ];
    for (const [auth, message] of cases) {
      const reply = await r.call('GET', `/v2/${REPO}/tags/list`, { auth });
      assert.equal(reply.status, 401, auth);
      assert.equal(code(reply), 'UNAUTHORIZED');
      assert.match(reply.json.errors[0].message, message, auth);
    }
    // A token from another cloud (another secret) is refused too.
    const other = await startRegistry();
    try {
      const reply = await r.call('GET', '/v2/', { auth: other.auth });
      assert.equal(reply.status, 401);
      assert.match(reply.json.errors[0].message, /not issued by this local cloud/);
    } finally {
      await other.stop();
    }
  });

  test('Bearer with the password or the whole authorizationToken is accepted', async () => {
    assert.equal((await r.call('GET', '/v2/', { auth: `Bearer ${r.password}` })).status, 200);
    assert.equal((await r.call('GET', '/v2/', { auth: `Bearer ${r.auth.slice('Basic '.length)}` })).status, 200);
    assert.equal((await r.call('GET', '/v2/', { auth: 'Bearer nope' })).status, 401);
  });

  test("the request guard runs first: a foreign Host or Origin is 403 DENIED in the registry's error format; <account>.dkr.ecr.<region>.localhost is served", async () => {
    const foreign = await r.call('GET', '/v2/', { headers: { host: `evil.example:${r.port}` } });
    assert.equal(foreign.status, 403);
    assert.equal(code(foreign), 'DENIED');
    assert.match(foreign.json.errors[0].message, /--allow-host/);
    const origin = await r.call('GET', '/v2/', { headers: { origin: 'https://evil.example' } });
    assert.equal(origin.status, 403);
    assert.equal(code(origin), 'DENIED');
    const named = await r.call('GET', `/v2/${REPO}/tags/list`, { headers: { host: `123456789012.dkr.ecr.us-east-1.localhost:${r.port}` } });
    assert.equal(named.status, 200);
    // The host names the account: a token for 123456789012 does not open another account's registry.
    const otherAccount = await r.call('GET', `/v2/${REPO}/tags/list`, { headers: { host: `999999999999.dkr.ecr.us-east-1.localhost:${r.port}` } });
    assert.equal(otherAccount.status, 403);
    assert.equal(code(otherAccount), 'DENIED');
  });

  test('monolithic upload: POST ?digest= stores the blob; HEAD and GET serve it with its digest; an unknown blob is BLOB_UNKNOWN', async () => {
    const content = Buffer.from('hello registry');
    const digest = sha(content);
    const put = await r.call('POST', `/v2/${REPO}/blobs/uploads/?digest=${digest}`, { body: content });
    assert.equal(put.status, 201);
    assert.equal(put.headers['location'], `/v2/${REPO}/blobs/${digest}`);
    assert.equal(put.headers['docker-content-digest'], digest);
    const head = await r.call('HEAD', `/v2/${REPO}/blobs/${digest}`);
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-length'], String(content.length));
    assert.equal(head.body.length, 0);
    const get = await r.call('GET', `/v2/${REPO}/blobs/${digest}`);
    assert.deepEqual(get.body, content);
    const unknown = await r.call('GET', `/v2/${REPO}/blobs/${sha('never pushed')}`);
    assert.equal(unknown.status, 404);
    assert.equal(code(unknown), 'BLOB_UNKNOWN');
    // Blobs belong to a repository: the gateway's repository does not serve the inventory's blob.
    assert.equal(code(await r.call('GET', `/v2/flask-inventory/gateway/blobs/${digest}`)), 'BLOB_UNKNOWN');
  });

  test('chunked upload: POST, PATCH chunks in order (Location, Range, Docker-Upload-UUID), out-of-order is 416, PUT ?digest= finishes', async () => {
    const parts = [Buffer.from('a'.repeat(1000)), Buffer.from('b'.repeat(500)), Buffer.from('c'.repeat(10))];
    const whole = Buffer.concat(parts);
    const start = await r.call('POST', `/v2/${REPO}/blobs/uploads/`);
    assert.equal(start.status, 202);
    const location = String(start.headers['location']);
    assert.match(location, new RegExp(`^/v2/${REPO}/blobs/uploads/[0-9a-f-]{36}$`));
    assert.equal(start.headers['range'], '0-0');
    assert.equal(location.endsWith(String(start.headers['docker-upload-uuid'])), true);
    const first = await r.call('PATCH', location, { body: parts[0]!, headers: { 'content-range': '0-999', 'content-type': 'application/octet-stream' } });
    assert.equal(first.status, 202);
    assert.equal(first.headers['range'], '0-999');
    const skip = await r.call('PATCH', location, { body: parts[1]!, headers: { 'content-range': '2000-2499' } });
    assert.equal(skip.status, 416);
    assert.equal(code(skip), 'BLOB_UPLOAD_INVALID');
    assert.match(skip.json.errors[0].message, /send 1000-<end>/);
    // Chunked transfer encoding (no Content-Length) works as well.
    const second = await r.call('PATCH', location, { body: parts[1]!, chunked: true });
    assert.equal(second.headers['range'], '0-1499');
    const status = await r.call('GET', location);
    assert.equal(status.status, 204);
    assert.equal(status.headers['range'], '0-1499');
    const done = await r.call('PUT', `${location}?digest=${sha(whole)}`, { body: parts[2]! });
    assert.equal(done.status, 201, done.body.toString());
    assert.deepEqual((await r.call('GET', `/v2/${REPO}/blobs/${sha(whole)}`)).body, whole);
    assert.equal(code(await r.call('GET', location)), 'BLOB_UPLOAD_UNKNOWN');
  });

  test('a digest that does not match the bytes is DIGEST_INVALID and discards the upload; malformed digests are DIGEST_INVALID', async () => {
    const start = await r.call('POST', `/v2/${REPO}/blobs/uploads/`);
    const location = String(start.headers['location']);
    await r.call('PATCH', location, { body: 'some bytes' });
    const wrong = await r.call('PUT', `${location}?digest=${sha('other bytes')}`);
    assert.equal(wrong.status, 400);
    assert.equal(code(wrong), 'DIGEST_INVALID');
    assert.equal(wrong.json.errors[0].detail.actual, sha('some bytes'));
    assert.equal(code(await r.call('GET', location)), 'BLOB_UPLOAD_UNKNOWN');
    assert.equal(code(await r.call('HEAD', `/v2/${REPO}/blobs/${sha('some bytes')}`)), undefined); // HEAD has no body
    assert.equal((await r.call('HEAD', `/v2/${REPO}/blobs/${sha('some bytes')}`)).status, 404);
    for (const digest of ['sha256:xyz', 'md5:d41d8cd98f00b204e9800998ecf8427e', `sha512:${'a'.repeat(128)}`, `sha256:${'A'.repeat(64)}`, '']) {
      const reply = await r.call('POST', `/v2/${REPO}/blobs/uploads/?digest=${encodeURIComponent(digest)}`, { body: 'x' });
      assert.equal(reply.status, 400, digest);
      assert.equal(code(reply), 'DIGEST_INVALID', digest);
    }
    assert.equal(code(await r.call('GET', `/v2/${REPO}/blobs/sha256:..%2f..%2fetc%2fpasswd`)), 'DIGEST_INVALID');
  });

  test('a chunk past the blob limit is 413 SIZE_INVALID and cancels the upload, declared or streamed; the registry keeps serving', async () => {
    const big = Buffer.alloc(100 * 1024, 1);
    const declared = await r.call('POST', `/v2/${REPO}/blobs/uploads/?digest=${sha(big)}`, { body: big });
    assert.equal(declared.status, 413);
    assert.equal(code(declared), 'SIZE_INVALID');
    const start = await r.call('POST', `/v2/${REPO}/blobs/uploads/`);
    const location = String(start.headers['location']);
    const streamed = await r.call('PATCH', location, { body: big, chunked: true });
    assert.equal(streamed.status, 413);
    assert.equal(code(streamed), 'SIZE_INVALID');
    assert.equal(code(await r.call('GET', location)), 'BLOB_UPLOAD_UNKNOWN');
    const manifestTooBig = await r.call('PUT', `/v2/${REPO}/manifests/huge`, { body: Buffer.alloc(5 * 1024 * 1024, 32), headers: { 'content-type': OCI_MANIFEST } });
    assert.equal(manifestTooBig.status, 413);
    assert.equal((await r.call('GET', '/v2/')).status, 200);
  });

  test('hostile repository names: path traversal, upper case, encoded slashes are NAME_INVALID; an unknown repository is NAME_UNKNOWN', async () => {
    for (const name of ['..', '../../etc', 'a/../b', 'a/..%2f..%2fetc', 'Flask/Inventory', '%2e%2e/x', 'a//b', '-a', 'a']) {
      const reply = await r.call('GET', `/v2/${name}/tags/list`);
      assert.equal(reply.status, 400, name);
      assert.equal(code(reply), 'NAME_INVALID', name);
    }
    const unknown = await r.call('GET', '/v2/no-such-repo/tags/list');
    assert.equal(unknown.status, 404);
    assert.equal(code(unknown), 'NAME_UNKNOWN');
    assert.match(unknown.json.errors[0].message, /create-repository/);
    assert.equal((await r.call('GET', `/v2/${REPO}/nothing-here`)).status, 404);
    assert.equal((await r.call('DELETE', `/v2/${REPO}/blobs/${sha('x')}`)).status, 405);
  });

  test('manifests: an OCI image by tag and by digest, Docker v2 schema 2, an index of both; tags/list pages with n/last and Link', async () => {
    const oci = await pushImage(r, 'flask-inventory/gateway', 'v1', 'oci');
    const byTag = await r.call('GET', '/v2/flask-inventory/gateway/manifests/v1', { headers: { accept: OCI_MANIFEST } });
    assert.equal(byTag.status, 200);
    assert.equal(byTag.headers['content-type'], OCI_MANIFEST);
    assert.equal(byTag.headers['docker-content-digest'], oci.digest);
    assert.equal(byTag.body.toString(), oci.manifest, 'served byte for byte');
    const byDigest = await r.call('GET', `/v2/flask-inventory/gateway/manifests/${oci.digest}`);
    assert.equal(byDigest.body.toString(), oci.manifest);
    const head = await r.call('HEAD', '/v2/flask-inventory/gateway/manifests/v1');
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-length'], String(Buffer.byteLength(oci.manifest)));
    const docker = await pushImage(r, 'flask-inventory/gateway', 'v2', 'docker', DOCKER_MANIFEST);
    assert.equal((await r.call('GET', '/v2/flask-inventory/gateway/manifests/v2')).headers['content-type'], DOCKER_MANIFEST);
    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [
        { mediaType: OCI_MANIFEST, digest: oci.digest, size: Buffer.byteLength(oci.manifest), platform: { architecture: 'amd64', os: 'linux' } },
        { mediaType: DOCKER_MANIFEST, digest: docker.digest, size: Buffer.byteLength(docker.manifest), platform: { architecture: 'arm64', os: 'linux' } },
      ],
    });
    const putIndex = await r.call('PUT', '/v2/flask-inventory/gateway/manifests/multi', { body: index, headers: { 'content-type': OCI_INDEX } });
    assert.equal(putIndex.status, 201, putIndex.body.toString());
    assert.equal(putIndex.headers['docker-content-digest'], sha(index));
    // A manifest's own mediaType is enough when the Content-Type is generic.
    const generic = await r.call('PUT', '/v2/flask-inventory/gateway/manifests/generic', { body: oci.manifest, headers: { 'content-type': 'application/json' } });
    assert.equal(generic.status, 201);
    const tags = await r.call('GET', '/v2/flask-inventory/gateway/tags/list');
    assert.deepEqual(tags.json, { name: 'flask-inventory/gateway', tags: ['generic', 'multi', 'v1', 'v2'] });
    const page = await r.call('GET', '/v2/flask-inventory/gateway/tags/list?n=2');
    assert.deepEqual(page.json.tags, ['generic', 'multi']);
    assert.equal(page.headers['link'], '</v2/flask-inventory/gateway/tags/list?n=2&last=multi>; rel="next"');
    assert.deepEqual((await r.call('GET', '/v2/flask-inventory/gateway/tags/list?n=2&last=multi')).json.tags, ['v1', 'v2']);
    assert.equal(code(await r.call('GET', '/v2/flask-inventory/gateway/tags/list?n=-1')), 'PAGINATION_NUMBER_INVALID');
  });

  test('corrupt manifests are MANIFEST_INVALID naming the problem; unknown blobs are MANIFEST_BLOB_UNKNOWN; a wrong digest reference is DIGEST_INVALID', async () => {
    const config = await pushBlob(r, REPO, '{"os":"linux"}');
    const put = (body: string, type = OCI_MANIFEST, ref = 'bad') => r.call('PUT', `/v2/${REPO}/manifests/${ref}`, { body, headers: { 'content-type': type } });
    const cases: [string, string, string, RegExp][] = [
      ['{not json', OCI_MANIFEST, 'MANIFEST_INVALID', /not valid JSON/],
      ['[]', OCI_MANIFEST, 'MANIFEST_INVALID', /JSON object/],
      [JSON.stringify({ schemaVersion: 1, name: 'x', fsLayers: [] }), 'application/vnd.docker.distribution.manifest.v1+prettyjws', 'MANIFEST_INVALID', /schemaVersion must be 2/],
      [JSON.stringify({ schemaVersion: 2, config, layers: [] }), 'application/json', 'MANIFEST_INVALID', /no media type/],
      [JSON.stringify({ schemaVersion: 2, mediaType: DOCKER_MANIFEST, config, layers: [] }), OCI_MANIFEST, 'MANIFEST_INVALID', /mediaType is/],
      [JSON.stringify({ schemaVersion: 2, mediaType: 'text/html', config, layers: [] }), 'text/html', 'MANIFEST_INVALID', /unsupported manifest media type/],
      [JSON.stringify({ schemaVersion: 2, config: { ...config }, layers: [] }), OCI_MANIFEST, 'MANIFEST_INVALID', /config.mediaType/],
      [imageManifest({ digest: 'sha256:nothex', size: 1 }, []), OCI_MANIFEST, 'MANIFEST_INVALID', /config.digest must be sha256/],
      [imageManifest(config, [{ digest: config.digest, size: -1 }]), OCI_MANIFEST, 'MANIFEST_INVALID', /layers\[0\].size/],
      [JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'x', ...config }, layers: 'all' }), OCI_MANIFEST, 'MANIFEST_INVALID', /layers must be a list/],
      [imageManifest(config, [{ digest: sha('never pushed'), size: 12 }]), OCI_MANIFEST, 'MANIFEST_BLOB_UNKNOWN', /was not pushed/],
      [imageManifest({ digest: config.digest, size: config.size + 1 }, []), OCI_MANIFEST, 'MANIFEST_INVALID', /has \d+ bytes; it has/],
      [JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ mediaType: OCI_MANIFEST, digest: sha('nope'), size: 2 }] }), OCI_INDEX, 'MANIFEST_BLOB_UNKNOWN', /push it first/],
    ];
    for (const [body, type, expected, message] of cases) {
      const reply = await put(body, type);
      assert.equal(reply.status, 400, body);
      assert.equal(code(reply), expected, body);
      assert.match(reply.json.errors[0].message, message, body);
    }
    const good = imageManifest(config, []);
    const byWrongDigest = await put(good, OCI_MANIFEST, sha('something else'));
    assert.equal(code(byWrongDigest), 'DIGEST_INVALID');
    assert.equal(code(await put(good, OCI_MANIFEST, 'bad%20tag')), 'TAG_INVALID');
    assert.equal(code(await put(good, OCI_MANIFEST, `-dash`)), 'TAG_INVALID');
    assert.equal(code(await r.call('GET', `/v2/${REPO}/manifests/bad`)), 'MANIFEST_UNKNOWN', 'nothing was stored');
    assert.equal((await put(good, OCI_MANIFEST, sha(good))).status, 201, 'by its true digest');
  });

  test('DescribeImages, ListImages and BatchGetImage show what was pushed; BatchDeleteImage and DELETE remove it and its unshared blobs', async () => {
    const repo = 'scratch/app';
    await r.ecr.send(new CreateRepositoryCommand({ repositoryName: repo }));
    const one = await pushImage(r, repo, 'v1', 'one');
    const two = await pushImage(r, repo, 'v2', 'two', DOCKER_MANIFEST);
    await r.call('PUT', `/v2/${repo}/manifests/latest`, { body: two.manifest, headers: { 'content-type': DOCKER_MANIFEST } });
    const described = await r.ecr.send(new DescribeImagesCommand({ repositoryName: repo }));
    assert.deepEqual(
      described.imageDetails!.map((d) => [d.imageDigest, d.imageTags?.sort(), d.imageManifestMediaType, d.imageSizeInBytes]),
      [
        [one.digest, ['v1'], OCI_MANIFEST, one.layer.size],
        [two.digest, ['latest', 'v2'], DOCKER_MANIFEST, two.layer.size],
      ],
    );
    assert.equal(described.imageDetails![0]!.registryId, '123456789012');
    assert.ok(described.imageDetails![0]!.imagePushedAt instanceof Date);
    const listed = await r.ecr.send(new ListImagesCommand({ repositoryName: repo }));
    assert.equal(listed.imageIds!.length, 3);
    const got = await r.ecr.send(new BatchGetImageCommand({ repositoryName: repo, imageIds: [{ imageTag: 'v1' }, { imageTag: 'missing' }] }));
    assert.equal(got.images![0]!.imageManifest, one.manifest);
    assert.equal(got.images![0]!.imageId!.imageDigest, one.digest);
    assert.equal(got.failures![0]!.failureCode, 'ImageNotFound');

    // Deleting one of two tags keeps the image.
    const untag = await r.ecr.send(new BatchDeleteImageCommand({ repositoryName: repo, imageIds: [{ imageTag: 'latest' }] }));
    assert.deepEqual(untag.imageIds, [{ imageDigest: two.digest, imageTag: 'latest' }]);
    assert.equal((await r.call('GET', `/v2/${repo}/manifests/v2`)).status, 200);
    // Deleting by digest removes the image, its tags and its blobs (files too).
    const blobFile = join(r.cloud.registry!.dir, 'blobs', 'sha256', one.layer.digest.slice(7));
    assert.equal(existsSync(blobFile), true);
    await r.ecr.send(new BatchDeleteImageCommand({ repositoryName: repo, imageIds: [{ imageDigest: one.digest }] }));
    assert.equal(code(await r.call('GET', `/v2/${repo}/manifests/v1`)), 'MANIFEST_UNKNOWN');
    assert.equal(code(await r.call('GET', `/v2/${repo}/blobs/${one.layer.digest}`)), 'BLOB_UNKNOWN');
    assert.equal(existsSync(blobFile), false, 'the layer file is deleted');
    // The registry's DELETE by digest.
    assert.equal((await r.call('DELETE', `/v2/${repo}/manifests/${two.digest}`)).status, 202);
    assert.deepEqual((await r.ecr.send(new ListImagesCommand({ repositoryName: repo }))).imageIds, []);
    assert.equal(code(await r.call('DELETE', `/v2/${repo}/manifests/${two.digest}`)), 'MANIFEST_UNKNOWN');
    // A repository with images needs force to be deleted.
    await pushImage(r, repo, 'v3', 'three');
    await assert.rejects(r.ecr.send(new DeleteRepositoryCommand({ repositoryName: repo })), { name: 'RepositoryNotEmptyException' });
    await r.ecr.send(new DeleteRepositoryCommand({ repositoryName: repo, force: true }));
    assert.equal(code(await r.call('GET', `/v2/${repo}/tags/list`)), 'NAME_UNKNOWN');
  });

  test('a cross-repository mount links a blob the token may read; an IMMUTABLE repository refuses to move a tag', async () => {
    const blob = await pushBlob(r, REPO, 'shared layer');
    const mount = await r.call('POST', `/v2/flask-inventory/gateway/blobs/uploads/?mount=${blob.digest}&from=${REPO}`);
    assert.equal(mount.status, 201);
    assert.equal((await r.call('HEAD', `/v2/flask-inventory/gateway/blobs/${blob.digest}`)).status, 200);
    const fallback = await r.call('POST', `/v2/flask-inventory/gateway/blobs/uploads/?mount=${sha('absent')}&from=${REPO}`);
    assert.equal(fallback.status, 202, 'not mountable: a regular upload starts');
    await r.call('DELETE', String(fallback.headers['location']));

    await r.ecr.send(new CreateRepositoryCommand({ repositoryName: 'fixed', imageTagMutability: 'IMMUTABLE' }));
    await pushImage(r, 'fixed', 'v1', 'first');
    const config = await pushBlob(r, 'fixed', 'other config');
    const moved = await r.call('PUT', '/v2/fixed/manifests/v1', { body: imageManifest(config, []), headers: { 'content-type': OCI_MANIFEST } });
    assert.equal(moved.status, 400);
    assert.equal(code(moved), 'TAG_INVALID');
  });
});

describe('local ECR registry: persistence', () => {
  test('pushed images survive a restart from the state file (journal + blob directory)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecskit-registry-state-'));
    try {
      const stateFile = join(dir, 'state.json');
      const first = await startRegistry({ stateFile });
      const pushed = await pushImage(first, REPO, 'v1', 'persisted');
      await first.stop();
      const second = await startRegistry({ stateFile });
      try {
        const reply = await second.call('GET', `/v2/${REPO}/manifests/v1`);
        assert.equal(reply.status, 200);
        assert.equal(reply.body.toString(), pushed.manifest);
        assert.equal((await second.call('GET', `/v2/${REPO}/blobs/${pushed.layer.digest}`)).body.length, pushed.layer.size);
        // A token of the previous run is refused: the cloud restarted.
        assert.equal((await second.call('GET', '/v2/', { auth: first.auth })).status, 401);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
