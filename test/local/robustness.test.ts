import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { CreateClusterCommand } from '@aws-sdk/client-ecs';
import { fakeServices } from './fake-services.js';
import { startTestCloud, type TestCloud } from './helpers.js';

/** One hostile request and what the server must answer. */
interface Case {
  name: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  method?: string;
  path?: string;
  /** Expected status (or any 4xx when omitted). */
  status?: number;
  /** Expected AWS error code in the body. */
  code?: string | RegExp;
}

const ECS = 'AmazonEC2ContainerServiceV20141113';
// A well-formed (unverified: the cloud has no credentials) SigV4 header, so each case reaches the layer it attacks.
const auth = (service: string, region = 'us-east-1') => ({ authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/${region}/${service}/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}` });
const json = (target: string, body: string | Uint8Array, extra: Record<string, string> = {}): Pick<Case, 'headers' | 'body'> => ({
  headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target, ...auth('ecs'), ...extra },
  body,
});
const form = (body: string | Uint8Array, extra: Record<string, string> = {}): Pick<Case, 'headers' | 'body'> => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...extra },
  body,
});

function cases(adminToken: string): Case[] {
  const list: Case[] = [];
  // Malformed JSON bodies.
  const badJson = ['{', '}', '{"a":', '{"a":1}}', "{'a':1}", '{a:1}', '{"a":01}', '[1,2', 'nul', 'tru', '{"a":"\\x"}', '{"a":"\u0001', '\u0000', '{,}', '{"a" 1}', '{"a":1,}', '\ufeff{"a":', '"unterminated', '{"a":NaN}', '{"a":Infinity}', '[', '{"a":[}', '}{', '{{}}', '{"":', 'undefined', '<xml/>', 'Action=ListClusters', '{"a":1}garbage', '[' .repeat(100_000)];
  badJson.forEach((body, i) => list.push({ name: `malformed JSON #${i}`, ...json(`${ECS}.ListClusters`, body), status: 400, code: 'SerializationException' }));
  badJson.slice(0, 29).forEach((body, i) =>
    list.push({
      name: `malformed JSON 1.0 (CloudWatch, query mode) #${i}`,
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'GraniteServiceVersion20100801.DescribeAlarms', 'x-amzn-query-mode': 'true', ...auth('monitoring') },
      body,
      status: 400,
      code: 'SerializationException',
    }),
  );
  // Valid JSON that is not an object.
  ['[]', 'null', '1', '"x"', 'true', '[{}]', '-0', '1e999'].forEach((body, i) => list.push({ name: `non-object JSON #${i}`, ...json(`${ECS}.ListClusters`, body), status: 400, code: 'SerializationException' }));
  // Unknown operations and targets.
  const targets = [`${ECS}.Nope`, `${ECS}.`, `${ECS}`, `${ECS}.constructor`, `${ECS}.__proto__`, `${ECS}.toString`, `${ECS}.hasOwnProperty`, `${ECS}.listclusters`, `${ECS}.ListClusters.Extra`, 'Nope.ListClusters', '.ListClusters', '.', 'x', `${ECS}.${'A'.repeat(5000)}`, `${ECS}.<script>`, `Logs_20140328.ListClusters`, `GraniteServiceVersion20100801.Nope`, `GraniteServiceVersion20100801.constructor`, `AnyScaleFrontendService.X`, `${ECS}.%00`, `${ECS}.ListClusters%20`, `${ECS}.List Clusters`, `${ECS}.\u00e9`];
  targets.forEach((target, i) => {
    const safe = /^[\x20-\x7e]*$/.test(target) ? target : encodeURIComponent(target);
    list.push({ name: `unknown JSON target #${i}`, ...json(safe, '{}'), status: 400, code: 'UnknownOperationException' });
  });
  // Unknown services named by the SigV4 scope.
  ['s3', 'dynamodb', 'lambda', 'kms', 'sqs', 'sns', 'route53', 'cloudformation', 'x', 'ecs-fake', 'a'.repeat(64), 'rds', 'eks', 'ssm', 'secretsmanager'].forEach((service, i) => {
    list.push({ name: `unknown service JSON #${i}`, ...json(`${ECS}.ListClusters`, '{}', auth(service)), status: 400 });
    list.push({ name: `unknown service Query #${i}`, ...form('Action=ListBuckets&Version=2006-03-01', auth(service)), status: 400 });
  });
  // Query: missing and unknown actions.
  ['', 'Version=2011-06-15', 'action=GetCallerIdentity', 'ACTION=GetCallerIdentity', 'Action', 'Action=', '&&&', '=', 'Foo=bar'].forEach((body, i) =>
    list.push({ name: `missing Action #${i}`, ...form(body, auth('sts')), status: 400, code: /MissingAction|InvalidAction/ }),
  );
  ['Nope', 'constructor', '__proto__', 'toString', 'getcalleridentity', 'GetCallerIdentity2', 'A'.repeat(5000), '<x>', '%00', 'Get%20CallerIdentity', 'DescribeLoadBalancers'].forEach((action, i) =>
    list.push({ name: `unknown Query action #${i}`, ...form(`Action=${action}&Version=2011-06-15`, auth('sts')), status: 400, code: 'InvalidAction' }),
  );
  ['Nope', 'constructor', 'RunInstances', 'describesubnets'].forEach((action, i) => list.push({ name: `unknown EC2 action #${i}`, ...form(`Action=${action}&Version=2016-11-15`, auth('ec2')), status: 400, code: 'InvalidAction' }));
  // Query: conflicting or malformed parameter names (decoded before the handler runs).
  const badParams = ['A=1&A.B=2', 'A.B=2&A=1', 'A.member.1=x&A.member.1.B=y', 'A..B=1', '.A=1', 'A.=1', '=1', 'A.member.1=x&A.entry.1.key=y', 'A.1=x&A.member.1=y', `${'A.'.repeat(40)}B=1`, 'A=1&A=2'];
  badParams.forEach((params, i) =>
    list.push({ name: `conflicting Query params #${i}`, ...form(`Action=GetCallerIdentity&Version=2011-06-15&${params}`, auth('sts')), status: 400, code: 'MalformedQueryString' }),
  );
  badParams.forEach((params, i) => list.push({ name: `conflicting EC2 params #${i}`, ...form(`Action=DescribeSubnets&Version=2016-11-15&${params}`, auth('ec2')), status: 400, code: 'InvalidParameterValue' }));
  // Invalid UTF-8.
  const invalid = [Uint8Array.from([0xff, 0xfe, 0xfd]), Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]), Uint8Array.from([0xed, 0xa0, 0x80]), Uint8Array.from([0xf8, 0x88, 0x80, 0x80, 0x80]), Uint8Array.from([0xc0, 0xaf])];
  invalid.forEach((bytes, i) => {
    list.push({ name: `invalid UTF-8 JSON #${i}`, ...json(`${ECS}.ListClusters`, bytes), status: 400, code: 'SerializationException' });
    const prefix = new TextEncoder().encode('Action=GetCallerIdentity&Version=2011-06-15&X=');
    list.push({ name: `invalid UTF-8 form #${i}`, ...form(new Uint8Array([...prefix, ...bytes]), auth('sts')), status: 400, code: 'MalformedQueryString' });
  });
  // Encodings and content types.
  ['br', 'deflate', 'compress', 'gzip, br', 'x'.repeat(200)].forEach((enc, i) => list.push({ name: `unsupported content-encoding #${i}`, ...json(`${ECS}.ListClusters`, '{}', { 'content-encoding': enc }), status: 415 }));
  ['not gzip', '\x1f\x8b garbage', ''].forEach((body, i) => list.push({ name: `broken gzip #${i}`, ...json(`${ECS}.ListClusters`, body, { 'content-encoding': 'gzip' }), status: 400 }));
  ['text/plain', 'application/json', 'application/xml', 'multipart/form-data; boundary=x'].forEach((ct, i) =>
    list.push({ name: `wrong content type for a form #${i}`, headers: { 'content-type': ct, ...auth('sts') }, body: 'Action=GetCallerIdentity&Version=2011-06-15', status: 415 }),
  );
  // Huge bodies.
  const big = 'x'.repeat(11 * 1024 * 1024);
  list.push({ name: 'JSON body over 10 MiB', ...json(`${ECS}.ListClusters`, `{"a":"${big}"}`), status: 413 });
  list.push({ name: 'form body over 10 MiB', ...form(`Action=GetCallerIdentity&X=${big}`, auth('sts')), status: 413 });
  list.push({ name: 'gzip bomb', ...json(`${ECS}.ListClusters`, gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20)), { 'content-encoding': 'gzip' }), status: 413 });
  // Header abuse and odd authorization headers: not a complete SigV4 signature, so refused before the operation is looked at, as AWS does.
  const badAuth = ['AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA256 Credential=', 'AWS4-HMAC-SHA256 Credential=a/b/c/d/e', 'Basic dXNlcjpwYXNz', 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/../aws4_request', 'AWS4-HMAC-SHA256 Credential=test/20260101/US-EAST-1/ECS/aws4_request', `AWS4-HMAC-SHA256 Credential=${'a'.repeat(9000)}`, 'AWS4-HMAC-SHA256 ,,,,=,=,', 'Bearer x', 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/ecs/aws4_request, SignedHeaders=host, Signature=x', 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/ecs/aws4_request, Signature=' + '0'.repeat(64), ''];
  badAuth.forEach((a, i) => list.push({ name: `odd authorization #${i}`, ...json(`${ECS}.Nope`, '{}', { authorization: a }), status: 403, code: 'IncompleteSignatureException' }));
  // No signature at all: AWS's MissingAuthenticationToken in each protocol's shape, whatever the body.
  const unsigned = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).filter(([k]) => k !== 'authorization'));
  [`${ECS}.ListClusters`, `${ECS}.Nope`, 'Nope.X', 'GraniteServiceVersion20100801.DescribeAlarms'].forEach((target, i) =>
    list.push({ name: `unsigned JSON #${i}`, headers: unsigned(json(target, '{}').headers!), body: '{}', status: 403, code: 'MissingAuthenticationTokenException' }),
  );
  ['Action=CreateRole&RoleName=x&AssumeRolePolicyDocument=%7B%7D&Version=2010-05-08', 'Action=GetCallerIdentity&Version=2011-06-15', 'Action=Nope', '', 'Action=DescribeSubnets&Version=2016-11-15'].forEach((body, i) =>
    list.push({ name: `unsigned form #${i}`, ...form(body), status: 403, code: 'MissingAuthenticationToken' }),
  );
  ['/?Action=CreateRole&RoleName=x', '/?Action=GetCallerIdentity&X-Amz-Signature=abc', `/?Action=GetCallerIdentity&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=test/20260101/us-east-1/sts/aws4_request&X-Amz-SignedHeaders=host&X-Amz-Signature=zz`].forEach((path, i) =>
    list.push({ name: `unsigned or incomplete presigned GET #${i}`, method: 'GET', path, status: 403, code: /MissingAuthenticationToken|IncompleteSignature/ }),
  );
  list.push({ name: 'oversized header', ...json(`${ECS}.ListClusters`, '{}', { 'x-junk': 'y'.repeat(80 * 1024) }), status: 431 });
  ['x-amz-target', 'content-type', 'x-amzn-query-mode', 'x-amz-date', 'host-override'].forEach((h, i) =>
    list.push({ name: `junk header ${i}`, ...json(`${ECS}.Nope`, '{}', { [h === 'x-amz-target' ? 'x-amz-target-2' : h]: '\t!#$%&*+-.^_`|~' }), status: 400 }),
  );
  // Methods and paths.
  ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'].forEach((method) => list.push({ name: `${method} / without Action`, method, path: '/', headers: auth('sts'), status: 400, code: 'MissingAction' }));
  ['GET /?Action=Nope', 'GET /?Action=GetCallerIdentity&A=1&A.B=2', 'GET /?%zz=1&Action=Nope'].forEach((p, i) =>
    list.push({ name: `query string request #${i}`, method: 'GET', path: p.slice(4), headers: auth('sts'), status: 400 }),
  );
  // Admin paths: without the admin token every one but health is 401 (nothing about them is revealed); with it, unknown ones are 404.
  const admin = { authorization: `Bearer ${adminToken}` };
  ['/_ecskit/', '/_ecskit/reset', '/_ecskit/x/y', '/_ecskit/health/x'].forEach((path, i) => {
    list.push({ name: `internal path #${i}`, method: 'GET', path, headers: admin, status: 404 });
    list.push({ name: `internal path without token #${i}`, method: 'GET', path, status: 401 });
  });
  list.push({ name: 'path traversal', method: 'GET', path: '/_ecskit/%2e%2e/etc/passwd' });
  return list;
}

