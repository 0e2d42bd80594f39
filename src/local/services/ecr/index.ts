/**
 * The local cloud's ECR: repositories (the lab's two are pre-created, see
 * `state.ts` and README.md), tags and registry login tokens. No image layers
 * are stored; the runtime maps repository names to local apps.
 *
 * @internal
 */
import type { ServiceDefinition } from '../../core/types.js';
import {
  createRepository,
  deleteRepository,
  describeRepositories,
  getAuthorizationToken,
  listTagsForResource,
  tagResource,
  untagResource,
} from './repositories.js';

/** ECR (AWS JSON 1.1, `AmazonEC2ContainerRegistry_V20150921`). */
export const ecr: ServiceDefinition = {
  signingName: 'ecr',
  protocols: ['json1.1'],
  targetPrefix: 'AmazonEC2ContainerRegistry_V20150921',
  operations: {
    CreateRepository: createRepository,
    DescribeRepositories: describeRepositories,
    DeleteRepository: deleteRepository,
    TagResource: tagResource,
    UntagResource: untagResource,
    ListTagsForResource: listTagsForResource,
    GetAuthorizationToken: getAuthorizationToken,
  },
};
