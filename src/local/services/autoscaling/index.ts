/** @internal */
import type { ServiceDefinition } from '../../core/types.js';

export const applicationAutoScaling: ServiceDefinition = {
  signingName: 'application-autoscaling',
  protocols: ['json1.1'],
  targetPrefix: 'AnyScaleFrontendService',
  operations: {},
};
