import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { conformanceHook } from '../../../src/local/models/conformance-log.js';
import { checkResponse, MAX_VIOLATIONS_PER_RESPONSE, type ResponseToCheck } from '../../../src/local/models/conformance.js';
import { outputModels } from '../../../src/local/models/data/output/index.js';
import type { OutputModel } from '../../../src/local/models/types.js';

const JSON11 = 'application/x-amz-json-1.1';
const XML = 'text/xml';

/** The violations of one response, as `path: problem` lines. */
function problems(response: Partial<ResponseToCheck> & Pick<ResponseToCheck, 'service' | 'operation' | 'body'>, models?: Readonly<Record<string, OutputModel>>): string[] {
  const full: ResponseToCheck = { status: 200, contentType: response.body.startsWith('<') ? XML : JSON11, ...response };
  return checkResponse(full, models).map((v) => {
    assert.equal(v.service, response.service);
    assert.equal(v.operation, response.operation);
    return `${v.note ? '(note) ' : ''}${v.path}: ${v.problem}`;
  });
}

const json = (service: string, operation: string, value: unknown, status = 200) => problems({ service, operation, status, body: JSON.stringify(value) });
const query = (service: string, operation: string, result: string) =>
  problems({
    service,
    operation,
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<${operation}Response xmlns="urn:x"><${operation}Result>${result}</${operation}Result><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></${operation}Response>`,
  });
/** A Query answer with ResponseMetadata only, as AWS sends for an operation with no output shape. */
const queryNoResult = (service: string, operation: string) =>
  problems({
    service,
    operation,
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<${operation}Response xmlns="urn:x"><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></${operation}Response>`,
  });
const ec2 = (operation: string, content: string) =>
  problems({ service: 'ec2', operation, body: `<?xml version="1.0" encoding="UTF-8"?>\n<${operation}Response xmlns="urn:x"><requestId>r-1</requestId>${content}</${operation}Response>` });

/** A model with the shape kinds the served models do not all use: maps with enum keys, flattened lists and maps, unions, required members, timestamp formats. */
const toy: OutputModel = {
  service: 'toy',
  version: '2020-01-01',
  protocol: 'query',
  operations: { Get: { o: 'GetOutput', w: 'GetResult', e: ['NotFound'] }, Delete: {} },
  errors: { NotFound: 'NotFound', NotFoundException: 'NotFound', Busy: 'Busy' },
  shapes: {
    GetOutput: {
      t: 'structure',
      m: { Id: 'Str', Counts: 'CountMap', Items: ['ItemList', 'Item', 1], Flat: ['FlatMap', 'Flat', 1], Choice: 'Choice', Iso: 'IsoTime', Epoch: 'EpochTime', Names: 'NameList' },
      r: ['Id'],
    },
    Str: { t: 'string' },
    Kind: { t: 'string', e: ['A', 'B'] },
    Int: { t: 'integer' },
    CountMap: { t: 'map', k: 'Kind', v: 'Int' },
    FlatMap: { t: 'map', k: 'Str', v: 'Str', kn: 'Name', vn: 'Value' },
    ItemList: { t: 'list', m: 'Str' },
    NameList: { t: 'list', m: 'Str', n: 'Name' },
    Choice: { t: 'structure', m: { a: 'Str', b: 'Str' }, u: 1 },
    IsoTime: { t: 'timestamp', tf: 'iso8601' },
    EpochTime: { t: 'timestamp', tf: 'unixTimestamp' },
    NotFound: { t: 'structure', m: { message: 'Str', resourceId: 'Str' } },
    Busy: { t: 'structure', m: {} },
  },
};
const toyModels = { toy };
const toyXml = (result: string) =>
  problems({ service: 'toy', operation: 'Get', body: `<GetResponse><GetResult>${result}</GetResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetResponse>` }, toyModels);
const toyJson = (value: unknown) => problems({ service: 'toy', operation: 'Get', body: JSON.stringify(value), contentType: JSON11 }, toyModels);

