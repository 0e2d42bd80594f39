/**
 * The runtime's one seam into the control plane: every read and write of
 * the services' state the runtime makes (find tasks, set their status,
 * register targets and set their health, record metrics, alarm states and
 * scaling activities, register Cloud Map instances, write logs), and the
 * record types it handles.
 *
 * The runtime imports only this module's types; `src/local/services/runtime-port.ts`
 * implements {@link ControlPlane} over the services' state modules, and the
 * runtime gets it where it is created ({@link RuntimeContext.controlPlane}).
 * The signatures are those of the services' functions (type queries: no code
 * of the services is loaded through here).
 *
 * @internal
 */
import type * as AutoScalingScheduleModule from '../services/autoscaling/schedule.js';
import type * as AutoScalingStateModule from '../services/autoscaling/state.js';
import type * as AutoScalingValidationModule from '../services/autoscaling/validation.js';
import type * as CloudMapStateModule from '../services/cloudmap/state.js';
import type * as CloudWatchEvaluateModule from '../services/cloudwatch/evaluate.js';
import type * as CloudWatchStateModule from '../services/cloudwatch/state.js';
import type * as Ec2StateModule from '../services/ec2/state.js';
import type * as EcsAgentModule from '../services/ecs/agent.js';
import type * as EcsContainerInstancesModule from '../services/ecs/container-instances.js';
import type * as EcsPlacementModule from '../services/ecs/placement.js';
import type * as EcsRuntimeAttachmentModule from '../services/ecs/runtime-attachment.js';
import type * as EcsStateModule from '../services/ecs/state.js';
import type * as EcsTaskLimitModule from '../services/ecs/task-limit.js';
import type * as Elbv2StateModule from '../services/elbv2/state.js';
import type * as LogsStateModule from '../services/logs/state.js';
import type { RegionState } from '../core/types.js';

export type { ScalingPolicyRecord, ScheduledActionRecord } from '../services/autoscaling/state.js';
export type { AlarmState, Dimension, MetricAlarmRecord } from '../services/cloudwatch/state.js';
export type { PlacementRules } from '../services/ecs/placement.js';
export type {
  ContainerInstanceRecord,
  DeploymentRecord,
  EcsState,
  Json,
  ServiceRecord,
  TaskDefinitionRecord,
  TaskRecord,
  TaskUpdate,
} from '../services/ecs/state.js';
export type { Action, Condition, Elbv2State, StoredRule, StoredTarget, StoredTargetGroup } from '../services/elbv2/state.js';

/** A service's slice of a region state if it has one; never creates it. */
type Existing<T> = (regionState: RegionState) => T | undefined;

/** ECS: clusters, services, deployments and tasks; the runtime's attachment and task cap. */
export interface EcsPort {
  /** Names of the control-plane events the runtime listens to and emits. */
  readonly events: typeof EcsStateModule.EcsEvents;
  /** Wordings of the service events. */
  readonly serviceEventMessage: typeof EcsStateModule.serviceEventMessage;
  readonly existing: Existing<EcsStateModule.EcsState>;
  readonly shortName: typeof EcsStateModule.shortName;
  readonly findCluster: typeof EcsStateModule.findCluster;
  readonly findService: typeof EcsStateModule.findService;
  readonly findTaskDefinition: typeof EcsStateModule.findTaskDefinition;
  readonly serviceCounts: typeof EcsStateModule.serviceCounts;
  readonly taskSubnet: typeof EcsStateModule.taskSubnet;
  readonly updateTask: typeof EcsStateModule.updateTask;
  readonly requestTaskStop: typeof EcsStateModule.requestTaskStop;
  readonly pruneStoppedTasks: typeof EcsStateModule.pruneStoppedTasks;
  readonly createTasksForDeployment: typeof EcsStateModule.createTasksForDeployment;
  readonly addServiceEvent: typeof EcsStateModule.addServiceEvent;
  readonly setDesiredCount: typeof EcsStateModule.setDesiredCount;
  readonly completeDeployment: typeof EcsStateModule.completeDeployment;
  readonly failDeployment: typeof EcsStateModule.failDeployment;
  readonly recordFailedTasks: typeof EcsStateModule.recordFailedTasks;
  readonly definitionNeeds: typeof EcsPlacementModule.definitionNeeds;
  readonly placeBatch: typeof EcsPlacementModule.placeBatch;
  readonly placeTask: typeof EcsPlacementModule.placeTask;
  readonly syncContainerAgents: typeof EcsAgentModule.syncContainerAgents;
  readonly registerVirtualInstances: typeof EcsContainerInstancesModule.registerVirtualInstances;
  readonly attachRuntime: typeof EcsRuntimeAttachmentModule.attachRuntime;
  readonly detachRuntime: typeof EcsRuntimeAttachmentModule.detachRuntime;
  readonly setLocalTaskLimit: typeof EcsTaskLimitModule.setLocalTaskLimit;
  readonly localTaskLimit: typeof EcsTaskLimitModule.localTaskLimit;
  readonly freeTaskSlots: typeof EcsTaskLimitModule.freeTaskSlots;
  readonly liveTaskCount: typeof EcsTaskLimitModule.liveTaskCount;
  readonly taskLimitDetail: typeof EcsTaskLimitModule.taskLimitDetail;
}

