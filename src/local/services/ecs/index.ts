/** @internal */
import type { ServiceDefinition } from '../../core/types.js';

export const ecs: ServiceDefinition = {
  signingName: 'ecs',
  protocols: ['json1.1'],
  targetPrefix: 'AmazonEC2ContainerServiceV20141113',
  operations: {},
};