describe('response conformance: JSON protocols', () => {
  it('a conformant response has no violations', () => {
    const cluster = {
      clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/a',
      clusterName: 'a',
      status: 'ACTIVE',
      registeredContainerInstancesCount: 0,
      settings: [{ name: 'containerInsights', value: 'enabled' }],
      tags: [{ key: 'k', value: 'v' }],
    };
    assert.deepEqual(json('ecs', 'DescribeClusters', { clusters: [cluster], failures: [] }), []);
    assert.deepEqual(json('ecs', 'DeleteCluster', { cluster }), []);
    assert.deepEqual(json('logs', 'CreateLogGroup', {}), []);
  });

  it('reports a member the shape does not declare, at any depth, with its path', () => {
    assert.deepEqual(json('ecs', 'DescribeClusters', { clusters: [{ clusterName: 'a', settings: [{ name: 'containerInsights', valu: 'x' }] }], extra: 1 }), [
      '/clusters/0/settings/0/valu: unknown member "valu" (not in ClusterSetting)',
      '/extra: unknown member "extra" (not in DescribeClustersResponse)',
    ]);
    assert.deepEqual(json('logs', 'CreateLogGroup', { logGroupArn: 'x' }), ['/logGroupArn: unknown member "logGroupArn" (CreateLogGroup has no output)']);
  });

  it('reports values of the wrong type: a number as a string, a fraction as an integer, an object as a list, a string as a boolean', () => {
    assert.deepEqual(json('ecs', 'DescribeClusters', { clusters: [{ runningTasksCount: '3', pendingTasksCount: 1.5, capacityProviders: { a: 1 } }], failures: 'none' }), [
      '/clusters/0/runningTasksCount: expected an integer, got a string "3"',
      '/clusters/0/pendingTasksCount: expected a whole number (integer), got 1.5',
      '/clusters/0/capacityProviders: expected a list, got an object',
      '/failures: expected a list, got a string "none"',
    ]);
    assert.deepEqual(json('ecs', 'DescribeServices', { services: [{ enableECSManagedTags: 'true', desiredCount: 2, serviceName: 7 }] }), [
      '/services/0/enableECSManagedTags: expected a boolean, got a string "true"',
      '/services/0/serviceName: expected a string, got a number 7',
    ]);
  });

  it('reports enum values the model does not list, with the path through nested lists', () => {
    const deployments = [{ rolloutState: 'COMPLETED' }, { rolloutState: 'completed', status: 'PRIMARY' }];
    assert.deepEqual(json('ecs', 'DescribeServices', { services: [{ launchType: 'FARGATE', deployments }, { launchType: 'LAMBDA' }] }), [
      '/services/0/deployments/1/rolloutState: "completed" is not a value of enum DeploymentRolloutState [COMPLETED, FAILED, IN_PROGRESS]',
      '/services/1/launchType: "LAMBDA" is not a value of enum LaunchType [EC2, FARGATE, EXTERNAL, MANAGED_INSTANCES]',
    ]);
  });

  it('timestamps are epoch seconds (numbers), not ISO text; null is not a value', () => {
    assert.deepEqual(json('ecs', 'DescribeServices', { services: [{ createdAt: 1767236645.5 }] }), []);
    assert.deepEqual(json('ecs', 'DescribeServices', { services: [{ createdAt: '2026-01-01T00:00:00Z', serviceArn: null }] }), [
      '/services/0/createdAt: expected a timestamp (epoch seconds, a number), got a string "2026-01-01T00:00:00Z"',
      '/services/0/serviceArn: null where the model has a string (AWS leaves absent members out)',
    ]);
  });

  it('maps: key enums and values are checked; unions may set one member; required members must be there', () => {
    assert.deepEqual(toyJson({ Id: 'i', Counts: { A: 1, C: 2, B: 'x' }, Choice: { a: '1' } }), [
      '/Counts/C: "C" is not a value of enum Kind [A, B]',
      '/Counts/B: expected an integer, got a string "x"',
    ]);
    assert.deepEqual(toyJson({ Choice: { a: '1', b: '2' }, Iso: 5 }), [
      '/Choice: 2 members of union Choice set; at most one may be',
      '/Iso: expected a timestamp (ISO 8601 text), got a number 5',
      '/Id: required member "Id" is missing',
    ]);
  });

  it('a body that is not JSON, or not an object, is reported', () => {
    assert.deepEqual(problems({ service: 'ecs', operation: 'ListClusters', body: '{"clusterArns":[' }).length, 1);
    assert.match(problems({ service: 'ecs', operation: 'ListClusters', body: '{"clusterArns":[' })[0]!, /^: body is not JSON/);
    assert.deepEqual(json('ecs', 'ListClusters', ['a']), [': expected a structure (object), got a list']);
  });

  it('an operation the model does not have cannot answer 200; a service without a model is not checked', () => {
    assert.deepEqual(json('ecs', 'LaunchRockets', {}), [': operation LaunchRockets answered 200 but has no output model (not in the ecs model, or the data predates it: npm run models)']);
    assert.deepEqual(json('not-a-service', 'Anything', { whatever: 1 }), []);
  });

  it('reports at most a bounded number of violations per response', () => {
    const clusters = Array.from({ length: 200 }, () => ({ status: 1 }));
    assert.equal(json('ecs', 'DescribeClusters', { clusters }).length, MAX_VIOLATIONS_PER_RESPONSE);
  });
});

