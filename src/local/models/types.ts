/**
 * The compact form of an AWS service model that the local cloud validates
 * input against. `scripts/derive-models.ts` writes one per served service
 * (`src/local/models/data/*.ts`) from the published botocore models, keeping
 * only the input shapes of the operations the local cloud serves (and which
 * of them have no output shape, for the Query encoder).
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
  /**
   * Operations whose model declares `ValidationException` but not the service's
   * usual constraint-failure code: their invalid input is a `ValidationException`.
   */
  readonly validationExceptionOperations?: readonly string[];
  /**
   * Operations whose model declares no `output` shape (IAM `DeleteRole`,
   * CloudWatch `PutMetricAlarm`): their AWS Query answer has no
   * `<{Operation}Result>` element, only `ResponseMetadata`. An operation with
   * an output shape, even one with no members, is not listed.
   */
  readonly noOutputOperations?: readonly string[];
}

/**
 * An output structure member: its shape name, `[shape, wire]` when the
 * response names it differently (the model's `locationName`, the XML element
 * of Query/EC2 responses), or `[shape, wire, 1]` when it is a flattened list
 * or map (its items repeat the member's element, with no wrapper).
 */
export type OutputMemberRef = string | readonly [shape: string, wire: string] | readonly [shape: string, wire: string, flattened: 1];

/** An output structure: body members (header members are left out), which of them are required, `u: 1` for a union (at most one member set). */
export interface OutputStructureShape {
  readonly t: 'structure';
  readonly m: Readonly<Record<string, OutputMemberRef>>;
  readonly r?: readonly string[];
  readonly u?: 1;
}

/** An output list of `m` shapes; `n` is the XML element of each item when not `member`; `f: 1` when flattened. */
export interface OutputListShape {
  readonly t: 'list';
  readonly m: string;
  readonly n?: string;
  readonly f?: 1;
}

/** An output map; `kn`/`vn` are the XML elements of key and value when not `key`/`value`; `f: 1` when flattened. */
export interface OutputMapShape {
  readonly t: 'map';
  readonly k: string;
  readonly v: string;
  readonly kn?: string;
  readonly vn?: string;
  readonly f?: 1;
}

/** An output string and the model's enum values, if any. */
export interface OutputStringShape {
  readonly t: 'string';
  readonly e?: readonly string[];
}

/** An output scalar; `tf` is a timestamp's `timestampFormat` when the model sets one. */
export interface OutputScalarShape {
  readonly t: 'integer' | 'long' | 'float' | 'double' | 'boolean' | 'timestamp' | 'blob' | 'document';
  readonly tf?: 'iso8601' | 'unixTimestamp' | 'rfc822';
}

/** Any output shape. */
export type OutputShape = OutputStructureShape | OutputListShape | OutputMapShape | OutputStringShape | OutputScalarShape;

/** One operation's response: output shape `o` (absent when the model has none), Query result wrapper element `w`, declared error shapes `e`. */
export interface OutputOperation {
  readonly o?: string;
  readonly w?: string;
  readonly e?: readonly string[];
}

/**
 * One service's output model: what a conformant response of each served
 * operation may contain (`conformance.ts` checks responses against it; the
 * local cloud loads it only when `ECSKIT_CONFORMANCE_LOG` is set).
 */
export interface OutputModel {
  /** botocore service directory. */
  readonly service: string;
  /** API version (the model's date). */
  readonly version: string;
  /** Wire protocol family of the model (CloudWatch also answers Query: `w` and wire names are kept for every model). */
  readonly protocol: ModelProtocol;
  /** Operation → its response. */
  readonly operations: Readonly<Record<string, OutputOperation>>;
  /**
   * Every error code of the service on the wire → its error shape: the shape
   * name and, when it differs, the Query `error.code`. Codes the AWS
   * documentation lists but the model does not (EC2's model has no errors)
   * map to `''`.
   */
  readonly errors: Readonly<Record<string, string>>;
  /** Shape name → shape (those reachable from the outputs and errors). */
  readonly shapes: Readonly<Record<string, OutputShape>>;
}
