/** @internal */
import type { ServiceDefinition } from '../../core/types.js';

export const ecr: ServiceDefinition = {
  signingName: 'ecr',
  protocols: ['json1.1'],
  targetPrefix: 'AmazonEC2ContainerRegistry_V20150921',
  operations: {},
};