describe('response conformance: JSON errors', () => {
  it('an error code of the operation, or a common AWS error, passes; its members are checked', () => {
    assert.deepEqual(json('ecs', 'DescribeServices', { __type: 'ClusterNotFoundException', message: 'Cluster not found.' }, 400), []);
    assert.deepEqual(json('ecs', 'DescribeServices', { __type: 'SerializationException', message: 'bad' }, 400), []);
    assert.deepEqual(json('ecs', 'LaunchRockets', { __type: 'UnknownOperationException', message: 'no' }, 400), []);
    assert.deepEqual(json('ecs', 'ListClusters', { __type: 'InvalidSignatureException', message: 'no' }, 403), []);
    assert.deepEqual(json('ecs', 'DescribeServices', { __type: 'com.amazonaws.ecs#ClientException', message: 'x' }, 400), []);
    assert.deepEqual(json('ecs', 'DescribeServices', { __type: 'ClusterNotFoundException', message: 5, detail: 'x' }, 400), [
      '/message: expected a string, got a number 5',
      '/detail: unknown member "detail" in error ClusterNotFoundException',
    ]);
  });

  it('a code the service model does not have is reported; one the operation does not declare is a note', () => {
    assert.deepEqual(json('ecs', 'DescribeServices', { __type: 'ClusterMissing', message: 'x' }, 400), ['/__type: error code "ClusterMissing" is not in the ecs model nor a common AWS error']);
    assert.deepEqual(json('ecs', 'DescribeServices', { __type: 'NamespaceNotFoundException', message: 'x' }, 400), [
      '(note) /__type: error code "NamespaceNotFoundException" is not declared for DescribeServices (the ecs model has it on other operations)',
    ]);
    assert.deepEqual(json('ecs', 'DescribeServices', { message: 'x' }, 400), ['/__type: error body needs a "__type" string, got a undefined']);
  });

  it('an error shape is read by its Query code too (CloudWatch: DashboardNotFoundError is ResourceNotFound)', () => {
    const r = (operation: string, code: string) => problems({ service: 'monitoring', operation, status: 404, contentType: 'application/x-amz-json-1.0', body: JSON.stringify({ __type: code, message: 'm' }) });
    assert.deepEqual(r('GetDashboard', 'ResourceNotFound'), []);
    assert.deepEqual(r('GetDashboard', 'DashboardNotFoundError'), []);
    assert.deepEqual(r('DescribeAlarms', 'ResourceNotFound'), ['(note) /__type: error code "ResourceNotFound" is not declared for DescribeAlarms (the monitoring model has it on other operations)']);
  });
});

