import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateClusterCommand, ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256, verifySignature } from '../../../src/local/server/sigv4.js';
import { awsCli, awsCliSkip } from '../aws-cli.js';
import { rejection, startTestCloud, type TestCloud } from '../helpers.js';
import { errorCode, raw, type RawAnswer } from './raw.js';

const CREDENTIALS = { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-secret-0123456789' };
const ECS = 'AmazonEC2ContainerServiceV20141113';
const MINUTE = 60_000;

/** A request signed by the SDK's own signer, ready to send (and to tamper with). */
interface Signed {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

interface SignOptions {
  service: string;
  body?: string;
  headers?: Record<string, string>;
  region?: string;
  signingDate?: Date;
  applyChecksum?: boolean;
  credentials?: typeof CREDENTIALS;
}

async function sign(endpoint: string, o: SignOptions): Promise<Signed> {
  const url = new URL(endpoint);
  const body = o.body ?? '';
  const signer = new SignatureV4({ credentials: o.credentials ?? CREDENTIALS, region: o.region ?? 'us-east-1', service: o.service, sha256: NodeSha256, applyChecksum: o.applyChecksum ?? false });
  const request = await signer.sign(
    { method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', query: {}, headers: { host: url.host, ...o.headers }, body },
    { signingDate: o.signingDate ?? new Date() },
  );
  return { method: 'POST', path: '/', headers: request.headers as Record<string, string>, body };
}

const ecsCall = (endpoint: string, operation: string, input: unknown, o: Partial<SignOptions> = {}) =>
  sign(endpoint, { service: 'ecs', body: JSON.stringify(input), headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${ECS}.${operation}` }, ...o });
const formCall = (endpoint: string, service: string, body: string, o: Partial<SignOptions> = {}) =>
  sign(endpoint, { service, body, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, ...o });
const send = (endpoint: string, s: Signed): Promise<RawAnswer> => raw(endpoint, s);
const message = (r: RawAnswer) => (r.text.startsWith('{') ? (JSON.parse(r.text) as { message: string }).message : /<Message>([^<]*)<\/Message>/.exec(r.text)?.[1] ?? '');

describe('SigV4 verification when credentials are configured', () => {
  let t: TestCloud;
  before(async () => {
    t = await startTestCloud({ credentials: CREDENTIALS });
  });
  after(() => t.stop());

  const clusters = async () => ((await t.clients.ecs.send(new ListClustersCommand({}))).clusterArns ?? []).map((a) => a.split('/').pop()).sort();

  test('a request signed by the SDK signer is accepted, and the SDK clients keep working', async () => {
    const r = await send(t.cloud.endpoint, await ecsCall(t.cloud.endpoint, 'CreateCluster', { clusterName: 'aaaa' }));
    assert.equal(r.status, 200, r.text);
    await t.clients.ecs.send(new CreateClusterCommand({ clusterName: 'bbbb' }));
    assert.deepEqual(await clusters(), ['aaaa', 'bbbb']);
  });

  test('a captured request replayed with a different body of the same length is refused, and changes nothing', async () => {
    const captured = await ecsCall(t.cloud.endpoint, 'DeleteCluster', { cluster: 'aaaa' });
    const replay = { ...captured, body: JSON.stringify({ cluster: 'bbbb' }) };
    assert.equal(replay.body.length, captured.body.length);
    const r = await send(t.cloud.endpoint, replay);
    assert.equal(r.status, 403);
    assert.equal(errorCode(r.text), 'InvalidSignatureException');
    assert.deepEqual(await clusters(), ['aaaa', 'bbbb']);
  });

  test('a signed x-amz-content-sha256 is not trusted: the real body is hashed (the replay that deleted another cluster)', async () => {
    const captured = await ecsCall(t.cloud.endpoint, 'DeleteCluster', { cluster: 'aaaa' }, { applyChecksum: true });
    assert.match(captured.headers['x-amz-content-sha256'] ?? '', /^[0-9a-f]{64}$/);
    assert.match(captured.headers.authorization ?? '', /x-amz-content-sha256/);
    const replay = await send(t.cloud.endpoint, { ...captured, body: JSON.stringify({ cluster: 'bbbb' }) });
    assert.equal(replay.status, 403);
    assert.equal(errorCode(replay.text), 'InvalidSignatureException');
    assert.deepEqual(await clusters(), ['aaaa', 'bbbb']);
    const genuine = await send(t.cloud.endpoint, captured);
    assert.equal(genuine.status, 200, genuine.text);
    assert.deepEqual(await clusters(), ['bbbb']);
  });

  test('a changed X-Amz-Date is refused', async () => {
    const s = await ecsCall(t.cloud.endpoint, 'ListClusters', {});
    const date = s.headers['x-amz-date']!;
    const later = date.replace(/(\d{2})Z$/, (_, ss: string) => `${String((Number(ss) + 1) % 60).padStart(2, '0')}Z`);
    const r = await send(t.cloud.endpoint, { ...s, headers: { ...s.headers, 'x-amz-date': later } });
    assert.equal(r.status, 403);
    assert.equal(errorCode(r.text), 'InvalidSignatureException');
  });

  test('a request signed more than 15 minutes ago or ahead is refused with AWS\'s "Signature expired" / "not yet current"; 14 minutes is fine', async () => {
    const old = await send(t.cloud.endpoint, await ecsCall(t.cloud.endpoint, 'ListClusters', {}, { signingDate: new Date(Date.now() - 16 * MINUTE) }));
    assert.equal(old.status, 403);
    assert.equal(errorCode(old.text), 'InvalidSignatureException');
    assert.match(message(old), /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/);
    const ahead = await send(t.cloud.endpoint, await ecsCall(t.cloud.endpoint, 'ListClusters', {}, { signingDate: new Date(Date.now() + 16 * MINUTE) }));
    assert.equal(ahead.status, 403);
    assert.match(message(ahead), /^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 15 min\.\)$/);
    assert.ok(old.headers.date, 'a Date header lets SDKs correct their clock');
    const recent = await send(t.cloud.endpoint, await ecsCall(t.cloud.endpoint, 'ListClusters', {}, { signingDate: new Date(Date.now() - 14 * MINUTE) }));
    assert.equal(recent.status, 200, recent.text);
  });

  test('clock skew in each protocol\'s shape: Query SignatureDoesNotMatch (403), EC2 RequestExpired (400)', async () => {
    const iam = await send(t.cloud.endpoint, await formCall(t.cloud.endpoint, 'iam', 'Action=ListRoles&Version=2010-05-08', { signingDate: new Date(Date.now() - 20 * MINUTE) }));
    assert.equal(iam.status, 403);
    assert.match(iam.text, /<ErrorResponse[^>]*><Error><Type>Sender<\/Type><Code>SignatureDoesNotMatch<\/Code><Message>Signature expired: /);
    const ec2 = await send(t.cloud.endpoint, await formCall(t.cloud.endpoint, 'ec2', 'Action=DescribeVpcs&Version=2016-11-15', { signingDate: new Date(Date.now() - 20 * MINUTE) }));
    assert.equal(ec2.status, 400);
    assert.match(ec2.text, /<Response><Errors><Error><Code>RequestExpired<\/Code><Message>Request has expired\./);
  });

  test('the SDK corrects its clock from the refusal and retries successfully (clock-skew errors are the codes it knows)', async () => {
    const skewed = new ECSClient({ endpoint: t.cloud.endpoint, region: 'us-east-1', credentials: CREDENTIALS, systemClockOffset: -30 * MINUTE, maxAttempts: 3 });
    try {
      const out = await skewed.send(new ListClustersCommand({}));
      assert.ok(Array.isArray(out.clusterArns));
      assert.ok(Math.abs(skewed.config.systemClockOffset) < MINUTE, `offset after correction: ${skewed.config.systemClockOffset}`);
    } finally {
      skewed.destroy();
    }
  });

  test('another access key is refused in each protocol\'s code: UnrecognizedClientException, InvalidClientTokenId, AuthFailure', async () => {
    const other = { accessKeyId: 'AKIDOTHER', secretAccessKey: CREDENTIALS.secretAccessKey };
    const json = await send(t.cloud.endpoint, await ecsCall(t.cloud.endpoint, 'ListClusters', {}, { credentials: other }));
    assert.deepEqual([json.status, errorCode(json.text)], [403, 'UnrecognizedClientException']);
    const query = await send(t.cloud.endpoint, await formCall(t.cloud.endpoint, 'sts', 'Action=GetCallerIdentity&Version=2011-06-15', { credentials: other }));
    assert.deepEqual([query.status, errorCode(query.text)], [403, 'InvalidClientTokenId']);
    const ec2 = await send(t.cloud.endpoint, await formCall(t.cloud.endpoint, 'ec2', 'Action=DescribeVpcs&Version=2016-11-15', { credentials: other }));
    assert.equal(errorCode(ec2.text), 'AuthFailure');
    // The right key id in a header signed with another: a swapped key id in the Authorization header.
    const s = await ecsCall(t.cloud.endpoint, 'ListClusters', {});
    const swapped = await send(t.cloud.endpoint, { ...s, headers: { ...s.headers, authorization: s.headers.authorization!.replace(CREDENTIALS.accessKeyId, 'AKIDOTHER') } });
    assert.equal(errorCode(swapped.text), 'UnrecognizedClientException');
  });

  test('a region or service changed in the credential scope is refused, and nothing lands in the other region', async () => {
    const s = await ecsCall(t.cloud.endpoint, 'CreateCluster', { clusterName: 'moved' });
    const region = await send(t.cloud.endpoint, { ...s, headers: { ...s.headers, authorization: s.headers.authorization!.replace('/us-east-1/', '/eu-west-1/') } });
    assert.equal(region.status, 403);
    assert.equal(errorCode(region.text), 'InvalidSignatureException');
    const service = await send(t.cloud.endpoint, { ...s, headers: { ...s.headers, authorization: s.headers.authorization!.replace('/ecs/', '/logs/') } });
    assert.equal(service.status, 403);
    const west = await t.json('ecs', `${ECS}.ListClusters`, {}, { region: 'eu-west-1' });
    assert.equal(west.status, 200);
    assert.deepEqual(west.json.clusterArns, []);
  });

  test('a signature that does not cover Host, or whose scope date disagrees with X-Amz-Date, is refused with AWS\'s message', async () => {
    const s = await ecsCall(t.cloud.endpoint, 'ListClusters', {});
    const noHost = s.headers.authorization!.replace(/SignedHeaders=([^,]+)/, (_, list: string) => `SignedHeaders=${list.split(';').filter((h) => h !== 'host').join(';')}`);
    const r1 = await send(t.cloud.endpoint, { ...s, headers: { ...s.headers, authorization: noHost } });
    assert.deepEqual([r1.status, errorCode(r1.text)], [403, 'IncompleteSignatureException']);
    assert.match(message(r1), /'Host' must be a 'SignedHeader'/);
    const otherDay = s.headers.authorization!.replace(/Credential=([^/]+)\/(\d{8})/, (_, key: string) => `Credential=${key}/20200101`);
    const r2 = await send(t.cloud.endpoint, { ...s, headers: { ...s.headers, authorization: otherDay } });
    assert.equal(r2.status, 403);
    assert.match(message(r2), /Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20200101' != '\d{8}'/);
  });

  test('an unsigned request is refused even though any key would do without credentials', async () => {
    const r = await raw(t.cloud.endpoint, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${ECS}.ListClusters` }, body: '{}' });
    assert.deepEqual([r.status, errorCode(r.text)], [403, 'MissingAuthenticationTokenException']);
  });

  test('the EC2 SDK client (EC2 Query) is verified too', async () => {
    const ec2 = new EC2Client({ endpoint: t.cloud.endpoint, region: 'us-east-1', credentials: CREDENTIALS, maxAttempts: 1 });
    const bad = new EC2Client({ endpoint: t.cloud.endpoint, region: 'us-east-1', credentials: { ...CREDENTIALS, secretAccessKey: 'wrong' }, maxAttempts: 1 });
    try {
      assert.ok((await ec2.send(new DescribeVpcsCommand({}))).Vpcs?.length);
      const e = await rejection(bad.send(new DescribeVpcsCommand({})));
      assert.equal(e.name, 'SignatureDoesNotMatch');
    } finally {
      ec2.destroy();
      bad.destroy();
    }
  });
});

