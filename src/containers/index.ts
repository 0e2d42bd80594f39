/**
 * Containers: the engine ecskit drives (docker or podman) and the image
 * operations built on it.
 *
 * @module
 */
export {
  ContainerEngineError,
  detectContainerEngine,
  type BuildFlagOptions,
  type ContainerEngine,
  type ContainerEngineErrorCode,
  type ContainerEngineName,
  type DetectEngineOptions,
  type EngineExecOptions,
  type EngineResult,
} from './engine.js';
export {
  ensureOfflineNodeImage,
  type OfflineNodeImageOptions,
  type OfflineNodeImageResult,
} from './offline-base.js';
export {
  buildImage,
  ensureImage,
  loginToEcr,
  pushImage,
  type BuildImageOptions,
  type BuiltImage,
  type EcrLogin,
  type EcrLoginOptions,
  type EnsuredImage,
  type EnsureImageOptions,
  type ImageEngineOptions,
  type PushedImage,
  type PushImageOptions,
} from './images.js';