describe('response conformance: Query XML', () => {
  const lb = (inner: string) => `<LoadBalancers><member><LoadBalancerName>a</LoadBalancerName>${inner}</member></LoadBalancers>`;

  it('a conformant response has no violations', () => {
    assert.deepEqual(query('elasticloadbalancing', 'DescribeLoadBalancers', lb('<State><Code>active</Code></State><CreatedTime>2026-01-02T03:04:05.678Z</CreatedTime><AvailabilityZones><member><ZoneName>us-east-1a</ZoneName></member></AvailabilityZones>')), []);
    // An output shape with no members: an empty result element.
    assert.deepEqual(query('elasticloadbalancing', 'DeleteLoadBalancer', ''), []);
    // An operation with no output shape: ResponseMetadata only.
    assert.deepEqual(queryNoResult('iam', 'DeleteRole'), []);
    assert.deepEqual(queryNoResult('monitoring', 'PutMetricAlarm'), []);
  });

  it('the result element: present exactly when the model has an output shape (even one with no members)', () => {
    assert.deepEqual(query('iam', 'DeleteRole', ''), ['/DeleteRoleResult: unexpected element "DeleteRoleResult": DeleteRole has no output in the model, and AWS answers it with ResponseMetadata only']);
    assert.deepEqual(query('monitoring', 'PutMetricAlarm', ''), ['/PutMetricAlarmResult: unexpected element "PutMetricAlarmResult": PutMetricAlarm has no output in the model, and AWS answers it with ResponseMetadata only']);
    assert.deepEqual(queryNoResult('elasticloadbalancing', 'DeleteLoadBalancer'), ['/DeleteLoadBalancerResult: element "DeleteLoadBalancerResult" is missing']);
    assert.deepEqual(queryNoResult('monitoring', 'TagResource'), ['/TagResourceResult: element "TagResourceResult" is missing']);
    // A result element of another operation's name is just an unexpected element.
    assert.deepEqual(
      problems({ service: 'iam', operation: 'DeleteRole', body: '<DeleteRoleResponse><GetRoleResult/><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DeleteRoleResponse>' }),
      ['/GetRoleResult: unexpected element "GetRoleResult" in DeleteRoleResponse'],
    );
  });

  it('reports unknown elements, bad enum values and wrong scalar text with wire-name paths', () => {
    assert.deepEqual(query('elasticloadbalancing', 'DescribeLoadBalancers', lb('<State><Code>Active</Code></State><Foo>1</Foo><CreatedTime>yesterday</CreatedTime>')), [
      '/LoadBalancers/0/State/Code: "Active" is not a value of enum LoadBalancerStateEnum [active, provisioning, active_impaired, failed]',
      '/LoadBalancers/0/Foo: unknown member "Foo" (not in LoadBalancer)',
      '/LoadBalancers/0/CreatedTime: expected a timestamp (iso8601), got "yesterday"',
    ]);
    assert.deepEqual(query('elasticloadbalancing', 'DescribeTargetGroups', '<TargetGroups><member><Port>eighty</Port><HealthCheckEnabled>yes</HealthCheckEnabled><Matcher>200</Matcher></member></TargetGroups>'), [
      '/TargetGroups/0/Port: expected a whole number (integer), got "eighty"',
      '/TargetGroups/0/HealthCheckEnabled: expected true or false, got "yes"',
      '/TargetGroups/0/Matcher: text "200" in structure Matcher',
    ]);
  });

  it('list items must be named as the model says, and a member may not repeat', () => {
    assert.deepEqual(query('elasticloadbalancing', 'DescribeLoadBalancers', '<LoadBalancers><item><LoadBalancerName>a</LoadBalancerName></item></LoadBalancers><NextMarker>a</NextMarker><NextMarker>b</NextMarker>'), [
      '/LoadBalancers/0: list item element "item", expected "member"',
      '/NextMarker: element "NextMarker" repeated; DescribeLoadBalancersOutput.NextMarker is not a flattened list',
    ]);
  });

  it('the envelope: document element, result wrapper and response metadata', () => {
    const body = (xml: string) => problems({ service: 'sts', operation: 'GetCallerIdentity', body: xml });
    assert.deepEqual(body('<GetCallerIdentityResponse><GetCallerIdentityResult><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>'), []);
    assert.deepEqual(body('<Response><Account>1</Account></Response>'), [': document element is "Response", expected "GetCallerIdentityResponse"']);
    assert.deepEqual(body('<GetCallerIdentityResponse><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>'), ['/GetCallerIdentityResult: element "GetCallerIdentityResult" is missing']);
    assert.deepEqual(body('<GetCallerIdentityResponse><Account>1</Account><ResponseMetadata><RequestId>r</RequestId><Extra/></ResponseMetadata></GetCallerIdentityResponse>'), [
      '/Account: unexpected element "Account" in GetCallerIdentityResponse',
      '/ResponseMetadata/Extra: unexpected element "Extra"',
      '/GetCallerIdentityResult: element "GetCallerIdentityResult" is missing',
    ]);
    assert.deepEqual(query('iam', 'DeleteRole', '<Deleted>true</Deleted>'), [
      '/DeleteRoleResult: unexpected element "DeleteRoleResult" (this one has content): DeleteRole has no output in the model, and AWS answers it with ResponseMetadata only',
    ]);
  });

  it('flattened lists and maps, map entries and custom item names', () => {
    assert.deepEqual(toyXml('<Id>i</Id><Item>a</Item><Item>b</Item><Flat><Name>k</Name><Value>v</Value></Flat><Names><Name>x</Name></Names><Counts><entry><key>A</key><value>1</value></entry></Counts>'), []);
    assert.deepEqual(toyXml('<Item><member>a</member></Item><Flat><key>k</key><Value>v</Value></Flat><Names><member>x</member></Names><Counts><entry><key>Z</key><value>one</value></entry><item/></Counts>'), [
      '/Item/0: elements where the model has a string',
      '/Flat/key: unexpected element "key" in a map entry (expected Name and Value)',
      '/Flat: map entry needs one Name and one Value, found 0 and 1',
      '/Names/0: list item element "member", expected "Name"',
      '/Counts/Z: "Z" is not a value of enum Kind [A, B]',
      '/Counts/Z: expected a whole number (integer), got "one"',
      '/Counts/item: map element "item", expected "entry"',
      '/Id: required member "Id" is missing',
    ]);
    assert.deepEqual(toyXml('<Id>i</Id><Epoch>1767236645</Epoch><Iso>2026-01-01T00:00:00Z</Iso>'), []);
    assert.deepEqual(toyXml('<Id>i</Id><Epoch>2026-01-01T00:00:00Z</Epoch>'), ['/Epoch: expected a timestamp (unixTimestamp), got "2026-01-01T00:00:00Z"']);
  });

  it('a body that is not well-formed XML is reported', () => {
    const [problem, ...rest] = problems({ service: 'elasticloadbalancing', operation: 'DescribeLoadBalancers', body: '<DescribeLoadBalancersResponse><DescribeLoadBalancersResult></DescribeLoadBalancersResponse>' });
    assert.deepEqual(rest, []);
    assert.match(problem!, /^: not well-formed XML/);
  });

  it('errors: the envelope and the code', () => {
    const err = (service: string, operation: string, code: string, extra = '') =>
      problems({ service, operation, status: 400, body: `<ErrorResponse xmlns="urn:x"><Error><Type>Sender</Type><Code>${code}</Code><Message>m</Message>${extra}</Error><RequestId>r</RequestId></ErrorResponse>` });
    assert.deepEqual(err('elasticloadbalancing', 'DescribeLoadBalancers', 'LoadBalancerNotFound'), []);
    assert.deepEqual(err('elasticloadbalancing', 'DescribeLoadBalancers', 'ValidationError'), []);
    assert.deepEqual(err('iam', 'GetRole', 'NoSuchEntity'), []);
    assert.deepEqual(err('iam', 'GetRole', 'SignatureDoesNotMatch'), []);
    assert.deepEqual(err('elasticloadbalancing', 'DescribeLoadBalancers', 'LoadBalancerMissing', '<Hint>h</Hint>'), [
      '/Error/Hint: unexpected element "Hint"',
      '/Error/Code: error code "LoadBalancerMissing" is not in the elasticloadbalancing model nor a common AWS error',
    ]);
    assert.deepEqual(problems({ service: 'iam', operation: 'GetRole', status: 404, body: '<Response><Errors><Error><Code>NoSuchEntity</Code></Error></Errors></Response>' }), [
      ': Query error document element is "Response", expected "ErrorResponse"',
    ]);
    assert.deepEqual(problems({ service: 'toy', operation: 'Get', status: 400, body: '<ErrorResponse><Error><Type>Client</Type><Code>Busy</Code></Error></ErrorResponse>' }, toyModels), [
      '(note) /Error/Code: error code "Busy" is not declared for Get (the toy model has it on other operations)',
      '/Error/Type: expected Sender or Receiver, got "Client"',
    ]);
  });
});

