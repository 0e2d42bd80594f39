#!/usr/bin/env -S npx tsx
/**
 * Lab Task 10 (Understanding CloudFormation Templates): the template of
 * 10.1, generated from the same builders the task scripts deploy
 * (`.toCloudFormation()`), written as JSON (CloudFormation reads JSON as
 * well as YAML) and checked: every `Ref`, `Fn::GetAtt`, `Fn::Sub` `${…}` and
 * `DependsOn` names a resource, a parameter or a pseudo-parameter. The same
 * template is also written as YAML with short-form intrinsics (`!Ref`,
 * `!GetAtt`, `!Sub`), the lab's format, next to the JSON file.
 *
 * It describes the stack as the scripts leave it after Task 9: both task
 * definitions (invsys at its 7.3 revision, `/health/live`), both services,
 * the Cloud Map namespace and `invsys`, the two target groups, the ALB with
 * its listener and rule, the scalable target and both scaling policies, the
 * two alarms and the dashboard `FlaskInventoryMonitoring`.
 *
 * What it fixes from ERRATA:
 * - 10: the guide's `ECSCluster` has FARGATE/FARGATE_SPOT capacity providers
 *   and a FARGATE default strategy while every service is `LaunchType: EC2`;
 *   this cluster has none (and Container Insights on, as Task 1 sets it).
 * - 4.1: the ALB, listener, rule and `gateway-tg` that "the previous guide"
 *   created are in the template; the security group also admits port 80.
 * - 9.2/9.3/8.3: the dashboard, alarms and request-count policy carry the
 *   fixed dimensions and resource label.
 * - 10.2: `aws cloudformation create-stack` has no `--dry-run` option (the
 *   CLI refuses it); the preview that does exist is a change set
 *   (`create-change-set --change-set-type CREATE`, then `describe-change-set`),
 *   and the script prints that instead.
 *
 * Like the lab's template, it needs EC2 capacity in the cluster (container
 * instances) and the roles `ecsTaskExecutionRole` and `ecsAutoscaleRole`.
 * This task makes no AWS calls, on any target.
 *
 * Run: `npx tsx examples/10-cloudformation.ts [--out ecs-cloudformation-template.json] [--json]`
 * (the YAML goes to the same path with `.yaml`).
 */
import { writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import {
  awsLogs,
  cfnAlbResourceLabel,
  cfnTemplateYaml,
  cfnGetAtt,
  cfnRef,
  discoveryService,
  listener,
  listenerRule,
  loadBalancer,
  privateDnsNamespace,
  service,
  targetGroup,
  targetTrackingPolicy,
  type CfnIntrinsic,
} from 'ecskit';
import { isMain, runScript, type Lab } from './01-core-concepts.ts';
import { INVSYS_PLACEMENT, invsysTask, labContainer, labTask } from './02-task-definitions.ts';
import { gatewayScalableTarget, cpuPolicy } from './08-auto-scaling.ts';
import { GATEWAY_HEALTH_CHECK } from './07-health-checks.ts';
import { highCpuAlarm, labDashboard, taskFailuresAlarm } from './09-monitoring.ts';

/** A template resource: a builder's `.toCloudFormation()`, optionally with `DependsOn`. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: unknown;
  readonly DependsOn?: string | readonly string[];
}

/** A CloudFormation template in its JSON form. */
export interface Template {
  readonly AWSTemplateFormatVersion: '2010-09-09';
  readonly Description: string;
  readonly Parameters: Readonly<Record<string, { readonly Type: string; readonly Description: string; readonly Default?: string }>>;
  readonly Resources: Readonly<Record<string, TemplateResource>>;
  readonly Outputs: Readonly<Record<string, { readonly Description: string; readonly Value: unknown; readonly Export?: { readonly Name: unknown } }>>;
}

/** The default file name (in the current directory), as the lab's 10.1 names it but `.json`. */
export const DEFAULT_TEMPLATE_FILE = 'ecs-cloudformation-template.json';

/**
 * The two files Task 10 writes for `--out`: the JSON template and its YAML
 * copy, side by side (`stack.json` → `stack.yaml`; `stack.yaml` → `stack.json`).
 */
export function templateFiles(out: string): { readonly json: string; readonly yaml: string } {
  const ext = extname(out).toLowerCase();
  const stem = join(dirname(out), basename(out, extname(out)));
  if (ext === '.yaml' || ext === '.yml') return { json: `${stem}.json`, yaml: out };
  return { json: ext === '.json' ? out : `${out}.json`, yaml: `${stem}.yaml` };
}

/**
 * ERRATA 10.2: the guide's "dry run" (`aws cloudformation create-stack … --dry-run`)
 * is not an option of that command. A change set is CloudFormation's preview.
 */
export const DRY_RUN_ERRATUM =
  "ERRATA 10.2: 'aws cloudformation create-stack' has no --dry-run option (the CLI refuses it); to preview without creating anything, make a change set and read it";

const EXECUTION_ROLE: CfnIntrinsic = { 'Fn::Sub': 'arn:aws:iam::${AWS::AccountId}:role/ecsTaskExecutionRole' };
const AUTOSCALE_ROLE: CfnIntrinsic = { 'Fn::Sub': 'arn:aws:iam::${AWS::AccountId}:role/ecsAutoscaleRole' };

/**
 * The lab's Task 10 template, built from the task scripts' builders with
 * CloudFormation intrinsics where the scripts use looked-up ids.
 */
export function labTemplate(lab: Lab): Template {
  const { names } = lab;
  const region = cfnRef('AWS::Region');
  const awsvpc = { subnets: cfnRef('SubnetIds'), securityGroups: [cfnRef('ECSSecurityGroup')], assignPublicIp: 'DISABLED' } as const;
  const rolling = { maximumPercent: 200, minimumHealthyPercent: 50 } as const;

  // Task 2's shared shapes; invsys at its 7.3 revision (container health check on /health/live).
  const invsysTd = invsysTask(
    lab,
    labContainer('invsys', `${names.invsysRepository}:latest`, names.invsysPort, '/health/live')
      .image(cfnRef('InvsysImageUri'))
      .environment({ FLASK_ENV: 'production' })
      .logConfiguration(awsLogs({ group: names.invsysLogGroup, region, streamPrefix: 'ecs', createGroup: true })),
  ).executionRoleArn(EXECUTION_ROLE);
  const gatewayTd = labTask(lab, names.gatewayFamily)
    .executionRoleArn(EXECUTION_ROLE)
    .container(
      labContainer('gateway', `${names.gatewayRepository}:latest`, names.gatewayPort, '/')
        .image(cfnRef('GatewayImageUri'))
        .environment({ FLASK_ENV: 'production', PYTHONUNBUFFERED: '1', INVSYS_URL: `http://${names.invsysDiscovery}.${names.namespace}:${names.invsysPort}` })
        .logConfiguration(awsLogs({ group: names.gatewayLogGroup, region, streamPrefix: 'ecs', createGroup: true })),
    );

  const tgHealth = { enabled: true, protocol: 'HTTP', intervalSeconds: 30, timeoutSeconds: 5, healthyThresholdCount: 2, unhealthyThresholdCount: 3 } as const;
  const resources: Record<string, TemplateResource> = {
    // ERRATA 10: no Fargate capacity providers — every service is EC2.
    ECSCluster: {
      Type: 'AWS::ECS::Cluster',
      Properties: { ClusterName: names.cluster, ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }] },
    },
    // flask-inventory-ecs-sg (ERRATA 4.1): tasks on 5000–5001 from the VPC, the ALB on 80.
    ECSSecurityGroup: {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: {
        GroupName: names.securityGroup,
        GroupDescription: 'Flask inventory lab: ALB on 80, tasks on 5000-5001 inside the VPC',
        VpcId: cfnRef('VpcId'),
        SecurityGroupIngress: [
          { IpProtocol: 'tcp', FromPort: names.invsysPort, ToPort: names.gatewayPort, CidrIp: cfnRef('VpcCidr'), Description: 'invsys and gateway from inside the VPC' },
          { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIp: '0.0.0.0/0', Description: 'HTTP to the ALB' },
        ],
      },
    },
    ServiceDiscoveryNamespace: privateDnsNamespace(names.namespace).vpc(cfnRef('VpcId')).description('Service discovery for microservices').toCloudFormation(),
    InvsysServiceDiscovery: discoveryService(names.invsysDiscovery)
      .namespaceId(cfnRef('ServiceDiscoveryNamespace'))
      .dnsRecord('A', 60)
      .customHealthCheck({ failureThreshold: 1 })
      .toCloudFormation(),
    InvsysTaskDefinition: invsysTd.toCloudFormation(),
    GatewayTaskDefinition: gatewayTd.toCloudFormation(),
    InvsysTargetGroup: targetGroup(names.invsysTargetGroup)
      .protocol('HTTP')
      .port(names.invsysPort)
      .vpc(cfnRef('VpcId'))
      .targetType('ip')
      .healthCheck({ ...tgHealth, path: '/items' })
      .toCloudFormation(),
    // gateway-tg with Task 7.4's health check (/health/ready, 15/5/2/3).
    GatewayTargetGroup: targetGroup(names.gatewayTargetGroup)
      .protocol('HTTP')
      .port(names.gatewayPort)
      .vpc(cfnRef('VpcId'))
      .targetType('ip')
      .healthCheck({ ...tgHealth, ...GATEWAY_HEALTH_CHECK })
      .toCloudFormation(),
    ALB: loadBalancer(names.loadBalancer).subnets(cfnRef('SubnetIds')).securityGroups([cfnRef('ECSSecurityGroup')]).toCloudFormation(),
    HttpListener: listener(cfnRef('ALB')).port(80).protocol('HTTP').fixedResponse(404, { contentType: 'text/plain', messageBody: 'No listener rule matched' }).toCloudFormation(),
    GatewayListenerRule: listenerRule(cfnRef('HttpListener')).priority(10).pathPattern('/*').forward(cfnRef('GatewayTargetGroup')).toCloudFormation(),
    InvsysService: service(names.invsysService)
      .cluster(cfnRef('ECSCluster'))
      .taskDefinition(invsysTd)
      .desiredCount(2)
      .launchType('EC2')
      .awsvpc(awsvpc)
      .placementStrategy(INVSYS_PLACEMENT)
      .serviceRegistry({ registryArn: cfnGetAtt('InvsysServiceDiscovery', 'Arn') })
      .deploymentConfiguration(rolling)
      .healthCheckGracePeriodSeconds(60)
      .toCloudFormation({ taskDefinition: cfnRef('InvsysTaskDefinition') }),
    // An ECS service can join a target group only once the group is behind a listener.
    GatewayService: {
      ...service(names.gatewayService)
        .cluster(cfnRef('ECSCluster'))
        .taskDefinition(gatewayTd)
        .desiredCount(2)
        .launchType('EC2')
        .awsvpc(awsvpc)
        .loadBalancer({ targetGroupArn: cfnRef('GatewayTargetGroup'), containerName: 'gateway', containerPort: names.gatewayPort })
        .healthCheckGracePeriodSeconds(60)
        .deploymentConfiguration(rolling)
        .toCloudFormation({ taskDefinition: cfnRef('GatewayTaskDefinition') }),
      DependsOn: ['GatewayListenerRule'],
    },
    // Task 8: the service is named through GetAtt so the target waits for it.
    GatewayScalableTarget: gatewayScalableTarget(lab).service(cfnRef('ECSCluster'), cfnGetAtt('GatewayService', 'Name')).roleArn(AUTOSCALE_ROLE).toCloudFormation(),
    GatewayCpuScalingPolicy: cpuPolicy(lab).toCloudFormation({ scalingTargetId: cfnRef('GatewayScalableTarget') }),
    GatewayRequestScalingPolicy: templateRequestPolicy(lab).toCloudFormation({ scalingTargetId: cfnRef('GatewayScalableTarget') }),
    // Task 9.
    GatewayHighCpuAlarm: highCpuAlarm(lab).toCloudFormation(),
    GatewayTaskFailuresAlarm: taskFailuresAlarm(lab).toCloudFormation(),
    MonitoringDashboard: labDashboard(lab, { loadBalancer: cfnGetAtt('ALB', 'LoadBalancerFullName'), region }).toCloudFormation(),
  };

  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'Flask Inventory Microservices ECS Deployment (generated by ecskit from the lab scripts)',
    Parameters: {
      VpcId: { Type: 'AWS::EC2::VPC::Id', Description: 'VPC for ECS cluster' },
      SubnetIds: { Type: 'List<AWS::EC2::Subnet::Id>', Description: 'Subnets for ECS tasks and the ALB (two Availability Zones at least)' },
      InvsysImageUri: { Type: 'String', Description: 'ECR URI for inventory system image' },
      GatewayImageUri: { Type: 'String', Description: 'ECR URI for gateway image' },
      VpcCidr: { Type: 'String', Default: '10.0.0.0/16', Description: 'CIDR of the VPC: the tasks accept 5000-5001 from it (the default VPC is 172.31.0.0/16)' },
    },
    Resources: resources,
    Outputs: {
      ClusterName: { Description: 'ECS Cluster Name', Value: cfnRef('ECSCluster'), Export: { Name: { 'Fn::Sub': '${AWS::StackName}-ClusterName' } } },
      ServiceDiscoveryNamespace: {
        Description: 'Service Discovery Namespace ID',
        Value: cfnRef('ServiceDiscoveryNamespace'),
        Export: { Name: { 'Fn::Sub': '${AWS::StackName}-NamespaceId' } },
      },
    },
  };
}

