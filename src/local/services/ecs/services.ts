/**
 * ECS services: CreateService, UpdateService, DescribeServices, ListServices,
 * DeleteService, and the service-deployment API (ListServiceDeployments,
 * DescribeServiceDeployments, DescribeServiceRevisions).
 *
 * @internal
 */
import { AwsError, type OperationHandler, type RequestContext } from '../../core/types.js';
import { arn, own, paginate } from '../../core/util.js';
import { findService as findCloudMapService } from '../cloudmap/state.js';
import { findSecurityGroup, findSubnet } from '../ec2/state.js';
import { findTargetGroup } from '../elbv2/state.js';
import { validatePlacement } from './placement.js';
import {
  clean,
  date,
  emit,
  EcsEvents,
  findTaskDefinition,
  foundOrMissing,
  recountService,
  refList,
  requestTaskStop,
  requireCluster,
  requireService,
  serviceCounts,
  serviceTasks,
  setDesiredCount,
  startDeployment,
  stateOf,
  updateTask,
  type ClusterRecord,
  type DeploymentRecord,
  type Json,
  type ServiceRecord,
  type TaskDefinitionRecord,
} from './state.js';
import { checkDesiredCount } from './quotas.js';
import { runtimeAttached } from './runtime-attachment.js';
import { putTags, tagsOf, validateTags } from './tags.js';

const SERVICE_NAME = /^[a-zA-Z0-9_-]{1,255}$/;

function invalid(message: string): never {
  throw new AwsError('InvalidParameterException', message);
}

/** Task definition for CreateService/UpdateService/RunTask: must exist and be ACTIVE. */
export function activeTaskDefinition(ctx: RequestContext, ref: unknown): TaskDefinitionRecord {
  if (typeof ref !== 'string' || ref === '') invalid('TaskDefinition must not be null or empty.');
  const td = findTaskDefinition(ctx.state, ref);
  if (!td || td.status === 'DELETE_IN_PROGRESS') invalid('TaskDefinition not found.');
  if (td.status !== 'ACTIVE') invalid('TaskDefinition is inactive');
  return td;
}

/**
 * Validates a network configuration against the task definition's network
 * mode, as CreateService/UpdateService/RunTask do, and returns the echoed form.
 */