describe('presigned (query-string) requests', () => {
  let t: TestCloud;
  before(async () => {
    t = await startTestCloud({ credentials: CREDENTIALS });
  });
  after(() => t.stop());

  async function presign(query: Record<string, string>, o: { signingDate?: Date; expiresIn?: number; service?: string } = {}): Promise<string> {
    const url = new URL(t.cloud.endpoint);
    const signer = new SignatureV4({ credentials: CREDENTIALS, region: 'us-east-1', service: o.service ?? 'sts', sha256: NodeSha256 });
    const request = await signer.presign(
      { method: 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', query, headers: { host: url.host } },
      { signingDate: o.signingDate ?? new Date(), expiresIn: o.expiresIn ?? 300 },
    );
    return `/?${new URLSearchParams(request.query as Record<string, string>).toString()}`;
  }

  test('a presigned GET is verified and served', async () => {
    const r = await raw(t.cloud.endpoint, { path: await presign({ Action: 'GetCallerIdentity', Version: '2011-06-15' }) });
    assert.equal(r.status, 200, r.text);
    assert.match(r.text, /<Account>123456789012<\/Account>/);
  });

  test('a presigned URL with a parameter added or changed is refused', async () => {
    const path = await presign({ Action: 'GetCallerIdentity', Version: '2011-06-15' });
    const added = await raw(t.cloud.endpoint, { path: `${path}&Extra=1` });
    assert.deepEqual([added.status, errorCode(added.text)], [403, 'SignatureDoesNotMatch']);
    const changed = await raw(t.cloud.endpoint, { path: path.replace('GetCallerIdentity', 'GetCallerIdentitz') });
    assert.equal(changed.status, 403);
    const expires = await raw(t.cloud.endpoint, { path: path.replace(/X-Amz-Expires=\d+/, 'X-Amz-Expires=900') });
    assert.deepEqual([expires.status, errorCode(expires.text)], [403, 'SignatureDoesNotMatch']);
  });

  test('a presigned URL past its X-Amz-Expires, or dated too far ahead, is refused; a bad X-Amz-Expires is incomplete', async () => {
    const expired = await raw(t.cloud.endpoint, { path: await presign({ Action: 'GetCallerIdentity', Version: '2011-06-15' }, { signingDate: new Date(Date.now() - 10 * MINUTE), expiresIn: 60 }) });
    assert.equal(expired.status, 403);
    assert.match(message(expired), /^Signature expired: .* - 60 sec\.\)$/);
    const ahead = await raw(t.cloud.endpoint, { path: await presign({ Action: 'GetCallerIdentity', Version: '2011-06-15' }, { signingDate: new Date(Date.now() + 20 * MINUTE) }) });
    assert.match(message(ahead), /^Signature not yet current/);
    const longLived = await raw(t.cloud.endpoint, { path: await presign({ Action: 'GetCallerIdentity', Version: '2011-06-15' }, { signingDate: new Date(Date.now() - 60 * MINUTE), expiresIn: 7200 }) });
    assert.equal(longLived.status, 200, 'a URL presigned for 2 h is valid 1 h later');
    const path = await presign({ Action: 'GetCallerIdentity', Version: '2011-06-15' });
    for (const bad of ['0', '-1', 'abc', '604801', '']) {
      const r = await raw(t.cloud.endpoint, { path: path.replace(/X-Amz-Expires=\d+/, `X-Amz-Expires=${bad}`) });
      assert.deepEqual([r.status, errorCode(r.text)], [403, 'IncompleteSignature'], bad);
    }
  });
});

