import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { DeleteAlarmsCommand, DescribeAlarmsCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateClusterCommand, DescribeClustersCommand, DescribeServicesCommand, ListServicesCommand } from '@aws-sdk/client-ecs';
import {
  DeleteLoadBalancerCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  ModifyTargetGroupAttributesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { foldQueryParams } from '../../src/local/server/query-params.js';
import { fakeServices, received } from './fake-services.js';
import { rejection, signedPost, startTestCloud, type TestCloud } from './helpers.js';

describe('query parameter folding', () => {
  test('member lists of structures fold into arrays of objects in index order', () => {
    const input = foldQueryParams([
      ['Action', 'X'],
      ['Version', '1'],
      ['Tags.member.2.Key', 'b'],
      ['Tags.member.1.Key', 'a'],
      ['Tags.member.1.Value', '1'],
      ['Names.member.1', 'lb'],
    ]);
    assert.deepEqual(input, { Tags: [{ Key: 'a', Value: '1' }, { Key: 'b' }], Names: ['lb'] });
  });

  test('EC2 flattened lists fold Filter.1.Value.1 into nested arrays', () => {
    const input = foldQueryParams(new URLSearchParams('Filter.1.Name=vpc-id&Filter.1.Value.1=vpc-1&Filter.1.Value.2=vpc-2&SubnetId.1=s-1&MaxResults=5'));
    assert.deepEqual(input, { Filter: [{ Name: 'vpc-id', Value: ['vpc-1', 'vpc-2'] }], SubnetId: ['s-1'], MaxResults: '5' });
  });

  test('entry maps fold into plain objects, like JSON maps', () => {
    const input = foldQueryParams(new URLSearchParams('Attributes.entry.1.key=a&Attributes.entry.1.value=1&Attributes.entry.2.Key=b&Attributes.entry.2.Value=2'));
    assert.deepEqual(input, { Attributes: { a: '1', b: '2' } });
  });

  test('a parameter used as both a value and a structure is rejected', () => {
    assert.throws(() => foldQueryParams([['A', 'x'], ['A.B', 'y']]), /A\.B/);
  });

  test('__proto__ keys stay plain data and do not pollute prototypes', () => {
    const input = foldQueryParams([['__proto__.polluted', 'yes']]) as Record<string, unknown>;
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.deepEqual(Object.getOwnPropertyNames(input), ['__proto__']);
  });
});

describe('wire protocols through real SDK clients', () => {
  let t: TestCloud;
  before(async () => {
    t = await startTestCloud({ services: fakeServices });
  });
  after(() => t.stop());

  test('JSON 1.1 output reaches the ECS client, with epoch-second dates parsed back to Date', async () => {
    const out = await t.clients.ecs.send(new DescribeServicesCommand({ services: ['web'] }));
    assert.equal(out.services?.[0]?.serviceName, 'web');
    assert.equal(out.services?.[0]?.enableECSManagedTags, true);
    assert.equal(out.services?.[0]?.createdAt?.toISOString(), '2026-01-02T03:04:05.678Z');
    assert.match(out.$metadata.requestId ?? '', /^[0-9a-f-]{36}$/);
  });

  test('a JSON 1.1 handler error arrives as the modeled SDK exception with its message', async () => {
    const error = await rejection(t.clients.ecs.send(new DescribeClustersCommand({ clusters: ['nope'] })));
    assert.equal(error.name, 'ClusterNotFoundException');
    assert.equal(error.message, 'Cluster not found.');
    assert.equal(error.$metadata.httpStatusCode, 400);
    assert.deepEqual(received.get('ecs:DescribeClusters'), { clusters: ['nope'] });
  });

  test('a handler crash becomes a 500 InternalFailure, and the server keeps serving', async () => {
    const error = await rejection(t.clients.ecs.send(new ListServicesCommand({})));
    assert.equal(error.name, 'InternalFailure');
    assert.equal(error.$metadata.httpStatusCode, 500);
    const ok = await t.clients.ecs.send(new CreateClusterCommand({ clusterName: 'after-crash' }));
    assert.equal(ok.cluster?.clusterName, 'after-crash');
  });

  test('an operation the service does not implement answers UnknownOperationException', async () => {
    const r = await t.json('ecs', 'AmazonEC2ContainerServiceV20141113.DeleteEverything', {});
    assert.equal(r.status, 400);
    assert.equal(r.json.__type, 'UnknownOperationException');
    assert.equal(r.headers.get('x-amzn-errortype'), 'UnknownOperationException');
    assert.ok(r.headers.get('x-amzn-requestid'));
  });

  test('CloudWatch over JSON 1.0 returns alarms with dates and escaped text intact', async () => {
    const out = await t.clients.cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: ['cpu-high'] }));
    const alarm = out.MetricAlarms?.[0];
    assert.equal(alarm?.AlarmName, 'cpu-high');
    assert.equal(alarm?.Threshold, 75.5);
    assert.equal(alarm?.ActionsEnabled, true);
    assert.equal(alarm?.StateUpdatedTimestamp?.toISOString(), '2026-01-02T03:04:05.000Z');
    assert.equal(alarm?.Dimensions?.[0]?.Value, 'a&b<c>');
    assert.deepEqual(received.get('monitoring:DescribeAlarms'), { AlarmNames: ['cpu-high'] });
  });

  test('CloudWatch JSON errors carry x-amzn-query-error so the SDK sees the Query error code', async () => {
    const error = await rejection(t.clients.cloudWatch.send(new DeleteAlarmsCommand({ AlarmNames: ['nope'] })));
    assert.equal(error.name, 'ResourceNotFound');
    assert.equal(error.Code, 'ResourceNotFound');
    assert.equal(error.Type, 'Sender');
    assert.equal(error.$metadata.httpStatusCode, 404);
    const raw = await t.json('monitoring', 'GraniteServiceVersion20100801.DeleteAlarms', { AlarmNames: ['x'] }, { version: '1.0' });
    assert.equal(raw.headers.get('x-amzn-query-error'), 'ResourceNotFound;Sender');
    assert.equal(raw.headers.get('content-type'), 'application/x-amz-json-1.0');
  });

  test('large PutMetricData requests are gzip-compressed by the SDK and decoded by the server', async () => {
    const MetricData = Array.from({ length: 400 }, (_, i) => ({ MetricName: `metric-${i}`, Value: i, Unit: 'Count' as const }));
    let encoding: string | undefined;
    t.clients.cloudWatch.middlewareStack.add(
      (next) => async (args) => {
        encoding = (args.request as { headers: Record<string, string> }).headers['content-encoding'];
        return next(args);
      },
      { step: 'finalizeRequest', name: 'captureEncoding', priority: 'low' },
    );
    await t.clients.cloudWatch.send(new PutMetricDataCommand({ Namespace: 'Test', MetricData }));
    t.clients.cloudWatch.middlewareStack.remove('captureEncoding');
    assert.equal(encoding, 'gzip');
    const input = received.get('monitoring:PutMetricData') as { MetricData: unknown[] };
    assert.equal(input.MetricData.length, 400);
  });

  test('CloudWatch also answers the Query protocol older CLIs use, with the same handlers', async () => {
    const r = await t.query('monitoring', 'DescribeAlarms', { 'AlarmNames.member.1': 'cpu-high' });
    assert.equal(r.status, 200);
    const result = r.xml.DescribeAlarmsResponse.DescribeAlarmsResult;
    assert.equal(result.MetricAlarms.member[0].AlarmName, 'cpu-high');
    assert.equal(result.MetricAlarms.member[0].StateUpdatedTimestamp, '2026-01-02T03:04:05.000Z');
    assert.equal(result.MetricAlarms.member[0].ActionsEnabled, 'true');
    const err = await t.query('monitoring', 'DeleteAlarms', { 'AlarmNames.member.1': 'x' });
    assert.equal(err.status, 404);
    assert.equal(err.xml.ErrorResponse.Error.Code, 'ResourceNotFound');
    assert.equal(err.xml.ErrorResponse.Error.Type, 'Sender');
  });

  test('ELBv2 Query input folds member lists and the XML output parses in the SDK', async () => {
    const out = await t.clients.elbv2.send(new DescribeLoadBalancersCommand({ Names: ['a', 'b'] }));
    assert.deepEqual(received.get('elasticloadbalancing:DescribeLoadBalancers'), { Names: ['a', 'b'] });
    assert.deepEqual(out.LoadBalancers?.map((lb) => lb.LoadBalancerName), ['a', 'b']);
    assert.equal(out.LoadBalancers?.[0]?.CreatedTime?.toISOString(), '2026-01-02T03:04:05.000Z');
    assert.equal(out.LoadBalancers?.[0]?.AvailabilityZones?.[0]?.ZoneName, 'us-east-1a');
    assert.equal(out.LoadBalancers?.[0]?.State?.Code, 'active');
    assert.match(out.$metadata.requestId ?? '', /^[0-9a-f-]{36}$/);
  });

  test('ELBv2 attribute lists arrive as arrays of Key/Value objects', async () => {
    const out = await t.clients.elbv2.send(
      new ModifyTargetGroupAttributesCommand({ TargetGroupArn: 'arn:tg', Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }] }),
    );
    assert.deepEqual(received.get('elasticloadbalancing:ModifyTargetGroupAttributes'), {
      TargetGroupArn: 'arn:tg',
      Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }],
    });
    assert.equal(out.Attributes?.[0]?.Value, '30');
  });

  test('ELBv2 Query errors arrive as the modeled SDK exception', async () => {
    const error = await rejection(t.clients.elbv2.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: 'arn:x' })));
    assert.equal(error.name, 'LoadBalancerNotFoundException');
    assert.equal(error.message, 'One or more load balancers not found');
    const crash = await rejection(t.clients.elbv2.send(new DescribeTargetGroupsCommand({})));
    assert.equal(crash.name, 'InternalError');
    assert.equal(crash.$metadata.httpStatusCode, 500);
  });

  test('an unknown Query action answers InvalidAction in an ErrorResponse', async () => {
    const r = await t.query('elasticloadbalancing', 'DescribeEverything');
    assert.equal(r.status, 400);
    assert.equal(r.xml.ErrorResponse.Error.Code, 'InvalidAction');
    assert.match(r.xml.ErrorResponse.RequestId, /^[0-9a-f-]{36}$/);
  });

  test('EC2 filters fold into arrays and results come back as <item> lists with a requestId', async () => {
    const r = await t.query('ec2', 'DescribeSubnets', { 'Filter.1.Name': 'vpc-id', 'Filter.1.Value.1': 'vpc-1', 'SubnetId.1': 'subnet-1' });
    assert.equal(r.status, 200);
    assert.deepEqual(received.get('ec2:DescribeSubnets'), { Filter: [{ Name: 'vpc-id', Value: ['vpc-1'] }], SubnetId: ['subnet-1'] });
    const body = r.xml.DescribeSubnetsResponse;
    assert.match(body.requestId, /^[0-9a-f-]{36}$/);
    assert.equal(body.subnetSet.item[0].subnetId, 'subnet-1');
    assert.equal(body.subnetSet.item[0].mapPublicIpOnLaunch, 'false');
  });

  test('EC2 errors use the <Response><Errors> shape with RequestID', async () => {
    const r = await t.query('ec2', 'DescribeVpcs', { 'VpcId.1': 'vpc-x' });
    assert.equal(r.status, 400);
    assert.equal(r.xml.Response.Errors.Error.Code, 'InvalidVpcID.NotFound');
    assert.match(r.xml.Response.RequestID, /^[0-9a-f-]{36}$/);
    const unknown = await t.query('ec2', 'LaunchRockets');
    assert.equal(unknown.xml.Response.Errors.Error.Code, 'InvalidAction');
  });

  test('an unsigned request is refused with MissingAuthenticationToken in the shape of the service found from the X-Amz-Target prefix or the form Action', async () => {
    const json = await fetch(t.cloud.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListClusters' },
      body: '{}',
    });
    assert.equal(json.status, 403);
    assert.equal(json.headers.get('content-type'), 'application/x-amz-json-1.1');
    assert.deepEqual(await json.json(), { __type: 'MissingAuthenticationTokenException', message: 'Request is missing Authentication Token' });
    const form = await fetch(t.cloud.endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=GetCallerIdentity&Version=2011-06-15' });
    assert.equal(form.status, 403);
    const text = await form.text();
    assert.match(text, /<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><Error><Type>Sender<\/Type><Code>MissingAuthenticationToken<\/Code><Message>Request is missing Authentication Token<\/Message>/);
    assert.doesNotMatch(text, /123456789012/);
  });

  test('the region comes from the SigV4 credential scope', async () => {
    const r = await t.json('ecs', 'AmazonEC2ContainerServiceV20141113.CreateCluster', { clusterName: 'west' }, { region: 'eu-west-1' });
    assert.equal(r.status, 200);
    assert.match(r.json.cluster.clusterArn, /^arn:aws:ecs:eu-west-1:/);
  });

  test('a gzip-encoded JSON body is decoded, and a broken gzip body is a SerializationException', async () => {
    const headers = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.CreateCluster', 'content-encoding': 'gzip' };
    const ok = await signedPost(t.cloud.endpoint, 'ecs', 'us-east-1', headers, gzipSync(JSON.stringify({ clusterName: 'zipped' })));
    assert.equal(ok.status, 200);
    assert.equal((ok.json as { cluster: { clusterName: string } }).cluster.clusterName, 'zipped');
    const bad = await signedPost(t.cloud.endpoint, 'ecs', 'us-east-1', headers, 'not gzip');
    assert.equal(bad.status, 400);
    assert.equal((bad.json as { __type: string }).__type, 'SerializationException');
  });

  test('GET / says what the endpoint is (HTML for a browser, text for curl), without the admin token; with a signature or an Action it is an AWS request (issue #14)', async () => {
    const page = await fetch(`${t.cloud.endpoint}/`, { headers: { accept: 'text/html,application/xhtml+xml' } });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    const html = await page.text();
    assert.match(html, /<h1>ecskit local cloud<\/h1>/);
    assert.ok(html.includes(`AWS_ENDPOINT_URL=${t.cloud.endpoint}`), html);
    assert.match(html, /<a href="\/_ecskit\/console">\/_ecskit\/console<\/a>/);
    assert.ok(!html.includes(t.cloud.adminToken), 'the page never carries the admin token');
    const text = await (await fetch(`${t.cloud.endpoint}/`, { headers: { accept: '*/*' } })).text();
    assert.match(text, /^ecskit local cloud\n\nThis is the endpoint AWS SDKs and CLIs talk to: AWS_ENDPOINT_URL=http:\/\/127\.0\.0\.1:\d+/);
    assert.equal((await fetch(`${t.cloud.endpoint}/`, { method: 'HEAD' })).status, 200);
    const asAws = await fetch(`${t.cloud.endpoint}/?Action=ListClusters`);
    assert.notEqual(asAws.status, 200, 'an Action in the query is an AWS request: unsigned, it is refused as AWS refuses it');
    assert.match(await asAws.text(), /MissingAuthenticationToken/);
  });

  test('health reports ok and reset clears all state', async () => {
    await t.clients.ecs.send(new CreateClusterCommand({ clusterName: 'to-reset' }));
    const health = (await (await fetch(`${t.cloud.endpoint}/_ecskit/health`)).json()) as { status: string; region: string };
    assert.equal(health.status, 'ok');
    assert.equal(health.region, 'us-east-1');
    const refused = await fetch(`${t.cloud.endpoint}/_ecskit/reset`, { method: 'POST' });
    assert.equal(refused.status, 401);
    assert.ok(t.cloud.state.snapshot() && Object.keys(t.cloud.state.snapshot()).length > 0, 'a reset without the admin token changes nothing');
    const reset = await fetch(`${t.cloud.endpoint}/_ecskit/reset`, { method: 'POST', headers: { authorization: `Bearer ${t.cloud.adminToken}` } });
    assert.equal(reset.status, 200);
    assert.deepEqual(t.cloud.state.snapshot(), {});
  });
});
