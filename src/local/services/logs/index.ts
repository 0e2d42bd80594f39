/** @internal */
import type { ServiceDefinition } from '../../core/types.js';

export const cloudWatchLogs: ServiceDefinition = {
  signingName: 'logs',
  protocols: ['json1.1'],
  targetPrefix: 'Logs_20140328',
  operations: {},
};
