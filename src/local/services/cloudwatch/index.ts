/** @internal */
import type { ServiceDefinition } from '../../core/types.js';

export const cloudWatch: ServiceDefinition = {
  signingName: 'monitoring',
  protocols: ['json1.0', 'query'],
  targetPrefix: 'GraniteServiceVersion20100801',
  xmlNamespace: 'http://monitoring.amazonaws.com/doc/2010-08-01/',
  operations: {},
};
