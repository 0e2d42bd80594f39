import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cfnRef, discoveryService, privateDnsNamespace } from '../../../src/builders/networking/index.js';
import { discoveryNeedsPort, discoveryRecordProblems } from '../../../src/builders/networking/discovery-service-builder.js';
import { fixture } from './fixtures.js';

const VPC = 'vpc-0abc1234def567890';
const NS = 'ns-abcd1234efgh5678';

function problem(subject: string, line: string) {
  return { name: 'ValidationError', message: `${subject}: 1 problem\n  - ${line}` };
}

// --- golden: the lab's parameter sets -------------------------------------

test('the namespace of lab step 3.1 builds the exact CreatePrivateDnsNamespace input', () => {
  const input = privateDnsNamespace('local')
    .vpc(VPC)
    .description('Service discovery for Flask inventory app')
    .build();
  assert.deepEqual(input, fixture('3.1-create-private-dns-namespace.json'));
});

test('the discovery service of lab step 3.2 builds the exact CreateService input', () => {
  const input = discoveryService('invsys')
    .namespaceId(NS)
    .dnsRecord('A', 60)
    .customHealthCheck({ failureThreshold: 1 })
    .description('Service discovery for inventory system')
    .build();
  assert.deepEqual(input, fixture('3.2-create-discovery-service.json'));
});

test('the Cloud Map resources of the lab Task 10 template come out of toCloudFormation', () => {
  const resources = {
    ServiceDiscoveryNamespace: privateDnsNamespace('local')
      .vpc(cfnRef('VpcId'))
      .description('Service discovery for microservices')
      .toCloudFormation(),
    InvsysServiceDiscovery: discoveryService('invsys')
      .namespaceId(cfnRef('ServiceDiscoveryNamespace'))
      .dnsRecord('A', 60)
      .customHealthCheck({ failureThreshold: 1 })
      .toCloudFormation(),
  };
  assert.deepEqual(resources, fixture('10-template-cloud-map.json'));
});

// --- namespace ---------------------------------------------------------------

test('a namespace carries its SOA TTL and tags', () => {
  const input = privateDnsNamespace('lab.internal')
    .vpc(VPC)
    .soaTtlSeconds(60)
    .tag('ecskit:stack', 'lab')
    .tags({ team: 'inventory' })
    .build();
  assert.deepEqual(input, {
    Name: 'lab.internal',
    Vpc: VPC,
    Properties: { DnsProperties: { SOA: { TTL: 60 } } },
    Tags: [
      { Key: 'ecskit:stack', Value: 'lab' },
      { Key: 'team', Value: 'inventory' },
    ],
  });
});

test('a namespace builder is immutable and reusable as a template', () => {
  const base = privateDnsNamespace('local').vpc(VPC);
  const described = base.description('x');
  assert.deepEqual(base.build(), { Name: 'local', Vpc: VPC });
  assert.deepEqual(described.build(), { Name: 'local', Vpc: VPC, Description: 'x' });
});

test('a namespace name that is not a DNS name is refused at once', () => {
  assert.throws(
    () => privateDnsNamespace('-local'),
    problem(
      'privateDnsNamespace "-local"',
      'Name: namespace name must be a DNS name: dot-separated labels of letters, digits and hyphens (1-63 each, no leading or trailing hyphen), at most 253 characters, got: "-local"',
    ),
  );
  assert.throws(() => privateDnsNamespace('my_ns'), { name: 'ValidationError' });
  assert.throws(() => privateDnsNamespace(`${'a'.repeat(64)}.local`), { name: 'ValidationError' });
});

test('a VPC id of the wrong form is refused at once', () => {
  assert.throws(
    () => privateDnsNamespace('local').vpc('subnet-123'),
    problem('privateDnsNamespace "local"', 'Vpc: VPC id must look like "vpc-0abc1234", got: "subnet-123"'),
  );
});

test('an SOA TTL outside 0-2147483647 is refused at once', () => {
  assert.throws(
    () => privateDnsNamespace('local').soaTtlSeconds(-1),
    problem('privateDnsNamespace "local"', 'Properties.DnsProperties.SOA.TTL: SOA TTL must be an integer 0-2147483647, got: -1'),
  );
});

test('a description over 1024 characters is refused at once', () => {
  assert.throws(() => privateDnsNamespace('local').description('x'.repeat(1025)), {
    message: /Description: description must be a string of at most 1024 characters/,
  });
});

