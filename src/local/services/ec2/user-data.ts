/**
 * Instance user data: decoding (base64 as RunInstances takes it, optionally
 * gzip-compressed as cloud-init accepts it) and reading the ECS agent's
 * configuration out of it — what the lines that write
 * `/etc/ecs/ecs.config` would put there (`echo ECS_CLUSTER=lab >>
 * /etc/ecs/ecs.config`, a `#!/bin/bash` script, a here-document, a
 * cloud-init MIME part).
 *
 * @internal
 */
import { gunzipSync } from 'node:zlib';
import { AwsError } from '../../core/types.js';

/** Most bytes of user data, before base64 encoding, as on AWS. */
export const MAX_USER_DATA_BYTES = 16384;

/**
 * The raw bytes of base64 user data. Not base64 (or not padded right) is
 * EC2's `InvalidUserData.Malformed`; more than 16 KiB decoded is
 * `InvalidParameterValue`.
 */
export function decodeUserData(base64: string): Buffer {
  const compact = base64.replace(/[\r\n]/g, '');
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(compact)) {
    throw new AwsError('InvalidUserData.Malformed', 'Invalid BASE64 encoding of user data.');
  }
  const raw = Buffer.from(compact, 'base64');
  if (raw.length > MAX_USER_DATA_BYTES) throw new AwsError('InvalidParameterValue', `User data is limited to ${MAX_USER_DATA_BYTES} bytes`);
  return raw;
}

/** User data as text: gunzipped when it is gzip (cloud-init accepts that), else UTF-8. */
export function userDataText(raw: Buffer): string {
  if (raw.length > 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      return gunzipSync(raw, { maxOutputLength: 1024 * 1024 }).toString('utf8');
    } catch {
      return '';
    }
  }
  return raw.toString('utf8');
}

/** What the ECS agent reads from `/etc/ecs/ecs.config`, as far as the local cloud honours it. */
export interface EcsAgentConfig {
  /** `ECS_CLUSTER`, when set (else the agent uses `default`). */
  readonly cluster?: string;
  /** `ECS_RESERVED_MEMORY` in MiB (default 0). */
  readonly reservedMemory: number;
  /** `ECS_RESERVED_PORTS` (default 22, 2375, 2376, 51678, 51679). */
  readonly reservedPorts?: readonly string[];
  /** `ECS_INSTANCE_ATTRIBUTES` (custom attributes set at registration). */
  readonly attributes: Readonly<Record<string, string>>;
  /** Whether the user data configures the ECS agent at all (mentions `/etc/ecs/ecs.config` or an `ECS_` setting). */
  readonly configuresAgent: boolean;
}

/** The value of `NAME=value` in the text (last one wins, as appending to ecs.config does), unquoted. */
function setting(text: string, name: string): string | undefined {
  const pattern = new RegExp(`(?:^|[\\s'"(;])${name}=("[^"\\n]*"|'[^'\\n]*'|[^\\s'";)]*)`, 'gm');
  let value: string | undefined;
  for (const match of text.matchAll(pattern)) value = match[1]!.replace(/^(["'])(.*)\1$/, '$2');
  return value;
}

/** The ECS agent configuration that the user data writes (see the module docs). */
export function ecsAgentConfig(text: string): EcsAgentConfig {
  const cluster = setting(text, 'ECS_CLUSTER');
  const reserved = Number(setting(text, 'ECS_RESERVED_MEMORY') ?? '0');
  let reservedPorts: string[] | undefined;
  const ports = setting(text, 'ECS_RESERVED_PORTS');
  if (ports) {
    try {
      const parsed = JSON.parse(ports) as unknown;
      if (Array.isArray(parsed) && parsed.every((p) => Number.isInteger(p))) reservedPorts = parsed.map(String);
    } catch {
      // The agent refuses to start with a malformed value; here it keeps its defaults.
    }
  }
  let attributes: Record<string, string> = {};
  const raw = /ECS_INSTANCE_ATTRIBUTES=('([^'\n]*)'|(\{[^\n]*\}))/.exec(text);
  if (raw) {
    try {
      const parsed = JSON.parse(raw[2] ?? raw[3] ?? '{}') as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        attributes = Object.fromEntries(Object.entries(parsed as Record<string, unknown>).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
      }
    } catch {
      attributes = {};
    }
  }
  return {
    ...(cluster ? { cluster } : {}),
    reservedMemory: Number.isInteger(reserved) && reserved > 0 ? reserved : 0,
    ...(reservedPorts ? { reservedPorts } : {}),
    attributes,
    configuresAgent: /\/etc\/ecs\/ecs\.config|(?:^|[\s'"(;])ECS_[A-Z_]+=/m.test(text),
  };
}
