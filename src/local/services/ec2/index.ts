/** @internal */
import type { ServiceDefinition } from '../../core/types.js';

export const ec2: ServiceDefinition = {
  signingName: 'ec2',
  protocols: ['ec2'],
  xmlNamespace: 'http://ec2.amazonaws.com/doc/2016-11-15/',
  operations: {},
};
