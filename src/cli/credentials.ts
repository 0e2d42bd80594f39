/**
 * The credentials `ecskit local` verifies signatures with: `--credentials
 * KEY:SECRET`, or a profile of an AWS shared-credentials file
 * (`--credentials-file <path> [--profile <name>]`, the INI format of
 * `~/.aws/credentials`).
 *
 * @internal
 */
import { readFileSync } from 'node:fs';
import { EcskitError } from '../errors.js';

/** Access key id and secret the local cloud checks signatures against. */
export interface CliCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** A bad `--credentials` / `--credentials-file` value; the message names the flag, the value and the fix. */
export class CredentialsError extends EcskitError {
  override readonly name = 'CredentialsError';
  readonly code = 'CredentialsError';
}

const KEY_ID = /^[\w.+@-]{1,128}$/;
const SECRET = /^[\x21-\x7e]{1,256}$/;

function checked(accessKeyId: string, secretAccessKey: string, where: string): CliCredentials {
  if (!KEY_ID.test(accessKeyId)) {
    throw new CredentialsError(`${where}: the access key id must be 1-128 letters, digits or _.+@- (like AKIAIOSFODNN7EXAMPLE), got: ${JSON.stringify(accessKeyId.slice(0, 40))}`);
  }
  if (!SECRET.test(secretAccessKey)) throw new CredentialsError(`${where}: the secret access key must be 1-256 visible ASCII characters without spaces`);
  return { accessKeyId, secretAccessKey };
}

/** Parses `--credentials KEY:SECRET` (split at the first `:`). */
export function parseCredentialsFlag(value: string): CliCredentials {
  const colon = value.indexOf(':');
  if (colon <= 0 || colon === value.length - 1) {
    throw new CredentialsError('--credentials must look like ACCESS_KEY_ID:SECRET_ACCESS_KEY (e.g. --credentials AKIDLOCAL:s3cret), got a value without both parts');
  }
  return checked(value.slice(0, colon), value.slice(colon + 1), '--credentials');
}

/** Sections of an INI file: `[name]` → `key = value` (comments `#`/`;`, keys lower-cased). */
export function parseIni(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    const section = /^\[\s*([^\]]+?)\s*\]$/.exec(trimmed);
    if (section) {
      current = sections.get(section[1]!) ?? new Map();
      sections.set(section[1]!, current);
      continue;
    }
    const eq = trimmed.indexOf('=');
    if (eq > 0 && current) current.set(trimmed.slice(0, eq).trim().toLowerCase(), trimmed.slice(eq + 1).trim());
  }
  return sections;
}

/** Reads `aws_access_key_id` / `aws_secret_access_key` of `profile` (default `default`) from a shared-credentials file. */
export function readCredentialsFile(file: string, profile = 'default'): CliCredentials {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CredentialsError(`--credentials-file ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); pass an AWS shared-credentials file such as ~/.aws/credentials`);
  }
  const sections = parseIni(text);
  const section = sections.get(profile);
  const where = `--credentials-file ${file} [${profile}]`;
  if (!section) {
    const names = [...sections.keys()];
    throw new CredentialsError(`--credentials-file ${file}: no [${profile}] section${names.length ? ` (it has: ${names.join(', ')}); pick one with --profile` : '; the file must be in the INI format of ~/.aws/credentials'}`);
  }
  const key = section.get('aws_access_key_id');
  const secret = section.get('aws_secret_access_key');
  if (!key || !secret) throw new CredentialsError(`${where}: needs both aws_access_key_id and aws_secret_access_key`);
  return checked(key, secret, where);
}