/**
 * Task 8.3's request-count policy (1000 requests per target, cooldowns
 * 300/60) with its resource label taken from the template's own ALB and
 * target group (`Fn::GetAtt …FullName`), since their ARNs do not exist yet.
 */
export function templateRequestPolicy(lab: Lab) {
  return targetTrackingPolicy(lab.names.requestPolicy)
    .service(lab.names.cluster, lab.names.gatewayService)
    .predefinedMetric('ALBRequestCountPerTarget', cfnAlbResourceLabel('ALB', 'GatewayTargetGroup'))
    .targetValue(1000)
    .scaleInCooldownSeconds(300)
    .scaleOutCooldownSeconds(60);
}

/** CloudFormation's pseudo-parameters (`AWS::Region`, …). */
export const PSEUDO_PARAMETERS: ReadonlySet<string> = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

/**
 * Checks a template's shape: a format version, at least one resource, each
 * with an `AWS::` type, outputs with a value, and every `Ref`,
 * `Fn::GetAtt`, `Fn::Sub` `${…}` and `DependsOn` naming something that
 * exists. Returns every problem (path, value, what is wrong); empty when the
 * template is sound.
 */
export function templateProblems(template: Template): string[] {
  const problems: string[] = [];
  const resources = new Set(Object.keys(template.Resources ?? {}));
  const parameters = new Set(Object.keys(template.Parameters ?? {}));
  const known = (name: string) => resources.has(name) || parameters.has(name) || PSEUDO_PARAMETERS.has(name);
  if (template.AWSTemplateFormatVersion !== '2010-09-09') problems.push(`AWSTemplateFormatVersion: must be "2010-09-09", got: ${JSON.stringify(template.AWSTemplateFormatVersion)}`);
  if (resources.size === 0) problems.push('Resources: a template needs at least one resource');
  for (const name of parameters) {
    if (resources.has(name)) problems.push(`Parameters.${name}: a resource has the same logical id`);
  }

  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value)) return value.forEach((v, i) => walk(v, `${path}[${i}]`));
    if (value === null || typeof value !== 'object') return;
    const entries = Object.entries(value);
    if (entries.length === 1) {
      const [key, arg] = entries[0]!;
      if (key === 'Ref') {
        if (typeof arg !== 'string' || !known(arg)) problems.push(`${path}.Ref: names no resource, parameter or pseudo-parameter, got: ${JSON.stringify(arg)}`);
        return;
      }
      if (key === 'Fn::GetAtt') {
        const id = Array.isArray(arg) ? arg[0] : typeof arg === 'string' ? arg.split('.')[0] : undefined;
        if (typeof id !== 'string' || !resources.has(id)) problems.push(`${path}.Fn::GetAtt: names no resource, got: ${JSON.stringify(arg)}`);
        return;
      }
      if (key === 'Fn::Sub') {
        const [text, vars] = Array.isArray(arg) ? [arg[0], (arg[1] ?? {}) as Record<string, unknown>] : [arg, {}];
        if (typeof text !== 'string') {
          problems.push(`${path}.Fn::Sub: the template string must be a string, got: ${JSON.stringify(text)}`);
          return;
        }
        for (const match of text.matchAll(/\$\{([^}]*)\}/g)) {
          const name = match[1]!;
          if (name.startsWith('!')) continue; // ${!Literal}
          const id = name.includes('.') && !name.startsWith('AWS::') ? name.split('.')[0]! : name;
          const ok = name in vars || (name.includes('.') && !name.startsWith('AWS::') ? resources.has(id) : known(id));
          if (!ok) problems.push(`${path}.Fn::Sub: \${${name}} names no resource, parameter, pseudo-parameter or variable`);
        }
        for (const [name, v] of Object.entries(vars)) walk(v, `${path}.Fn::Sub[1].${name}`);
        return;
      }
    }
    for (const [key, v] of entries) walk(v, `${path}.${key}`);
  };

  for (const [id, resource] of Object.entries(template.Resources ?? {})) {
    const path = `Resources.${id}`;
    if (typeof resource?.Type !== 'string' || !/^AWS::\w+::\w+$/.test(resource.Type)) problems.push(`${path}.Type: must be AWS::Service::Resource, got: ${JSON.stringify(resource?.Type)}`);
    if (resource.Properties !== undefined && (typeof resource.Properties !== 'object' || resource.Properties === null)) problems.push(`${path}.Properties: must be an object`);
    const dependsOn = resource.DependsOn === undefined ? [] : typeof resource.DependsOn === 'string' ? [resource.DependsOn] : resource.DependsOn;
    for (const dep of dependsOn) if (!resources.has(dep)) problems.push(`${path}.DependsOn: names no resource, got: ${JSON.stringify(dep)}`);
    walk(resource.Properties, `${path}.Properties`);
  }
  for (const [id, output] of Object.entries(template.Outputs ?? {})) {
    if (output?.Value === undefined) problems.push(`Outputs.${id}.Value: an output needs a value`);
    walk(output, `Outputs.${id}`);
  }
  return problems;
}