/** Elastic Load Balancing: listeners, rules, target groups and their targets' health. */
export interface Elbv2Port {
  /** The ELBv2 slice, created on first use. */
  readonly state: typeof Elbv2StateModule.elbv2State;
  readonly existing: Existing<Elbv2StateModule.Elbv2State>;
  readonly findTargetGroup: typeof Elbv2StateModule.findTargetGroup;
  readonly rulesOfListener: typeof Elbv2StateModule.rulesOfListener;
  readonly registerTargets: typeof Elbv2StateModule.registerTargets;
  readonly deregisterTargets: typeof Elbv2StateModule.deregisterTargets;
  readonly setTargetHealth: typeof Elbv2StateModule.setTargetHealth;
  readonly pruneDrainedTargets: typeof Elbv2StateModule.pruneDrainedTargets;
}

/** CloudWatch: metrics and alarms. */
export interface CloudWatchPort {
  readonly existing: Existing<CloudWatchStateModule.CloudWatchState>;
  readonly putMetricDatum: typeof CloudWatchStateModule.putMetricDatum;
  readonly getAlarm: typeof CloudWatchStateModule.getAlarm;
  readonly setAlarmState: typeof CloudWatchStateModule.setAlarmState;
  readonly recordHistory: typeof CloudWatchStateModule.recordHistory;
  readonly alarmDatapoints: typeof CloudWatchEvaluateModule.alarmDatapoints;
  readonly evaluateAlarm: typeof CloudWatchEvaluateModule.evaluateAlarm;
  readonly breaches: typeof CloudWatchEvaluateModule.breaches;
}

/** Application Auto Scaling: scalable targets, policies, scheduled actions, activities. */
export interface AutoScalingPort {
  readonly existing: Existing<AutoScalingStateModule.AutoScalingState>;
  readonly getScalableTarget: typeof AutoScalingStateModule.getScalableTarget;
  readonly updateScalableTargetState: typeof AutoScalingStateModule.updateScalableTargetState;
  readonly targetPolicies: typeof AutoScalingStateModule.targetPolicies;
  readonly scheduledActions: typeof AutoScalingStateModule.scheduledActions;
  readonly recordScalingActivity: typeof AutoScalingStateModule.recordScalingActivity;
  readonly desiredCountDescription: typeof AutoScalingStateModule.desiredCountDescription;
  readonly alarmCause: typeof AutoScalingStateModule.alarmCause;
  readonly ecsNames: typeof AutoScalingValidationModule.ecsNames;
  readonly parseSchedule: typeof AutoScalingScheduleModule.parseSchedule;
  readonly dueTimes: typeof AutoScalingScheduleModule.dueTimes;
}

/** Cloud Map: namespaces and the instances tasks register. */
export interface CloudMapPort {
  /** The Cloud Map slice, created on first use. */
  readonly state: typeof CloudMapStateModule.cloudMapState;
  readonly existing: Existing<CloudMapStateModule.CloudMapState>;
  readonly listHealthyInstances: typeof CloudMapStateModule.listHealthyInstances;
  readonly registerInstance: typeof CloudMapStateModule.registerInstance;
  readonly deregisterInstance: typeof CloudMapStateModule.deregisterInstance;
}

/** CloudWatch Logs: the groups and streams containers write to. */
export interface LogsPort {
  /** The Logs slice, created on first use. */
  readonly state: typeof LogsStateModule.logsState;
  readonly ensureLogGroup: typeof LogsStateModule.ensureLogGroup;
  readonly appendLogEvents: typeof LogsStateModule.appendLogEvents;
}

/** EC2: the subnets tasks are placed in. */
export interface Ec2Port {
  readonly findSubnet: typeof Ec2StateModule.findSubnet;
}

/** Everything the runtime does to the control plane's state. */
export interface ControlPlane {
  readonly ecs: EcsPort;
  readonly elbv2: Elbv2Port;
  readonly cloudWatch: CloudWatchPort;
  readonly autoScaling: AutoScalingPort;
  readonly cloudMap: CloudMapPort;
  readonly logs: LogsPort;
  readonly ec2: Ec2Port;
}
