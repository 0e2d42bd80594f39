/** @internal */
import type { ServiceDefinition } from '../../core/types.js';

export const sts: ServiceDefinition = {
  signingName: 'sts',
  protocols: ['query'],
  xmlNamespace: 'https://sts.amazonaws.com/doc/2011-06-15/',
  operations: {},
};
