/**
 * Lab Task 10: the template generated from the scripts' builders matches the
 * lab's Task 10 resources where they overlap (the goldens of
 * test/fixtures/lab), describes an EC2-only cluster (ERRATA 10), resolves
 * every reference, and the reference check catches dangling ones. The
 * script writes the file where `--out` says and makes no AWS calls.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { NAMES, type Lab } from '../../../examples/01-core-concepts.ts';
import { DRY_RUN_ERRATUM, labTemplate, templateFiles, templateProblems, type Template } from '../../../examples/10-cloudformation.ts';
import { readCfnYaml } from '../../builders/cfn-yaml-reader.ts';
import { requestPolicy } from '../../../examples/08-auto-scaling.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixture = (path: string): Record<string, unknown> => JSON.parse(readFileSync(join(root, 'test/fixtures/lab', path), 'utf8')) as Record<string, unknown>;

// labTemplate reads only the names, the region and the account id.
const lab = { names: NAMES, region: 'us-east-1', accountId: '123456789012', flags: { extra: {} } } as unknown as Lab;
const template = labTemplate(lab);
const clone = (): { -readonly [K in keyof Template]: any } => JSON.parse(JSON.stringify(template));

describe('lab Task 10: the CloudFormation template', () => {
  test('its ECS resources equal the lab template\'s InvsysTaskDefinition and InvsysService (golden, ERRATA 10)', () => {
    const golden = fixture('ecs/10-template-ecs.json');
    for (const id of Object.keys(golden)) assert.deepEqual(template.Resources[id], golden[id], id);
  });

  test('its Cloud Map resources equal the lab template\'s namespace and invsys discovery service (golden)', () => {
    const golden = fixture('networking/10-template-cloud-map.json');
    for (const id of Object.keys(golden)) assert.deepEqual(template.Resources[id], golden[id], id);
  });

  test('it keeps the lab\'s parameters and outputs', () => {
    assert.deepEqual(
      Object.fromEntries(['VpcId', 'SubnetIds', 'InvsysImageUri', 'GatewayImageUri'].map((p) => [p, template.Parameters[p]?.Type])),
      { VpcId: 'AWS::EC2::VPC::Id', SubnetIds: 'List<AWS::EC2::Subnet::Id>', InvsysImageUri: 'String', GatewayImageUri: 'String' },
    );
    assert.deepEqual(template.Outputs, {
      ClusterName: { Description: 'ECS Cluster Name', Value: { Ref: 'ECSCluster' }, Export: { Name: { 'Fn::Sub': '${AWS::StackName}-ClusterName' } } },
      ServiceDiscoveryNamespace: { Description: 'Service Discovery Namespace ID', Value: { Ref: 'ServiceDiscoveryNamespace' }, Export: { Name: { 'Fn::Sub': '${AWS::StackName}-NamespaceId' } } },
    });
  });

  test('the cluster has no Fargate capacity providers and every service runs on EC2 (ERRATA 10)', () => {
    const cluster = template.Resources.ECSCluster?.Properties as Record<string, unknown>;
    assert.equal(cluster.ClusterName, 'flask-inventory-cluster');
    assert.equal(cluster.CapacityProviders, undefined);
    assert.equal(cluster.DefaultCapacityProviderStrategy, undefined);
    const services = Object.values(template.Resources).filter((r) => r.Type === 'AWS::ECS::Service');
    assert.equal(services.length, 2);
    for (const s of services) assert.equal((s.Properties as { LaunchType?: string }).LaunchType, 'EC2');
  });

  test('it holds every resource the scripts deploy, the dashboard under the lab\'s name', () => {
    const types = Object.values(template.Resources).map((r) => r.Type).sort();
    assert.deepEqual(types, [
      'AWS::ApplicationAutoScaling::ScalableTarget',
      'AWS::ApplicationAutoScaling::ScalingPolicy',
      'AWS::ApplicationAutoScaling::ScalingPolicy',
      'AWS::CloudWatch::Alarm',
      'AWS::CloudWatch::Alarm',
      'AWS::CloudWatch::Dashboard',
      'AWS::EC2::SecurityGroup',
      'AWS::ECS::Cluster',
      'AWS::ECS::Service',
      'AWS::ECS::Service',
      'AWS::ECS::TaskDefinition',
      'AWS::ECS::TaskDefinition',
      'AWS::ElasticLoadBalancingV2::Listener',
      'AWS::ElasticLoadBalancingV2::ListenerRule',
      'AWS::ElasticLoadBalancingV2::LoadBalancer',
      'AWS::ElasticLoadBalancingV2::TargetGroup',
      'AWS::ElasticLoadBalancingV2::TargetGroup',
      'AWS::ServiceDiscovery::PrivateDnsNamespace',
      'AWS::ServiceDiscovery::Service',
    ]);
    assert.equal((template.Resources.MonitoringDashboard?.Properties as { DashboardName: string }).DashboardName, 'FlaskInventoryMonitoring');
    assert.deepEqual(template.Resources.GatewayService?.DependsOn, ['GatewayListenerRule'], 'the gateway joins gateway-tg only once it is behind the listener');
  });

  test('the request-count policy is Task 8.3\'s with the label taken from the template\'s ALB and target group', () => {
    const alb = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/flask-inventory-alb/50dc6c495c0c9188';
    const tg = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/gateway-tg/73e2d6bc24d8a067';
    const deployed = requestPolicy(lab, alb, tg).toCloudFormation({ scalingTargetId: { Ref: 'GatewayScalableTarget' } }) as any;
    const generated = clone().Resources.GatewayRequestScalingPolicy;
    assert.deepEqual(generated.Properties.TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.ResourceLabel, {
      'Fn::Join': ['/', [{ 'Fn::GetAtt': ['ALB', 'LoadBalancerFullName'] }, { 'Fn::GetAtt': ['GatewayTargetGroup', 'TargetGroupFullName'] }]],
    });
    delete generated.Properties.TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.ResourceLabel;
    delete deployed.Properties.TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.ResourceLabel;
    assert.deepEqual(generated, JSON.parse(JSON.stringify(deployed)));
  });

  test('every Ref, GetAtt, Sub variable and DependsOn of the generated template resolves', () => {
    assert.deepEqual(templateProblems(template), []);
  });

  test('the reference check names a dangling Ref, GetAtt, Sub variable and DependsOn with their paths', () => {
    const broken = clone();
    broken.Resources.InvsysService.Properties.Cluster = { Ref: 'EcsCluster' };
    broken.Resources.InvsysService.Properties.ServiceRegistries[0].RegistryArn = { 'Fn::GetAtt': ['InvsysDiscovery', 'Arn'] };
    broken.Resources.InvsysTaskDefinition.Properties.ExecutionRoleArn = { 'Fn::Sub': 'arn:aws:iam::${AWS::AccountID}:role/${!Literal}' };
    broken.Resources.GatewayService.DependsOn = ['GatewayRule'];
    assert.deepEqual(templateProblems(broken), [
      'Resources.InvsysTaskDefinition.Properties.ExecutionRoleArn.Fn::Sub: ${AWS::AccountID} names no resource, parameter, pseudo-parameter or variable',
      'Resources.InvsysService.Properties.Cluster.Ref: names no resource, parameter or pseudo-parameter, got: "EcsCluster"',
      'Resources.InvsysService.Properties.ServiceRegistries[0].RegistryArn.Fn::GetAtt: names no resource, got: ["InvsysDiscovery","Arn"]',
      'Resources.GatewayService.DependsOn: names no resource, got: "GatewayRule"',
    ]);
  });

  test('--out names both files: the JSON and its YAML copy side by side, whichever extension is given', () => {
    assert.deepEqual(templateFiles('/t/stack.json'), { json: '/t/stack.json', yaml: '/t/stack.yaml' });
    assert.deepEqual(templateFiles('/t/stack.yaml'), { json: '/t/stack.json', yaml: '/t/stack.yaml' });
    assert.deepEqual(templateFiles('/t/stack.YML'), { json: '/t/stack.json', yaml: '/t/stack.YML' });
    assert.deepEqual(templateFiles('/t/stack'), { json: '/t/stack.json', yaml: '/t/stack.yaml' });
    assert.deepEqual(templateFiles('/t/a.b.json'), { json: '/t/a.b.json', yaml: '/t/a.b.yaml' });
  });

  test('GetAtt on a parameter is refused: only resources have attributes', () => {
    const broken = clone();
    broken.Outputs.ClusterName.Value = { 'Fn::GetAtt': ['VpcId', 'Arn'] };
    assert.deepEqual(templateProblems(broken), ['Outputs.ClusterName.Value.Fn::GetAtt: names no resource, got: ["VpcId","Arn"]']);
  });

  test('10-cloudformation.ts --out writes the template there, reports it in --json, and exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecskit-task10-'));
    try {
      const out = join(dir, 'stack.json');
      const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1' };
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'examples/10-cloudformation.ts', '--out', out, '--json', '--target', 'local'], {
        cwd: root,
        timeout: 60_000,
        env,
      });
      const events = stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; status?: string; message?: string; result?: Record<string, unknown>; ok?: boolean });
      const written = events.find((e) => e.type === 'step' && e.status === 'ok' && e.result?.task === 10 && e.result.file);
      assert.equal(written?.result?.file, out);
      assert.deepEqual(written?.result?.problems, []);
      assert.equal(Object.keys(written?.result?.resources as object).length, 19);
      assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), JSON.parse(JSON.stringify(template)));
      // The lab's format: the same template as YAML with short-form intrinsics, next to the JSON.
      assert.equal(written?.result?.yamlFile, join(dir, 'stack.yaml'));
      const yaml = readFileSync(join(dir, 'stack.yaml'), 'utf8');
      assert.match(yaml, /^ {6}Cluster: !Ref ECSCluster$/m);
      assert.deepEqual(readCfnYaml(yaml), JSON.parse(JSON.stringify(template)));
      // ERRATA 10.2: the guide's create-stack --dry-run is flagged, and a change set offered instead.
      const notes = events.filter((e) => e.type === 'note').map((e) => e.message ?? '');
      assert.ok(notes.includes(DRY_RUN_ERRATUM), notes.join('\n'));
      assert.ok(notes.some((n) => n.includes('create-change-set --stack-name flask-inventory-ecs') && n.includes('--change-set-type CREATE')), notes.join('\n'));
      assert.ok(!notes.some((n) => n.includes('--dry-run') && !n.startsWith('ERRATA')), 'no command offered with --dry-run');
      assert.equal(events.at(-1)?.ok, true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
