/**
 * IPv4 CIDR arithmetic for VPCs, subnets and routes: parsing with EC2's
 * errors, containment and overlap.
 *
 * @internal
 */
import { AwsError } from '../../core/types.js';

/** A parsed IPv4 CIDR block: network address as an unsigned 32-bit number and prefix length. */
export interface Cidr {
  readonly network: number;
  readonly prefix: number;
}

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Parses `a.b.c.d/n`, or undefined when it is not one. Host bits are cleared (`10.0.0.1/16` → `10.0.0.0/16`). */
export function parseCidr(text: string): Cidr | undefined {
  const match = /^([\d.]+)\/(\d{1,2})$/.exec(text.trim());
  if (!match) return undefined;
  const octets = match[1]!.split('.');
  const prefix = Number(match[2]);
  if (octets.length !== 4 || !octets.every((o) => OCTET.test(o)) || prefix > 32) return undefined;
  const address = octets.reduce((n, o) => n * 256 + Number(o), 0);
  const size = 2 ** (32 - prefix);
  return { network: address - (address % size), prefix };
}

/** `a.b.c.d/n` of a parsed block. */
export function formatCidr(cidr: Cidr): string {
  const n = cidr.network;
  return `${Math.floor(n / 2 ** 24)}.${Math.floor(n / 2 ** 16) % 256}.${Math.floor(n / 2 ** 8) % 256}.${n % 256}/${cidr.prefix}`;
}

/** Number of addresses in a block. */
export const cidrSize = (cidr: Cidr): number => 2 ** (32 - cidr.prefix);

/** Whether `inner` lies entirely inside `outer`. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return inner.prefix >= outer.prefix && inner.network >= outer.network && inner.network + cidrSize(inner) <= outer.network + cidrSize(outer);
}

/** Whether two blocks share any address. */
export function cidrOverlaps(a: Cidr, b: Cidr): boolean {
  return a.network < b.network + cidrSize(b) && b.network < a.network + cidrSize(a);
}

/**
 * The IPv4 CIDR block a `cidrBlock`-style parameter names, or EC2's
 * `InvalidParameterValue` ("This is not a valid CIDR block.") naming the
 * parameter and value.
 */
export function requireCidr(value: unknown, parameter: string): Cidr {
  const text = typeof value === 'string' ? value : value === undefined ? '' : String(value);
  const cidr = parseCidr(text);
  if (!cidr) {
    throw new AwsError('InvalidParameterValue', `Value (${text}) for parameter ${parameter} is invalid. This is not a valid CIDR block.`);
  }
  return cidr;
}

/** The IPv4 address at `offset` from the start of a block, dotted. */
export function addressAt(cidr: Cidr, offset: number): string {
  const n = cidr.network + offset;
  return `${Math.floor(n / 2 ** 24)}.${Math.floor(n / 2 ** 16) % 256}.${Math.floor(n / 2 ** 8) % 256}.${n % 256}`;
}