test('a tag key with the reserved aws: prefix is refused at once', () => {
  assert.throws(
    () => privateDnsNamespace('local').tag('aws:owner', 'me'),
    problem(
      'privateDnsNamespace "local"',
      'Tags[0].Key: tag keys starting with "aws:" are reserved by AWS; choose another prefix, got: "aws:owner"',
    ),
  );
});

test('build refuses a CloudFormation intrinsic where the SDK needs the VPC id', () => {
  assert.throws(
    () => privateDnsNamespace('local').vpc(cfnRef('VpcId')).build(),
    problem(
      'privateDnsNamespace "local"',
      'Vpc: a CloudFormation intrinsic only works in toCloudFormation(); pass the real VPC id string to build(), got: {"Ref":"VpcId"}',
    ),
  );
});

test('build is a type error until the VPC is set', () => {
  const partial = privateDnsNamespace('local');
  // @ts-expect-error — .vpc() is required before .build()
  assert.throws(() => partial.build());
  // @ts-expect-error — .vpc() is required before .toCloudFormation()
  assert.throws(() => partial.toCloudFormation());
});

// --- discovery service -----------------------------------------------------

test('a weighted CNAME service builds with its routing policy', () => {
  const input = discoveryService('legacy')
    .namespaceId(NS)
    .dnsRecord('CNAME', 300)
    .routingPolicy('WEIGHTED')
    .tag('ecskit:stack', 'lab')
    .build();
  assert.deepEqual(input, {
    Name: 'legacy',
    NamespaceId: NS,
    DnsConfig: { RoutingPolicy: 'WEIGHTED', DnsRecords: [{ Type: 'CNAME', TTL: 300 }] },
    Tags: [{ Key: 'ecskit:stack', Value: 'lab' }],
  });
});

test('A and AAAA records may be combined', () => {
  const input = discoveryService('dual').namespaceId(NS).dnsRecord('A', 10).dnsRecord('AAAA', 10).build();
  assert.deepEqual(input.DnsConfig?.DnsRecords, [
    { Type: 'A', TTL: 10 },
    { Type: 'AAAA', TTL: 10 },
  ]);
});

test('a discovery service name Cloud Map refuses is refused at once', () => {
  assert.throws(
    () => discoveryService('-invsys'),
    problem(
      'discoveryService "-invsys"',
      'Name: service name must be a DNS label (letters, digits, hyphens and underscores, no leading or trailing hyphen, 1-63 characters) or dot-separated labels of at most 127 characters, got: "-invsys"',
    ),
  );
});

test('a namespace id of the wrong form is refused at once', () => {
  assert.throws(
    () => discoveryService('invsys').namespaceId('local'),
    problem(
      'discoveryService "invsys"',
      'NamespaceId: namespace id must look like "ns-abcd1234efgh5678" (or be the namespace ARN), got: "local"',
    ),
  );
});

test('a record TTL outside 0-2147483647 is refused at once', () => {
  assert.throws(
    () => discoveryService('invsys').dnsRecord('A', 2147483648),
    problem('discoveryService "invsys"', 'DnsConfig.DnsRecords[0].TTL: TTL must be an integer 0-2147483647, got: 2147483648'),
  );
  assert.doesNotThrow(() => discoveryService('invsys').dnsRecord('A', 0));
});

test('an unknown record type is refused at once', () => {
  assert.throws(
    // @ts-expect-error — MX is not a Cloud Map record type
    () => discoveryService('invsys').dnsRecord('MX', 60),
    problem('discoveryService "invsys"', 'DnsConfig.DnsRecords[0].Type: must be one of "A", "AAAA", "SRV", "CNAME", got: "MX"'),
  );
});

test('the same record type twice is refused at once', () => {
  assert.throws(
    () => discoveryService('invsys').dnsRecord('A', 60).dnsRecord('A', 30),
    problem('discoveryService "invsys"', 'DnsConfig.DnsRecords[1].Type: each record type may appear once; A is already configured, got: "A"'),
  );
});

test('an unknown routing policy is refused at once', () => {
  assert.throws(
    // @ts-expect-error — only MULTIVALUE and WEIGHTED exist
    () => discoveryService('invsys').routingPolicy('LATENCY'),
    problem('discoveryService "invsys"', 'DnsConfig.RoutingPolicy: must be one of "MULTIVALUE", "WEIGHTED", got: "LATENCY"'),
  );
});

