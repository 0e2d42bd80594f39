/**
 * Encoders for each wire protocol: success bodies and error bodies with the
 * exact shapes the AWS SDK v3 deserializers read (`loadJsonRpcErrorCode`,
 * `AwsQueryProtocol.loadQueryErrorCode`, `AwsEc2QueryProtocol`).
 *
 * - JSON 1.0/1.1: `{"__type":"Code","message":"…"}` + `x-amzn-ErrorType`;
 *   query-compatible services (CloudWatch) also send
 *   `x-amzn-query-error: Code;Sender|Receiver`. `Date` → epoch seconds.
 * - Query: `<ErrorResponse xmlns><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.
 * - EC2: `<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>`.
 *
 * @internal
 */
import type { AwsError, Protocol } from '../core/types.js';
import { escapeXml, toXmlContent } from './xml.js';

/** A rendered HTTP response. */
export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Converts `Date`s to epoch seconds (fractional allowed) for JSON protocols. */
export function jsonValue(value: unknown, depth = 0): unknown {
  if (depth > 200) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.getTime() / 1000;
  if (Array.isArray(value)) return value.map((v) => jsonValue(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      Object.defineProperty(out, k, { value: jsonValue(v, depth + 1), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  if (typeof value === 'bigint') return Number(value);
  return value;
}

/** Content type of a JSON protocol. */
export const jsonContentType = (protocol: Protocol) => (protocol === 'json1.0' ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1');

/** Success body for JSON 1.0/1.1. */
export function encodeJson(protocol: Protocol, output: unknown, requestId: string): WireResponse {
  return {
    status: 200,
    headers: { 'content-type': jsonContentType(protocol), 'x-amzn-requestid': requestId },
    body: JSON.stringify(jsonValue(output ?? {})),
  };
}

/**
 * Success body for AWS Query: `<XResponse><XResult>…</XResult><ResponseMetadata/></XResponse>`
 * for an operation with an output shape (`<XResult></XResult>` when it has
 * no members), and `<XResponse><ResponseMetadata/></XResponse>` when
 * `hasOutput` is `false` (the model declares no output: AWS sends no result
 * element, and `output` is not sent).
 */
export function encodeQuery(action: string, namespace: string, output: unknown, requestId: string, hasOutput: boolean): WireResponse {
  const result = hasOutput ? `<${action}Result>${toXmlContent(output ?? {}, 'member')}</${action}Result>` : '';
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${escapeXml(namespace)}">` +
    result +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
  return { status: 200, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body };
}

/** Success body for EC2 Query (`<XResponse><requestId/>…</XResponse>`, lists as `<item>`). */
export function encodeEc2(action: string, namespace: string, output: unknown, requestId: string): WireResponse {
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${escapeXml(namespace)}">` +
    `<requestId>${requestId}</requestId>${toXmlContent(output ?? {}, 'item')}</${action}Response>`;
  return { status: 200, headers: { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': requestId }, body };
}

/** Error response in `protocol`'s shape. `queryCompatible` adds CloudWatch's `x-amzn-query-error` header to JSON errors. */
export function encodeError(
  protocol: Protocol,
  error: Pick<AwsError, 'code' | 'message' | 'status' | 'fault'>,
  requestId: string,
  options: { namespace?: string; queryCompatible?: boolean } = {},
): WireResponse {
  const code = error.code.replace(/[^A-Za-z0-9_.:#-]/g, '');
  if (protocol === 'json1.0' || protocol === 'json1.1') {
    const headers: Record<string, string> = {
      'content-type': jsonContentType(protocol),
      'x-amzn-requestid': requestId,
      'x-amzn-errortype': code,
    };
    if (options.queryCompatible) headers['x-amzn-query-error'] = `${code};${error.fault}`;
    return { status: error.status, headers, body: JSON.stringify({ __type: code, message: error.message }) };
  }
  if (protocol === 'ec2') {
    const body =
      `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(error.message)}</Message></Error></Errors>` +
      `<RequestID>${requestId}</RequestID></Response>`;
    return { status: error.status, headers: { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': requestId }, body };
  }
  const ns = options.namespace ? ` xmlns="${escapeXml(options.namespace)}"` : '';
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse${ns}><Error><Type>${error.fault}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(error.message)}</Message></Error>` +
    `<RequestId>${requestId}</RequestId></ErrorResponse>`;
  return { status: error.status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body };
}