export function validateNetworkConfiguration(
  ctx: RequestContext,
  networkConfiguration: Json | undefined,
  td: TaskDefinitionRecord,
  launchType: string | undefined,
): Json | undefined {
  const vpc = networkConfiguration?.awsvpcConfiguration as Json | undefined;
  if (td.networkMode !== 'awsvpc') {
    if (vpc) invalid('Network Configuration is not valid for the given networkMode of this task definition.');
    return undefined;
  }
  if (!vpc) invalid("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  const subnets = vpc.subnets as unknown;
  if (!Array.isArray(subnets) || subnets.length === 0) invalid('subnets can not be empty.');
  if (subnets.length > 16) invalid(`awsvpcConfiguration.subnets can have at most 16 subnets, got: ${subnets.length}`);
  for (const subnet of subnets as string[]) {
    if (!findSubnet(ctx, String(subnet))) {
      invalid(`Error retrieving subnet information for [${subnet}]: The subnet ID '${subnet}' does not exist (ErrorCode: InvalidSubnetID.NotFound)`);
    }
  }
  const groups = (vpc.securityGroups ?? []) as unknown[];
  if (groups.length > 5) invalid(`awsvpcConfiguration.securityGroups can have at most 5 security groups, got: ${groups.length}`);
  for (const group of groups as string[]) {
    if (!findSecurityGroup(ctx, String(group))) {
      invalid(`Error retrieving security group information for [${group}]: The security group '${group}' does not exist (ErrorCode: InvalidGroup.NotFound)`);
    }
  }
  const assign = vpc.assignPublicIp ?? 'DISABLED';
  if (assign !== 'ENABLED' && assign !== 'DISABLED') invalid(`assignPublicIp must be ENABLED or DISABLED, got: ${String(assign)}`);
  if (assign === 'ENABLED' && launchType !== 'FARGATE') invalid('Assign public IP is not supported for this launch type.');
  return { awsvpcConfiguration: clean({ subnets, securityGroups: vpc.securityGroups, assignPublicIp: assign }) };
}

/** Resolves launch type vs capacity provider strategy as AWS does. */
export function resolveLaunch(
  cluster: ClusterRecord,
  td: TaskDefinitionRecord,
  input: { launchType?: string; capacityProviderStrategy?: Json[] },
): { launchType?: string; capacityProviderStrategy?: Json[]; platformVersion?: string } {
  if (input.launchType && input.capacityProviderStrategy?.length) {
    invalid('Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.');
  }
  let strategy = input.capacityProviderStrategy?.length ? input.capacityProviderStrategy : undefined;
  let launchType = input.launchType;
  if (launchType && !['EC2', 'FARGATE', 'EXTERNAL', 'MANAGED_INSTANCES'].includes(launchType)) {
    invalid(`launchType must be one of EC2, FARGATE, EXTERNAL, MANAGED_INSTANCES, got: ${launchType}`);
  }
  if (!launchType && !strategy) {
    if (cluster.defaultCapacityProviderStrategy.length) strategy = cluster.defaultCapacityProviderStrategy;
    else launchType = 'EC2';
  }
  if (strategy) {
    for (const item of strategy) {
      if (!cluster.capacityProviders.includes(item.capacityProvider)) {
        invalid(
          'The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.',
        );
      }
    }
    const fargate = strategy.every((x) => String(x.capacityProvider).startsWith('FARGATE'));
    if (fargate && !td.compatibilities.includes('FARGATE')) invalid('Task definition does not support launch_type FARGATE.');
    return {
      capacityProviderStrategy: strategy.map((x) => ({ capacityProvider: x.capacityProvider, weight: x.weight ?? 0, base: x.base ?? 0 })),
      platformVersion: fargate ? 'LATEST' : undefined,
    };
  }
  if (launchType === 'FARGATE' && !td.compatibilities.includes('FARGATE')) invalid('Task definition does not support launch_type FARGATE.');
  if (launchType === 'EC2' && !td.compatibilities.includes('EC2')) invalid('Task definition does not support launch_type EC2.');
  return { launchType, platformVersion: launchType === 'FARGATE' ? 'LATEST' : undefined };
}

function containerPortExists(td: TaskDefinitionRecord, containerName: string, containerPort: number | undefined): void {
  const c = td.containerDefinitions.find((x) => x.name === containerName);
  if (!c) invalid(`The container ${containerName} does not exist in the task definition.`);
  if (containerPort !== undefined && !((c.portMappings ?? []) as Json[]).some((pm) => Number(pm.containerPort) === containerPort)) {
    invalid(`The container ${containerName} did not have a container port ${containerPort} defined.`);
  }
}

/**
 * Validates load balancers against ELBv2 (target group exists, is attached
 * to a load balancer, target type fits the network mode) and the task
 * definition (container name and port).
 */
export function validateLoadBalancers(ctx: RequestContext, loadBalancers: unknown, td: TaskDefinitionRecord): Json[] {
  if (loadBalancers === undefined || loadBalancers === null) return [];
  if (!Array.isArray(loadBalancers)) invalid('loadBalancers must be a list.');
  if (loadBalancers.length > 5) invalid(`A service can have at most 5 load balancers, got: ${loadBalancers.length}`);
  return loadBalancers.map((lb: Json) => {
    if (!lb.targetGroupArn && !lb.loadBalancerName) invalid('loadBalancers[].targetGroupArn must be specified for an Application or Network Load Balancer.');
    if (!lb.containerName) invalid('loadBalancers[].containerName must not be null or empty.');
    const containerPort = lb.containerPort === undefined ? undefined : Number(lb.containerPort);
    if (containerPort === undefined) invalid('loadBalancers[].containerPort must not be null.');
    if (lb.targetGroupArn) {
      const tg = findTargetGroup(ctx.state, String(lb.targetGroupArn));
      if (!tg) invalid(`The target group with targetGroupArn ${lb.targetGroupArn} does not exist.`);
      if (tg.LoadBalancerArns.length === 0) invalid(`The target group with targetGroupArn ${lb.targetGroupArn} does not have an associated load balancer.`);
      if (td.networkMode === 'awsvpc' && tg.TargetType !== 'ip') {
        invalid(
          `The provided target group ${lb.targetGroupArn} has target type ${tg.TargetType}, which is incompatible with the awsvpc network mode specified in the task definition.`,
        );
      }
      if ((td.networkMode === 'bridge' || td.networkMode === 'host') && tg.TargetType !== 'instance') {
        invalid(
          `The provided target group ${lb.targetGroupArn} has target type ${tg.TargetType}, which is incompatible with the ${td.networkMode} network mode specified in the task definition.`,
        );
      }
    }
    containerPortExists(td, String(lb.containerName), containerPort);
    return clean({ targetGroupArn: lb.targetGroupArn, loadBalancerName: lb.loadBalancerName, containerName: lb.containerName, containerPort });
  });
}

/**
 * Validates service registries against Cloud Map (A records need awsvpc;
 * bridge/host need SRV with containerName + containerPort).
 */
export function validateServiceRegistries(ctx: RequestContext, registries: unknown, td: TaskDefinitionRecord): Json[] {
  if (registries === undefined || registries === null) return [];
  if (!Array.isArray(registries)) invalid('serviceRegistries must be a list.');
  if (registries.length > 1) invalid('A service can have at most 1 service registry.');
  return registries.map((r: Json) => {
    if (!r.registryArn) invalid('serviceRegistries[].registryArn must not be null or empty.');
    const discovery = findCloudMapService(ctx.state, String(r.registryArn));
    if (!discovery) invalid(`The service registry ${r.registryArn} does not exist. Create it with servicediscovery CreateService first.`);
    const types = discovery.dnsRecords.map((d) => d.Type);
    const hasContainer = r.containerName !== undefined && r.containerPort !== undefined;
    if (td.networkMode === 'bridge' || td.networkMode === 'host') {
      if (types.includes('A') || types.includes('AAAA')) {
        invalid(
          `The service registry ${r.registryArn} uses A records, which are only supported with the awsvpc network mode; the task definition uses ${td.networkMode}. Use SRV records with containerName and containerPort, or switch to awsvpc.`,
        );
      }
      if (!hasContainer) {
        invalid("When specifying 'host' or 'bridge' for networkMode, values for 'containerName' and 'containerPort' must be specified from the task definition.");
      }
    } else if (types.includes('SRV') && !hasContainer && r.port === undefined) {
      invalid("When specifying 'awsvpc' for networkMode with SRV records, either 'port' or 'containerName' and 'containerPort' must be specified.");
    }
    if (r.containerName !== undefined) containerPortExists(td, String(r.containerName), r.containerPort === undefined ? undefined : Number(r.containerPort));
    return clean({
      registryArn: r.registryArn,
      port: r.port,
      containerName: r.containerName,
      containerPort: r.containerPort === undefined ? undefined : Number(r.containerPort),
    });
  });
}

function validateDeploymentConfiguration(input: Json | undefined, scheduling: string, current?: Json): Json {
  const base = current ?? {
    deploymentCircuitBreaker: { enable: false, rollback: false },
    maximumPercent: scheduling === 'DAEMON' ? 100 : 200,
    minimumHealthyPercent: scheduling === 'DAEMON' ? 0 : 100,
  };
  if (!input) return structuredClone(base);
  const out: Json = { ...structuredClone(base), ...clean({ ...input }) };
  if (input.deploymentCircuitBreaker) {
    out.deploymentCircuitBreaker = {
      enable: Boolean(input.deploymentCircuitBreaker.enable),
      rollback: Boolean(input.deploymentCircuitBreaker.rollback),
    };
  }
  const min = Number(out.minimumHealthyPercent);
  const max = Number(out.maximumPercent);
  if (!Number.isInteger(min) || min < 0 || min > 100) invalid(`deploymentConfiguration.minimumHealthyPercent must be 0-100, got: ${out.minimumHealthyPercent}`);
  if (!Number.isInteger(max) || max < 100) invalid(`deploymentConfiguration.maximumPercent must be at least 100, got: ${out.maximumPercent}`);
  return out;
}

/** The SDK `Deployment` shape. */
export function deploymentOut(d: DeploymentRecord): Json {
  return clean({
    id: d.id,
    status: d.status,
    taskDefinition: d.taskDefinition,
    desiredCount: d.desiredCount,
    pendingCount: d.pendingCount,
    runningCount: d.runningCount,
    failedTasks: d.failedTasks,
    createdAt: date(d.createdAt),
    updatedAt: date(d.updatedAt),
    launchType: d.launchType,
    capacityProviderStrategy: d.capacityProviderStrategy,
    platformVersion: d.platformVersion,
    platformFamily: d.platformVersion ? 'Linux' : undefined,
    networkConfiguration: d.networkConfiguration,
    rolloutState: d.rolloutState,
    rolloutStateReason: d.rolloutStateReason,
  });
}

/** The SDK `Service` shape. */
export function serviceOut(ctx: RequestContext, svc: ServiceRecord, withTags = false): Json {
  const counts = serviceCounts(svc);
  return clean({
    serviceArn: svc.serviceArn,
    serviceName: svc.serviceName,
    clusterArn: svc.clusterArn,
    loadBalancers: svc.loadBalancers,
    serviceRegistries: svc.serviceRegistries,
    status: svc.status,
    desiredCount: svc.desiredCount,
    runningCount: counts.runningCount,
    pendingCount: counts.pendingCount,
    launchType: svc.launchType,
    capacityProviderStrategy: svc.capacityProviderStrategy,
    platformVersion: svc.platformVersion,
    platformFamily: svc.platformFamily,
    taskDefinition: svc.taskDefinition,
    deploymentConfiguration: svc.deploymentConfiguration,
    deployments: svc.deployments.map(deploymentOut),
    roleArn: svc.roleArn,
    events: svc.events.map((e) => ({ id: e.id, createdAt: date(e.createdAt), message: e.message })),
    createdAt: date(svc.createdAt),
    placementConstraints: svc.placementConstraints,
    placementStrategy: svc.placementStrategy,
    networkConfiguration: svc.networkConfiguration,
    healthCheckGracePeriodSeconds: svc.healthCheckGracePeriodSeconds,
    schedulingStrategy: svc.schedulingStrategy,
    deploymentController: svc.deploymentController,
    tags: withTags ? tagsOf(stateOf(ctx), svc.serviceArn) : undefined,
    createdBy: svc.createdBy,
    enableECSManagedTags: svc.enableECSManagedTags,
    propagateTags: svc.propagateTags,
    enableExecuteCommand: svc.enableExecuteCommand,
    availabilityZoneRebalancing: svc.availabilityZoneRebalancing,
  });
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** ECS CreateService. */
export const CreateService: OperationHandler = (input, ctx) => {
  const s = stateOf(ctx);
  const serviceName = input.serviceName;
  if (typeof serviceName !== 'string' || serviceName === '') invalid('serviceName must not be null or empty.');
  if (!SERVICE_NAME.test(serviceName)) {
    invalid(`Invalid service name '${serviceName}': up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed.`);
  }
  const cluster = requireCluster(ctx, input.cluster);
  const controller = input.deploymentController?.type ?? 'ECS';
  if (!['ECS', 'CODE_DEPLOY', 'EXTERNAL'].includes(controller)) invalid(`deploymentController.type must be ECS, CODE_DEPLOY or EXTERNAL, got: ${controller}`);
  const td = activeTaskDefinition(ctx, input.taskDefinition);
  const scheduling: 'REPLICA' | 'DAEMON' = input.schedulingStrategy ?? 'REPLICA';
  if (scheduling !== 'REPLICA' && scheduling !== 'DAEMON') invalid(`schedulingStrategy must be REPLICA or DAEMON, got: ${String(scheduling)}`);
  const launch = resolveLaunch(cluster, td, input);
  if (scheduling === 'DAEMON' && (launch.launchType === 'FARGATE' || launch.capacityProviderStrategy)) {
    invalid('The DAEMON scheduling strategy does not support the FARGATE launch type or capacity provider strategies.');
  }
  const networkConfiguration = validateNetworkConfiguration(ctx, input.networkConfiguration, td, launch.launchType ?? (launch.platformVersion ? 'FARGATE' : 'EC2'));
  const loadBalancers = validateLoadBalancers(ctx, input.loadBalancers, td);
  const serviceRegistries = validateServiceRegistries(ctx, input.serviceRegistries, td);
  const grace = input.healthCheckGracePeriodSeconds;
  if (grace !== undefined && (!Number.isInteger(grace) || grace < 0 || grace > 2147483647)) {
    invalid(`healthCheckGracePeriodSeconds must be an integer 0-2147483647, got: ${grace}`);
  }
  let desiredCount: number = input.desiredCount ?? 0;
  if (scheduling === 'DAEMON') {
    if (input.desiredCount !== undefined) invalid('The daemon scheduling strategy does not support a desired count for services.');
    desiredCount = 0;
  }
  desiredCount = checkDesiredCount(desiredCount, serviceRegistries);
  const deploymentConfiguration = validateDeploymentConfiguration(input.deploymentConfiguration, scheduling);
  const tags = validateTags(input.tags);
  const placement = validatePlacement(input, launch.launchType ?? (launch.platformVersion ? 'FARGATE' : 'EC2'), td);
  const propagateTags = input.propagateTags ?? 'NONE';
  if (!['TASK_DEFINITION', 'SERVICE', 'NONE'].includes(propagateTags)) invalid(`propagateTags must be TASK_DEFINITION, SERVICE or NONE, got: ${propagateTags}`);

  const serviceArn = arn(ctx, 'ecs', `service/${cluster.clusterName}/${serviceName}`);
  const existing = Object.values(s.services).find(
    (x) => x.clusterArn === cluster.clusterArn && x.serviceName === serviceName && x.status !== 'INACTIVE',
  );
  if (existing) {
    const identical =
      existing.status === 'ACTIVE' &&
      ((input.clientToken !== undefined && input.clientToken === existing.clientToken) ||
        (existing.taskDefinition === td.taskDefinitionArn &&
          existing.desiredCount === desiredCount &&
          existing.launchType === launch.launchType &&
          sameJson(existing.networkConfiguration, networkConfiguration) &&
          sameJson(existing.loadBalancers, loadBalancers) &&
          sameJson(existing.serviceRegistries, serviceRegistries)));
    if (!identical) invalid('Creation of service was not idempotent.');
    return { service: serviceOut(ctx, existing, true) };
  }
  const now = ctx.now().getTime();
  const svc: ServiceRecord = clean({
    serviceArn,
    serviceName,
    clusterArn: cluster.clusterArn,
    status: 'ACTIVE' as const,
    desiredCount,
    taskDefinition: td.taskDefinitionArn,
    launchType: launch.launchType,
    capacityProviderStrategy: launch.capacityProviderStrategy,
    platformVersion: input.platformVersion ?? launch.platformVersion,
    platformFamily: launch.platformVersion ? 'Linux' : undefined,
    loadBalancers,
    serviceRegistries,
    networkConfiguration,
    healthCheckGracePeriodSeconds: loadBalancers.length || serviceRegistries.length || grace !== undefined ? (grace ?? 0) : undefined,
    schedulingStrategy: scheduling,
    deploymentController: { type: controller },
    deploymentConfiguration,
    placementConstraints: placement.constraints,
    placementStrategy: placement.strategy,
    deployments: [],
    events: [],
    roleArn: input.role ?? (loadBalancers.length ? arn(ctx, 'iam', 'role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS', '') : undefined),
    createdAt: now,
    createdBy: arn(ctx, 'iam', 'root', ''),
    enableECSManagedTags: Boolean(input.enableECSManagedTags),
    propagateTags,
    enableExecuteCommand: Boolean(input.enableExecuteCommand),
    availabilityZoneRebalancing: input.availabilityZoneRebalancing ?? (scheduling === 'REPLICA' ? 'ENABLED' : 'DISABLED'),
    clientToken: input.clientToken,
  });
  s.services[serviceArn] = svc;
  delete s.tags[serviceArn];
  putTags(s, serviceArn, tags);
  const deployment = startDeployment(ctx.state, svc, {
    taskDefinition: td.taskDefinitionArn,
    launchType: launch.launchType,
    capacityProviderStrategy: launch.capacityProviderStrategy,
    platformVersion: svc.platformVersion,
    networkConfiguration,
    now,
  });
  emit(ctx, EcsEvents.serviceCreated, { clusterArn: cluster.clusterArn, serviceArn });
  emit(ctx, EcsEvents.deploymentCreated, { clusterArn: cluster.clusterArn, serviceArn, deploymentId: deployment.id, serviceDeploymentArn: deployment.serviceDeploymentArn });
  return { service: serviceOut(ctx, svc, true) };
};

/** ECS UpdateService: new deployment on task definition / network / registry / LB change or forceNewDeployment. */
export const UpdateService: OperationHandler = (input, ctx) => {
  const cluster = requireCluster(ctx, input.cluster);
  const svc = requireService(ctx, cluster, input.service);
  if (svc.status !== 'ACTIVE') throw new AwsError('ServiceNotActiveException', 'Service was not ACTIVE.');
  const td = input.taskDefinition !== undefined ? activeTaskDefinition(ctx, input.taskDefinition) : findTaskDefinition(ctx.state, svc.taskDefinition)!;
  let launchType = svc.launchType;
  let capacityProviderStrategy = svc.capacityProviderStrategy;
  let platformVersion = input.platformVersion ?? svc.platformVersion;
  if (input.capacityProviderStrategy !== undefined) {
    const launch = resolveLaunch(cluster, td, { capacityProviderStrategy: input.capacityProviderStrategy });
    if (!input.forceNewDeployment && (svc.launchType || !sameJson(launch.capacityProviderStrategy, svc.capacityProviderStrategy))) {
      invalid(
        'When switching from launch type to capacity provider strategy on an existing service, or making a change to a capacity provider strategy on a service that is already using one, you must force a new deployment.',
      );
    }
    launchType = undefined;
    capacityProviderStrategy = launch.capacityProviderStrategy;
    platformVersion = input.platformVersion ?? launch.platformVersion;
  } else if (launchType === 'FARGATE' && !td.compatibilities.includes('FARGATE')) {
    invalid('Task definition does not support launch_type FARGATE.');
  }
  const effectiveNetwork = input.networkConfiguration ?? svc.networkConfiguration;
  const networkConfiguration = validateNetworkConfiguration(ctx, effectiveNetwork, td, launchType ?? 'FARGATE');
  const loadBalancers = input.loadBalancers !== undefined ? validateLoadBalancers(ctx, input.loadBalancers, td) : validateLoadBalancers(ctx, svc.loadBalancers, td);
  const serviceRegistries =
    input.serviceRegistries !== undefined ? validateServiceRegistries(ctx, input.serviceRegistries, td) : validateServiceRegistries(ctx, svc.serviceRegistries, td);
  if (input.desiredCount !== undefined) {
    checkDesiredCount(input.desiredCount, serviceRegistries);
    if (svc.schedulingStrategy === 'DAEMON') invalid('The daemon scheduling strategy does not support a desired count for services.');
  }
  const grace = input.healthCheckGracePeriodSeconds;
  if (grace !== undefined && (!Number.isInteger(grace) || grace < 0 || grace > 2147483647)) {
    invalid(`healthCheckGracePeriodSeconds must be an integer 0-2147483647, got: ${grace}`);
  }
  const deploymentConfiguration =
    input.deploymentConfiguration !== undefined
      ? validateDeploymentConfiguration(input.deploymentConfiguration, svc.schedulingStrategy, svc.deploymentConfiguration)
      : svc.deploymentConfiguration;

  const needsDeployment =
    Boolean(input.forceNewDeployment) ||
    td.taskDefinitionArn !== svc.taskDefinition ||
    !sameJson(networkConfiguration, svc.networkConfiguration) ||
    !sameJson(loadBalancers, svc.loadBalancers) ||
    !sameJson(serviceRegistries, svc.serviceRegistries) ||
    !sameJson(capacityProviderStrategy, svc.capacityProviderStrategy) ||
    platformVersion !== svc.platformVersion;

  svc.taskDefinition = td.taskDefinitionArn;
  svc.networkConfiguration = networkConfiguration;
  svc.loadBalancers = loadBalancers;
  svc.serviceRegistries = serviceRegistries;
  svc.capacityProviderStrategy = capacityProviderStrategy;
  svc.launchType = launchType;
  if (platformVersion !== undefined) svc.platformVersion = platformVersion;
  svc.deploymentConfiguration = deploymentConfiguration;
  if (grace !== undefined) svc.healthCheckGracePeriodSeconds = grace;
  if (input.placementConstraints !== undefined || input.placementStrategy !== undefined) {
    const placement = validatePlacement(
      { placementConstraints: input.placementConstraints ?? svc.placementConstraints, placementStrategy: input.placementStrategy ?? svc.placementStrategy },
      launchType ?? (capacityProviderStrategy?.every((x) => String(x.capacityProvider).startsWith('FARGATE')) ? 'FARGATE' : 'EC2'),
      td,
    );
    svc.placementConstraints = placement.constraints;
    svc.placementStrategy = placement.strategy;
  }
  if (input.enableExecuteCommand !== undefined) svc.enableExecuteCommand = Boolean(input.enableExecuteCommand);
  if (input.enableECSManagedTags !== undefined) svc.enableECSManagedTags = Boolean(input.enableECSManagedTags);
  if (input.propagateTags !== undefined) svc.propagateTags = input.propagateTags;
  if (input.availabilityZoneRebalancing !== undefined) svc.availabilityZoneRebalancing = input.availabilityZoneRebalancing;
  if (input.desiredCount !== undefined) setDesiredCount(ctx.state, svc.serviceArn, input.desiredCount);
  let deployment: DeploymentRecord | undefined;
  if (needsDeployment) {
    deployment = startDeployment(ctx.state, svc, {
      taskDefinition: td.taskDefinitionArn,
      launchType,
      capacityProviderStrategy,
      platformVersion: svc.platformVersion,
      networkConfiguration,
      now: ctx.now().getTime(),
    });
  }
  emit(ctx, EcsEvents.serviceUpdated, { clusterArn: cluster.clusterArn, serviceArn: svc.serviceArn });
  if (deployment) {
    emit(ctx, EcsEvents.deploymentCreated, {
      clusterArn: cluster.clusterArn,
      serviceArn: svc.serviceArn,
      deploymentId: deployment.id,
      serviceDeploymentArn: deployment.serviceDeploymentArn,
    });
  }
  return { service: serviceOut(ctx, svc, true) };
};

/** ECS DescribeServices (up to 10; `failures` MISSING; include TAGS). */
export const DescribeServices: OperationHandler = (input, ctx) => {
  const cluster = requireCluster(ctx, input.cluster);
  const refs = refList(input.services, 'services', 10, 'services must not be empty.');
  const withTags = ((input.include ?? []) as string[]).includes('TAGS');
  const { found: services, failures } = foundOrMissing(
    refs as string[],
    (ref) =>
      Object.values(stateOf(ctx).services)
        .filter((x) => x.clusterArn === cluster.clusterArn && (x.serviceArn === ref || x.serviceName === ref))
        .sort((a, b) => (a.status === 'INACTIVE' ? 1 : 0) - (b.status === 'INACTIVE' ? 1 : 0) || b.createdAt - a.createdAt)[0],
    (svc) => serviceOut(ctx, svc, withTags),
    // AWS names a missing service by its short ARN form (`service/<name>`, no cluster), whatever the cluster.
    (ref) => (ref.startsWith('arn:') ? ref : arn(ctx, 'ecs', `service/${ref}`)),
  );
  return { services, failures };
};

/** ECS ListServices (ACTIVE and DRAINING; launchType / schedulingStrategy filters; ≤100 per page, default 10). */
export const ListServices: OperationHandler = (input, ctx) => {
  const cluster = requireCluster(ctx, input.cluster);
  const arns = Object.values(stateOf(ctx).services)
    .filter(
      (x) =>
        x.clusterArn === cluster.clusterArn &&
        x.status !== 'INACTIVE' &&
        (!input.launchType || x.launchType === input.launchType) &&
        (!input.schedulingStrategy || x.schedulingStrategy === input.schedulingStrategy),
    )
    .map((x) => x.serviceArn);
  const { page, nextToken } = paginate(arns, input.nextToken, input.maxResults, { pageSize: 10, maxPageSize: 100 });
  return clean({ serviceArns: page, nextToken });
};

/**
 * Stops the given tasks for a service scale-in or deletion. With no runtime
 * attached ({@link runtimeAttached}), the tasks stop at once so the
 * control plane stays consistent on its own.
 */
export function stopServiceTasks(ctx: RequestContext, svc: ServiceRecord, reason: string): string[] {
  const tasks = serviceTasks(ctx.state, svc.serviceArn, { activeOnly: true });
  const now = ctx.now().getTime();
  const attached = runtimeAttached(ctx.events);
  for (const task of tasks) {
    requestTaskStop(ctx.state, task.taskArn, reason, { now, stopCode: 'ServiceSchedulerInitiated' });
    if (!attached) updateTask(ctx.state, task.taskArn, { lastStatus: 'STOPPED' }, { now });
    emit(ctx, EcsEvents.taskStopRequested, { clusterArn: svc.clusterArn, taskArn: task.taskArn, serviceArn: svc.serviceArn });
  }
  return tasks.map((t) => t.taskArn);
}

/** ECS DeleteService (desiredCount must be 0 unless `force`; → DRAINING, then INACTIVE once its tasks stopped). */
export const DeleteService: OperationHandler = (input, ctx) => {
  const cluster = requireCluster(ctx, input.cluster);
  const svc = requireService(ctx, cluster, input.service);
  if (svc.status !== 'ACTIVE') throw new AwsError('ServiceNotActiveException', 'Service was not ACTIVE.');
  if (svc.schedulingStrategy === 'REPLICA' && svc.desiredCount > 0 && !input.force) {
    invalid('The service cannot be stopped while it is scaled above 0.');
  }
  setDesiredCount(ctx.state, svc.serviceArn, 0);
  for (const d of svc.deployments) d.desiredCount = 0;
  svc.status = 'DRAINING';
  const out = serviceOut(ctx, svc, true);
  const primary = svc.deployments.find((d) => d.status === 'PRIMARY');
  emit(ctx, EcsEvents.serviceDeleted, { clusterArn: cluster.clusterArn, serviceArn: svc.serviceArn });
  stopServiceTasks(ctx, svc, `Scaling activity initiated by (deployment ${primary?.id ?? 'unknown'})`);
  recountService(ctx.state, svc.serviceArn, { now: ctx.now().getTime() });
  return { service: out };
};

function serviceDeploymentOut(sd: ReturnType<typeof stateOf>['serviceDeployments'][string]): Json {
  return clean({
    serviceDeploymentArn: sd.serviceDeploymentArn,
    serviceArn: sd.serviceArn,
    clusterArn: sd.clusterArn,
    createdAt: date(sd.createdAt),
    startedAt: date(sd.startedAt),
    finishedAt: date(sd.finishedAt),
    stoppedAt: date(sd.stoppedAt),
    updatedAt: date(sd.updatedAt),
    sourceServiceRevisions: sd.sourceServiceRevisions,
    targetServiceRevision: sd.targetServiceRevision,
    status: sd.status,
    statusReason: sd.statusReason,
    deploymentConfiguration: sd.deploymentConfiguration,
    rollback: sd.rollback ? { ...sd.rollback, startedAt: date(sd.rollback.startedAt) } : undefined,
    deploymentCircuitBreaker: sd.deploymentCircuitBreaker,
    alarms: sd.alarms,
  });
}

/** ECS ListServiceDeployments (newest first; status and createdAt filters). */
export const ListServiceDeployments: OperationHandler = (input, ctx) => {
  const cluster = requireCluster(ctx, input.cluster);
  if (!input.service) invalid('service must not be null or empty.');
  const svc = Object.values(stateOf(ctx).services)
    .filter((x) => x.clusterArn === cluster.clusterArn && (x.serviceArn === input.service || x.serviceName === input.service))
    .sort((a, b) => b.createdAt - a.createdAt)[0];
  if (!svc) throw new AwsError('ServiceNotFoundException', 'Service not found.');
  const statuses: string[] | undefined = input.status;
  const after = input.createdAt?.after === undefined ? undefined : toMs(input.createdAt.after);
  const before = input.createdAt?.before === undefined ? undefined : toMs(input.createdAt.before);
  const items = Object.values(stateOf(ctx).serviceDeployments)
    .filter(
      (sd) =>
        sd.serviceArn === svc.serviceArn &&
        (!statuses?.length || statuses.includes(sd.status)) &&
        (after === undefined || sd.createdAt >= after) &&
        (before === undefined || sd.createdAt <= before),
    )
    .reverse()
    .sort((a, b) => b.createdAt - a.createdAt)
    .map((sd) =>
      clean({
        serviceDeploymentArn: sd.serviceDeploymentArn,
        serviceArn: sd.serviceArn,
        clusterArn: sd.clusterArn,
        startedAt: date(sd.startedAt),
        createdAt: date(sd.createdAt),
        finishedAt: date(sd.finishedAt),
        targetServiceRevisionArn: sd.targetServiceRevision.arn,
        status: sd.status,
        statusReason: sd.statusReason,
      }),
    );
  const { page, nextToken } = paginate(items, input.nextToken, input.maxResults, { pageSize: 20, maxPageSize: 100 });
  return clean({ serviceDeployments: page, nextToken });
};

function toMs(value: unknown): number {
  if (typeof value === 'number') return value < 1e11 ? value * 1000 : value;
  return new Date(String(value)).getTime();
}

/** ECS DescribeServiceDeployments (up to 20; `failures` MISSING). */
export const DescribeServiceDeployments: OperationHandler = (input, ctx) => {
  const refs = refList(input.serviceDeploymentArns, 'serviceDeploymentArns', 20, 'serviceDeploymentArns must not be empty.');
  const s = stateOf(ctx);
  const { found: serviceDeployments, failures } = foundOrMissing(refs as string[], (ref) => own(s.serviceDeployments, ref), serviceDeploymentOut);
  return { serviceDeployments, failures };
};

/** ECS DescribeServiceRevisions (up to 20; `failures` MISSING). */
export const DescribeServiceRevisions: OperationHandler = (input, ctx) => {
  const refs = refList(input.serviceRevisionArns, 'serviceRevisionArns', 20, 'serviceRevisionArns must not be empty.');
  const s = stateOf(ctx);
  const { found: serviceRevisions, failures } = foundOrMissing(refs as string[], (ref) => own(s.serviceRevisions, ref), (rev) => clean({ ...rev, createdAt: date(rev.createdAt) }));
  return { serviceRevisions, failures };
};
