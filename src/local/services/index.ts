/**
 * Every service the local cloud serves. Each lives in its own folder and
 * owns its state slice; this list is the only place that names them all.
 *
 * @internal
 */
import type { ServiceDefinition } from '../core/types.js';
import { applicationAutoScaling } from './autoscaling/index.js';
import { cloudMap } from './cloudmap/index.js';
import { cloudWatch } from './cloudwatch/index.js';
import { ec2 } from './ec2/index.js';
import { ecr } from './ecr/index.js';
import { ecs } from './ecs/index.js';
import { elbv2 } from './elbv2/index.js';
import { iam } from './iam/index.js';
import { cloudWatchLogs } from './logs/index.js';
import { sts } from './sts/index.js';

export const services: readonly ServiceDefinition[] = [
  ecs,
  cloudMap,
  applicationAutoScaling,
  cloudWatchLogs,
  cloudWatch,
  elbv2,
  ec2,
  iam,
  sts,
  ecr,
];
