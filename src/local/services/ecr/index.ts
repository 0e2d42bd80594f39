/**
 * The local cloud's ECR: repositories (none at first, as on a new account;
 * see README.md), tags, registry login tokens, and the images
 * pushed to the OCI registry (`registry.ts`) the same endpoint serves under `/v2/`.
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
import { batchDeleteImage, batchGetImage, describeImages, listImages } from './images.js';

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
    DescribeImages: describeImages,
    ListImages: listImages,
    BatchGetImage: batchGetImage,
    BatchDeleteImage: batchDeleteImage,
  },
  // BatchGetImage reads; GetAuthorizationToken changes nothing that is persisted.
  readOnly: (operation) => /^(Describe|List|Get|BatchGet)/.test(operation),
};
