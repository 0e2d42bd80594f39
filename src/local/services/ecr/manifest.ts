/**
 * Manifest validation for the local registry: OCI image manifests and
 * indexes, Docker v2 schema 2 manifests and manifest lists. Anything else
 * (schema 1, not JSON, descriptors without digest or size) is refused with a
 * message naming what is wrong.
 *
 * @internal
 */
import { DIGEST } from './images.js';

/** The image manifest media types the registry accepts. */
export const IMAGE_MANIFEST_TYPES = ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json'] as const;
/** The index (multi-platform) media types the registry accepts. */
export const INDEX_TYPES = ['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json'] as const;

/** A content descriptor: what a manifest references. */
export interface Descriptor {
  /** `sha256:<hex>`. */
  readonly digest: string;
  /** Bytes. */
  readonly size: number;
}

/** A manifest that passed validation. */
export interface ParsedManifest {
  /** `image` (config + layers) or `index` (child manifests). */
  readonly kind: 'image' | 'index';
  /** Its media type. */
  readonly mediaType: string;
  /** The config's media type, for images. */
  readonly artifactMediaType?: string;
  /** What it references: the config and layers, or the child manifests. */
  readonly references: readonly Descriptor[];
  /** Sum of the layer sizes (or the children's manifest sizes). */
  readonly layersSize: number;
}

/** A manifest the registry refuses; the message says why. */
export class ManifestError extends Error {
  /** Always `'ManifestError'`. */
  override readonly name = 'ManifestError';
}

/** Validates a manifest's bytes against its `Content-Type` (or its own `mediaType` when the header is generic). */
export function parseManifest(body: Buffer, contentType: string | undefined): ParsedManifest {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new ManifestError(`the manifest is not valid JSON: ${(error as Error).message}`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new ManifestError('the manifest must be a JSON object');
  const manifest = json as Record<string, unknown>;
  if (manifest['schemaVersion'] !== 2) throw new ManifestError(`schemaVersion must be 2, got: ${JSON.stringify(manifest['schemaVersion'])}`);
  const header = contentType?.split(';')[0]?.trim().toLowerCase();
  const own = manifest['mediaType'];
  if (own !== undefined && typeof own !== 'string') throw new ManifestError('mediaType must be a string');
  const generic = header === undefined || header === '' || header === 'application/json' || header === 'application/octet-stream';
  const mediaType = generic ? own : header;
  if (mediaType === undefined) throw new ManifestError('the manifest has no media type: send it as the Content-Type header or the mediaType field');
  if (own !== undefined && own !== mediaType) throw new ManifestError(`the Content-Type is ${mediaType} but the manifest's mediaType is ${own}`);
  if ((IMAGE_MANIFEST_TYPES as readonly string[]).includes(mediaType)) return parseImage(manifest, mediaType);
  if ((INDEX_TYPES as readonly string[]).includes(mediaType)) return parseIndex(manifest, mediaType);
  throw new ManifestError(`unsupported manifest media type '${mediaType.slice(0, 200)}'`);
}

function parseImage(manifest: Record<string, unknown>, mediaType: string): ParsedManifest {
  const config = descriptor(manifest['config'], 'config');
  const layers = manifest['layers'];
  if (!Array.isArray(layers)) throw new ManifestError('layers must be a list of descriptors');
  if (layers.length > 1000) throw new ManifestError(`an image may have at most 1000 layers, got: ${layers.length}`);
  const parsedLayers = layers.map((layer, i) => descriptor(layer, `layers[${i}]`));
  const configType = (manifest['config'] as Record<string, unknown>)['mediaType'];
  return {
    kind: 'image',
    mediaType,
    ...(typeof configType === 'string' ? { artifactMediaType: configType } : {}),
    references: [config, ...parsedLayers],
    layersSize: parsedLayers.reduce((sum, d) => sum + d.size, 0),
  };
}

function parseIndex(manifest: Record<string, unknown>, mediaType: string): ParsedManifest {
  const children = manifest['manifests'];
  if (!Array.isArray(children)) throw new ManifestError('manifests must be a list of descriptors');
  const parsed = children.map((child, i) => descriptor(child, `manifests[${i}]`));
  return { kind: 'index', mediaType, references: parsed, layersSize: parsed.reduce((sum, d) => sum + d.size, 0) };
}

function descriptor(value: unknown, field: string): Descriptor {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new ManifestError(`${field} must be a descriptor object {mediaType, digest, size}`);
  const { digest, size, mediaType } = value as Record<string, unknown>;
  if (typeof mediaType !== 'string' || mediaType === '') throw new ManifestError(`${field}.mediaType must be a non-empty string`);
  if (typeof digest !== 'string' || !DIGEST.test(digest)) throw new ManifestError(`${field}.digest must be sha256:<64 hex digits>, got: ${JSON.stringify(digest)?.slice(0, 100)}`);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw new ManifestError(`${field}.size must be a non-negative integer, got: ${JSON.stringify(size)?.slice(0, 50)}`);
  return { digest, size };
}
