/**
 * The compact form of an AWS service model that the local cloud validates
 * input against. `scripts/derive-models.ts` writes one per served service
 * (`src/local/models/data/*.ts`) from the published botocore models, keeping
 * only the input shapes of the operations the local cloud serves.
 *
 * @internal
 */

/** Wire protocol family of a model: JSON body, AWS Query form, or EC2 Query form. */
export type ModelProtocol = 'json' | 'query' | 'ec2';

/** A structure member: its shape name, or `[shape, wireName]` when the Query wire name differs from the member name. */
export type MemberRef = string | readonly [shape: string, wire: string];

/** A structure: members, and which of them are required. */
export interface StructureShape {
  readonly t: 'structure';
  readonly m: Readonly<Record<string, MemberRef>>;
  readonly r?: readonly string[];
}

/** A list of `m` shapes; `min`/`max` bound its length. */
export interface ListShape {
  readonly t: 'list';
  readonly m: string;
  readonly min?: number;
  readonly max?: number;
}

/** A map from `k` shapes to `v` shapes; `min`/`max` bound its size. */
export interface MapShape {
  readonly t: 'map';
  readonly k: string;
  readonly v: string;
  readonly min?: number;
  readonly max?: number;
}

/**
 * A string: length bounds, enum values, and the model's (Java) pattern `p`.
 * `j` is the JavaScript source when it differs from `p`; `x: 1` marks a
 * pattern JavaScript cannot express (not checked).
 */
export interface StringShape {
  readonly t: 'string';
  readonly min?: number;
  readonly max?: number;
  readonly e?: readonly string[];
  readonly p?: string;
  readonly j?: string;
  readonly x?: 1;
}

/** A number: `integer` and `long` are whole; `min`/`max` bound the value. */
export interface NumberShape {
  readonly t: 'integer' | 'long' | 'float' | 'double';
  readonly min?: number;
  readonly max?: number;
}

/** A boolean, timestamp, blob, or document (any JSON value; no constraints). */
export interface PlainShape {
  readonly t: 'boolean' | 'timestamp' | 'blob' | 'document';
}

/** Any input shape. */
export type Shape = StructureShape | ListShape | MapShape | StringShape | NumberShape | PlainShape;

/** One service's input model. */
export interface ServiceModel {
  /** botocore service directory, e.g. `ecs`, `elbv2`. */
  readonly service: string;
  /** API version (the model's date), e.g. `2014-11-13`. */
  readonly version: string;
  /** Wire protocol family. */
  readonly protocol: ModelProtocol;
  /** Operation → input structure shape name. */
  readonly operations: Readonly<Record<string, string>>;
  /** Shape name → shape (only those reachable from the operations' inputs). */
  readonly shapes: Readonly<Record<string, Shape>>;
}
