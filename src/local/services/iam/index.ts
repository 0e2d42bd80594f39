/** @internal */
import type { ServiceDefinition } from '../../core/types.js';

export const iam: ServiceDefinition = {
  signingName: 'iam',
  protocols: ['query'],
  xmlNamespace: 'https://iam.amazonaws.com/doc/2010-05-08/',
  operations: {},
};