/** What Task 10 reports. */
export interface CloudFormationResult {
  readonly task: 10;
  /** Absolute path of the template written (JSON). */
  readonly file: string;
  readonly bytes: number;
  /** Absolute path of the same template as YAML with short-form intrinsics (the lab's format). */
  readonly yamlFile: string;
  /** Logical id → resource type. */
  readonly resources: Readonly<Record<string, string>>;
  readonly parameters: readonly string[];
  readonly outputs: readonly string[];
  /** Problems the reference check found (none, or the task fails). */
  readonly problems: readonly string[];
}

/**
 * Task 10: builds the template, checks it, writes it (default
 * `./ecs-cloudformation-template.json`, or `--out`). No AWS calls.
 */
export async function run(lab: Lab, options: { readonly out?: string } = {}): Promise<CloudFormationResult> {
  const { report } = lab;
  const requested = options.out ?? (typeof lab.flags.extra.out === 'string' ? lab.flags.extra.out : undefined);
  const { json: file, yaml: yamlFile } = templateFiles(resolve(requested ?? DEFAULT_TEMPLATE_FILE));

  const template = await report.step(
    'Task 10.1: generate the template from the scripts\' builders (ERRATA 10: no Fargate capacity providers)',
    async () => {
      const t = labTemplate(lab);
      const problems = templateProblems(t);
      if (problems.length > 0) throw new Error(`the generated template has ${problems.length} problem(s):\n  - ${problems.join('\n  - ')}`);
      const byType = new Map<string, number>();
      for (const r of Object.values(t.Resources)) byType.set(r.Type, (byType.get(r.Type) ?? 0) + 1);
      report.note(`${Object.keys(t.Resources).length} resources, ${Object.keys(t.Parameters).length} parameters, ${Object.keys(t.Outputs).length} outputs; every reference resolves`);
      report.note([...byType].map(([type, n]) => `${type.replace(/^AWS::/, '')}${n > 1 ? ` ×${n}` : ''}`).join(', '));
      return t;
    },
    (t) => ({ task: 10, step: '10.1', resources: Object.keys(t.Resources).length, problems: [] }),
  );

  return report.step(
    'Task 10.1: write the template',
    async () => {
      const text = `${JSON.stringify(template, null, 2)}\n`;
      writeFileSync(file, text);
      writeFileSync(yamlFile, cfnTemplateYaml(template));
      report.note(`template written to ${file} and, as YAML (the lab's format), ${yamlFile}`);
      // 10.2, to run yourself (the stack needs EC2 container instances in the cluster, as the lab's does).
      const body = `--template-body file://${yamlFile}`;
      const parameters = `--parameters … (${Object.keys(template.Parameters).join(', ')}) --capabilities CAPABILITY_IAM`;
      report.note(`validate: aws cloudformation validate-template ${body}`);
      report.note(DRY_RUN_ERRATUM);
      report.note(`preview (lab 10.2's "dry run"): aws cloudformation create-change-set --stack-name flask-inventory-ecs --change-set-name preview --change-set-type CREATE ${body} ${parameters}, then aws cloudformation describe-change-set --stack-name flask-inventory-ecs --change-set-name preview`);
      report.note(`deploy (lab 10.2): aws cloudformation create-stack --stack-name flask-inventory-ecs ${body} ${parameters}`);
      if (!lab.target.emulated) report.note('nothing was created in your account: this task only writes the files');
      const result: CloudFormationResult = {
        task: 10,
        file,
        bytes: Buffer.byteLength(text),
        yamlFile,
        resources: Object.fromEntries(Object.entries(template.Resources).map(([id, r]) => [id, r.Type])),
        parameters: Object.keys(template.Parameters),
        outputs: Object.keys(template.Outputs),
        problems: [],
      };
      return result;
    },
    (r) => r,
  );
}

if (isMain(import.meta.url)) {
  await runScript(
    {
      title: 'examples/10-cloudformation.ts — lab Task 10: the CloudFormation template, generated from the scripts\' builders',
      description: 'Writes the template as JSON and as YAML (the lab\'s format) and checks that every reference resolves. Makes no AWS calls (on --target aws too).',
      options: {
        out: { type: 'string', help: `where to write the template (default ./${DEFAULT_TEMPLATE_FILE}; JSON and YAML are written side by side, stack.json + stack.yaml)` },
      },
    },
    async (lab) => {
      await run(lab);
    },
  );
}