test('a custom health check failure threshold outside 1-10 is refused at once', () => {
  assert.throws(
    () => discoveryService('invsys').customHealthCheck({ failureThreshold: 0 }),
    problem(
      'discoveryService "invsys"',
      'HealthCheckCustomConfig.FailureThreshold: failureThreshold must be an integer 1-10, got: 0',
    ),
  );
});

test('build reports every record problem at once: bad combination and CNAME without WEIGHTED', () => {
  assert.throws(() => discoveryService('x').namespaceId(NS).dnsRecord('A', 60).dnsRecord('CNAME', 60).build(), {
    name: 'ValidationError',
    message:
      'discoveryService "x": 2 problems\n' +
      '  - DnsConfig.DnsRecords: Cloud Map accepts record types A, AAAA, A and AAAA, SRV, or CNAME; keep one of these combinations, got: ["A","CNAME"]\n' +
      "  - DnsConfig.RoutingPolicy: CNAME records need the WEIGHTED routing policy; call .routingPolicy('WEIGHTED'), got: undefined",
  });
});

test('build refuses a routing policy without records', () => {
  assert.throws(
    () => discoveryService('x').namespaceId(NS).routingPolicy('WEIGHTED').build(),
    problem('discoveryService "x"', 'DnsConfig.DnsRecords: a routing policy needs at least one DNS record; add .dnsRecord(type, ttl), got: []'),
  );
});

test('build refuses an intrinsic namespace id, together with other problems', () => {
  assert.throws(
    () => discoveryService('x').namespaceId(cfnRef('Ns')).dnsRecord('CNAME', 60).build(),
    {
      message:
        'discoveryService "x": 2 problems\n' +
        '  - NamespaceId: a CloudFormation intrinsic only works in toCloudFormation(); pass the real namespace id string to build(), got: {"Ref":"Ns"}\n' +
        "  - DnsConfig.RoutingPolicy: CNAME records need the WEIGHTED routing policy; call .routingPolicy('WEIGHTED'), got: undefined",
    },
  );
});

test('build is a type error until the namespace is set', () => {
  // @ts-expect-error — .namespaceId() is required before .build()
  assert.throws(() => discoveryService('invsys').dnsRecord('A', 60).build());
});

// --- network mode rules for ECS service registries ---------------------------

test('A records suit awsvpc tasks', () => {
  const svc = discoveryService('invsys').namespaceId(NS).dnsRecord('A', 60);
  assert.deepEqual(svc.problemsForNetworkMode('awsvpc', 'serviceRegistries[0]'), []);
  assert.equal(discoveryNeedsPort(svc.recordTypes), false);
});

test('bridge and host tasks need SRV records', () => {
  assert.deepEqual(discoveryRecordProblems(['A'], 'bridge', 'serviceRegistries[0]'), [
    {
      path: 'serviceRegistries[0]',
      value: ['A'],
      message:
        "bridge network mode needs SRV records (A/AAAA records carry a task IP only in awsvpc mode); use .dnsRecord('SRV', ttl) on the discovery service, or networkMode awsvpc",
    },
  ]);
  assert.equal(discoveryRecordProblems(['A'], 'host', 'r').length, 1);
  assert.deepEqual(discoveryRecordProblems(['SRV'], 'bridge', 'r'), []);
  assert.equal(discoveryNeedsPort(['SRV']), true);
});

test('CNAME services and networkMode none cannot take ECS tasks', () => {
  assert.match(discoveryRecordProblems(['CNAME'], 'awsvpc', 'r')[0]?.message ?? '', /cannot register tasks .* CNAME/);
  assert.match(discoveryRecordProblems(['A'], 'none', 'r')[0]?.message ?? '', /networkMode none cannot be registered/);
});

test('JavaScript callers that skip the type check still get a clear error for a missing VPC or namespace', () => {
  const untypedNamespace = privateDnsNamespace('local') as unknown as { build(): unknown };
  assert.throws(
    () => untypedNamespace.build(),
    problem('privateDnsNamespace "local"', 'Vpc: a private DNS namespace needs a VPC; call .vpc(id), got: undefined'),
  );
  const untypedService = discoveryService('invsys') as unknown as { build(): unknown };
  assert.throws(
    () => untypedService.build(),
    problem('discoveryService "invsys"', 'NamespaceId: a discovery service needs a namespace; call .namespaceId(id), got: undefined'),
  );
});