async function send(endpoint: string, c: Case): Promise<{ status: number; text: string }> {
  const init: RequestInit = { method: c.method ?? 'POST', headers: c.headers ?? {} };
  if (c.body !== undefined && init.method !== 'GET') init.body = typeof c.body === 'string' ? c.body : new Uint8Array(c.body);
  const r = await fetch(endpoint + (c.path ?? '/'), init);
  return { status: r.status, text: await r.text() };
}

/** Raw bytes the HTTP parser must reject; the server answers 400 and keeps running. */
const rawRequests = [
  'GARBAGE\r\n\r\n',
  'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
  'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello',
  'POST / HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n',
  'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
  'POST / HTTP/9.9\r\n\r\n',
  'POST / HTTP/1.1\r\nHost: x\r\nX: \x00\r\n\r\n',
];

function raw(endpoint: string, data: string): Promise<string> {
  const url = new URL(endpoint);
  return new Promise((resolve) => {
    const socket = connect(Number(url.port), url.hostname);
    let out = '';
    socket.on('data', (d) => (out += d.toString()));
    socket.on('error', () => resolve(out));
    socket.on('close', () => resolve(out));
    socket.setTimeout(3000, () => socket.destroy());
    socket.write(data, 'latin1');
  });
}

describe('robustness against malformed and hostile requests', () => {
  let t: TestCloud;
  const logs: string[] = [];
  before(async () => {
    t = await startTestCloud({ services: fakeServices, log: (line) => logs.push(line) });
  });
  after(() => t.stop());

  test('at least 200 hostile requests get AWS error codes, never a 500 and never a crash; a normal request still works', async () => {
    const all = cases(t.cloud.adminToken);
    assert.ok(all.length >= 200, `only ${all.length} cases`);
    const problems: string[] = [];
    for (let i = 0; i < all.length; i += 8) {
      await Promise.all(
        all.slice(i, i + 8).map(async (c) => {
          const r = await send(t.cloud.endpoint, c);
          if (r.status >= 500) problems.push(`${c.name}: ${r.status} ${r.text.slice(0, 200)}`);
          else if (c.status !== undefined && r.status !== c.status) problems.push(`${c.name}: expected ${c.status}, got ${r.status} ${r.text.slice(0, 200)}`);
          else if (c.status === undefined && (r.status < 400 || r.status > 499)) problems.push(`${c.name}: expected a 4xx, got ${r.status}`);
          if (c.code !== undefined) {
            const code = /"__type":"([^"]+)"/.exec(r.text)?.[1] ?? /<Code>([^<]+)<\/Code>/.exec(r.text)?.[1] ?? '';
            const ok = typeof c.code === 'string' ? code === c.code : c.code.test(code);
            if (!ok) problems.push(`${c.name}: expected code ${String(c.code)}, got ${code || r.text.slice(0, 200)}`);
          }
        }),
      );
    }
    for (const data of rawRequests) {
      const answer = await raw(t.cloud.endpoint, data);
      if (answer && !/^HTTP\/1\.1 4\d\d/.test(answer)) problems.push(`raw ${JSON.stringify(data).slice(0, 60)}: ${answer.slice(0, 100)}`);
    }
    assert.deepEqual(problems, []);
    assert.deepEqual(logs.filter((l) => /protocol layer/.test(l)), []);
    const ok = await t.clients.ecs.send(new CreateClusterCommand({ clusterName: 'still-alive' }));
    assert.equal(ok.cluster?.clusterName, 'still-alive');
  });
});