describe('response conformance: EC2 XML', () => {
  it('a conformant response, and <return> of an action with no output', () => {
    assert.deepEqual(ec2('DescribeVpcs', '<vpcSet><item><vpcId>vpc-1</vpcId><state>available</state><isDefault>true</isDefault><cidrBlock>10.0.0.0/16</cidrBlock></item></vpcSet>'), []);
    assert.deepEqual(ec2('DeleteVpc', '<return>true</return>'), []);
    // AWS documents "available" for an attached internet gateway, outside the model's enum (DOCUMENTED_ENUM_VALUES).
    assert.deepEqual(ec2('DescribeInternetGateways', '<internetGatewaySet><item><attachmentSet><item><state>available</state><vpcId>vpc-1</vpcId></item></attachmentSet></item></internetGatewaySet>'), []);
  });

  it('reports members by their EC2 wire names, list items not named item, bad enums and booleans', () => {
    assert.deepEqual(ec2('DescribeVpcs', '<vpcSet><member><vpcId>vpc-1</vpcId></member><item><VpcId>vpc-2</VpcId><state>up</state><isDefault>1</isDefault></item></vpcSet>'), [
      '/vpcSet/0: list item element "member", expected "item"',
      '/vpcSet/1/VpcId: unknown member "VpcId" (not in Vpc)',
      '/vpcSet/1/state: "up" is not a value of enum VpcState [pending, available]',
      '/vpcSet/1/isDefault: expected true or false, got "1"',
    ]);
    assert.deepEqual(ec2('DeleteVpc', '<return>yes</return><vpcId>vpc-1</vpcId>'), ['/return: expected true or false, got "yes"', '/vpcId: unknown member "vpcId" (DeleteVpc has no output)']);
  });

  it('errors: documented EC2 codes pass, others are reported, and the envelope is EC2’s', () => {
    const err = (code: string, root = 'Response') =>
      problems({ service: 'ec2', operation: 'DescribeVpcs', status: 400, body: `<${root}><Errors><Error><Code>${code}</Code><Message>m</Message></Error></Errors><RequestID>r</RequestID></${root}>` });
    assert.deepEqual(err('InvalidVpcID.NotFound'), []);
    assert.deepEqual(err('InvalidParameterValue'), []);
    assert.deepEqual(err('InvalidVpcId.NotFound'), ['/Errors/0/Code: error code "InvalidVpcId.NotFound" is not in the ec2 model nor a common AWS error']);
    assert.deepEqual(err('InvalidParameterValue', 'ErrorResponse'), [': EC2 error document element is "ErrorResponse", expected "Response"']);
  });
});

