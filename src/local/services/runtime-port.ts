/**
 * The control plane as the runtime sees it: {@link ControlPlane} implemented
 * over the services' state modules. The runtime is given this object where it
 * is created and reaches the services' state through it only.
 *
 * @internal
 */
import type { RegionState } from '../core/types.js';
import type { ControlPlane } from '../runtime/control-plane.js';
import { dueTimes, parseSchedule } from './autoscaling/schedule.js';
import * as autoScaling from './autoscaling/state.js';
import { ecsNames } from './autoscaling/validation.js';
import * as cloudMap from './cloudmap/state.js';
import { alarmDatapoints, breaches, evaluateAlarm } from './cloudwatch/evaluate.js';
import * as cloudWatch from './cloudwatch/state.js';
import { findSubnet } from './ec2/state.js';
import { syncContainerAgents } from './ecs/agent.js';
import { registerVirtualInstances } from './ecs/container-instances.js';
import { definitionNeeds, placeBatch, placeTask } from './ecs/placement.js';
import { attachRuntime, detachRuntime } from './ecs/runtime-attachment.js';
import * as ecs from './ecs/state.js';
import { freeTaskSlots, liveTaskCount, localTaskLimit, setLocalTaskLimit, taskLimitDetail } from './ecs/task-limit.js';
import * as elbv2 from './elbv2/state.js';
import * as logs from './logs/state.js';

/** A slice read without creating it. */
const existing =
  <T>(key: string) =>
  (regionState: RegionState): T | undefined =>
    regionState[key] as T | undefined;

/** The control plane of this process's services, for the runtime. */
export const runtimePort: ControlPlane = {
  ecs: {
    events: ecs.EcsEvents,
    serviceEventMessage: ecs.serviceEventMessage,
    existing: existing<ecs.EcsState>(ecs.ECS_SLICE),
    shortName: ecs.shortName,
    findCluster: ecs.findCluster,
    findService: ecs.findService,
    findTaskDefinition: ecs.findTaskDefinition,
    serviceCounts: ecs.serviceCounts,
    taskSubnet: ecs.taskSubnet,
    updateTask: ecs.updateTask,
    requestTaskStop: ecs.requestTaskStop,
    pruneStoppedTasks: ecs.pruneStoppedTasks,
    createTasksForDeployment: ecs.createTasksForDeployment,
    addServiceEvent: ecs.addServiceEvent,
    setDesiredCount: ecs.setDesiredCount,
    completeDeployment: ecs.completeDeployment,
    failDeployment: ecs.failDeployment,
    recordFailedTasks: ecs.recordFailedTasks,
    definitionNeeds,
    placeBatch,
    placeTask,
    syncContainerAgents,
    registerVirtualInstances,
    attachRuntime,
    detachRuntime,
    setLocalTaskLimit,
    localTaskLimit,
    freeTaskSlots,
    liveTaskCount,
    taskLimitDetail,
  },
  elbv2: {
    state: elbv2.elbv2State,
    existing: existing<elbv2.Elbv2State>(elbv2.ELBV2_SLICE),
    findTargetGroup: elbv2.findTargetGroup,
    rulesOfListener: elbv2.rulesOfListener,
    registerTargets: elbv2.registerTargets,
    deregisterTargets: elbv2.deregisterTargets,
    setTargetHealth: elbv2.setTargetHealth,
    pruneDrainedTargets: elbv2.pruneDrainedTargets,
  },
  cloudWatch: {
    existing: existing<cloudWatch.CloudWatchState>(cloudWatch.CLOUDWATCH_KEY),
    putMetricDatum: cloudWatch.putMetricDatum,
    getAlarm: cloudWatch.getAlarm,
    setAlarmState: cloudWatch.setAlarmState,
    recordHistory: cloudWatch.recordHistory,
    alarmDatapoints,
    evaluateAlarm,
    breaches,
  },
  autoScaling: {
    existing: existing<autoScaling.AutoScalingState>(autoScaling.AUTOSCALING_KEY),
    getScalableTarget: autoScaling.getScalableTarget,
    updateScalableTargetState: autoScaling.updateScalableTargetState,
    targetPolicies: autoScaling.targetPolicies,
    scheduledActions: autoScaling.scheduledActions,
    recordScalingActivity: autoScaling.recordScalingActivity,
    desiredCountDescription: autoScaling.desiredCountDescription,
    alarmCause: autoScaling.alarmCause,
    ecsNames,
    parseSchedule,
    dueTimes,
  },
  cloudMap: {
    state: cloudMap.cloudMapState,
    existing: existing<cloudMap.CloudMapState>(cloudMap.CLOUD_MAP_KEY),
    listHealthyInstances: cloudMap.listHealthyInstances,
    registerInstance: cloudMap.registerInstance,
    deregisterInstance: cloudMap.deregisterInstance,
  },
  logs: {
    state: logs.logsState,
    ensureLogGroup: logs.ensureLogGroup,
    appendLogEvents: logs.appendLogEvents,
  },
  ec2: { findSubnet },
};