describe('verifySignature with a fixed clock', () => {
  test('the 15-minute window is measured against the server clock it is given', async () => {
    const endpoint = 'http://127.0.0.1:4566';
    const signingDate = new Date('2026-01-01T00:00:00Z');
    const s = await ecsCall(endpoint, 'ListClusters', {}, { signingDate });
    const request = { method: 'POST', url: '/', headers: s.headers, body: Buffer.from(s.body) };
    assert.equal(await verifySignature(request, 'json1.1', CREDENTIALS, signingDate.getTime() + 15 * MINUTE), undefined);
    const late = await verifySignature(request, 'json1.1', CREDENTIALS, signingDate.getTime() + 15 * MINUTE + 1000);
    assert.equal(late?.message, 'Signature expired: 20260101T000000Z is now earlier than 20260101T000001Z (20260101T001501Z - 15 min.)');
    const early = await verifySignature(request, 'json1.1', CREDENTIALS, signingDate.getTime() - 15 * MINUTE - 1000);
    assert.equal(early?.message, 'Signature not yet current: 20260101T000000Z is still later than 20251231T235959Z (20251231T234459Z + 15 min.)');
  });
});

describe('the AWS CLI against a cloud that verifies signatures', () => {
  const skip = awsCliSkip();
  test('sts (Query), ecs (JSON 1.1) and ec2 (EC2 Query) calls of the real CLI verify; a wrong key fails', { skip }, async () => {
    const t = await startTestCloud({ credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    try {
      const who = await awsCli(t.cloud.endpoint, ['sts', 'get-caller-identity']);
      assert.equal(who.code, 0, who.stderr);
      assert.equal(who.json.Account, '123456789012');
      const created = await awsCli(t.cloud.endpoint, ['ecs', 'create-cluster', '--cluster-name', 'from-cli']);
      assert.equal(created.code, 0, created.stderr);
      const vpcs = await awsCli(t.cloud.endpoint, ['ec2', 'describe-vpcs']);
      assert.equal(vpcs.code, 0, vpcs.stderr);
    } finally {
      await t.stop();
    }
    const strict = await startTestCloud({ credentials: CREDENTIALS });
    try {
      const refused = await awsCli(strict.cloud.endpoint, ['sts', 'get-caller-identity']);
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /InvalidClientTokenId/);
    } finally {
      await strict.stop();
    }
  });
});