describe('response conformance: the model data', () => {
  it('every served service has an output model, and every shape it names resolves (nothing is skipped unchecked)', () => {
    for (const [service, model] of Object.entries(outputModels)) {
      assert.ok(Object.keys(model.operations).length > 0, service);
      for (const [op, { o }] of Object.entries(model.operations)) if (o) assert.ok(model.shapes[o], `${service} ${op} output ${o}`);
      for (const [code, shape] of Object.entries(model.errors)) if (shape) assert.ok(model.shapes[shape], `${service} error ${code}`);
      for (const [name, shape] of Object.entries(model.shapes)) {
        const refs = shape.t === 'structure' ? Object.values(shape.m).map((r) => (typeof r === 'string' ? r : r[0])) : shape.t === 'list' ? [shape.m] : shape.t === 'map' ? [shape.k, shape.v] : [];
        for (const ref of refs) assert.ok(model.shapes[ref], `${service} ${name} names ${ref}`);
      }
    }
  });
});

describe('response conformance: the ECSKIT_CONFORMANCE_LOG hook', () => {
  it('is undefined (nothing loaded) when the variable is unset', () => {
    assert.equal(conformanceHook({}), undefined);
    assert.equal(conformanceHook({ ECSKIT_CONFORMANCE_LOG: '' }), undefined);
  });

  it('appends one NDJSON line per violation, skips the admin endpoints, and checks responses sent before the checker loaded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecskit-conformance-hook-'));
    try {
      const file = join(dir, 'log.ndjson');
      const hook = conformanceHook({ ECSKIT_CONFORMANCE_LOG: file })!;
      const headers = { 'content-type': JSON11 };
      hook({ service: 'ecs', operation: 'ListClusters', status: 200, headers, body: '{"clusterArns":[1],"x":true}' });
      hook({ service: 'ecskit', operation: '/_ecskit/health', status: 200, headers, body: '{"status":"ok"}' });
      hook({ service: 'ecs', operation: 'ListClusters', status: 200, headers, body: '{"clusterArns":[]}' });
      const deadline = Date.now() + 10_000;
      while (!existsSync(file) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.deepEqual(lines, [
        { service: 'ecs', operation: 'ListClusters', path: '/clusterArns/0', problem: 'expected a string, got a number 1', status: 200 },
        { service: 'ecs', operation: 'ListClusters', path: '/x', problem: 'unknown member "x" (not in ListClustersResponse)', status: 200 },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
