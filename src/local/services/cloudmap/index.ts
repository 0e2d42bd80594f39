/** @internal */
import type { ServiceDefinition } from '../../core/types.js';

export const cloudMap: ServiceDefinition = {
  signingName: 'servicediscovery',
  protocols: ['json1.1'],
  targetPrefix: 'Route53AutoNaming_v20170314',
  operations: {},
};
