/** @internal */
import type { ServiceDefinition } from '../../core/types.js';

export const elbv2: ServiceDefinition = {
  signingName: 'elasticloadbalancing',
  protocols: ['query'],
  xmlNamespace: 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/',
  operations: {},
};
