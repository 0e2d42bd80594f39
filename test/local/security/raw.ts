/**
 * Raw HTTP for the security tests: any `Host` header (or none), any method,
 * no client-side normalisation (fetch forbids setting `Host` and `Origin` is
 * filled in by browsers only).
 *
 * @internal
 */
import { request } from 'node:http';
import { connect } from 'node:net';

/** A raw answer. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** Sends one request to `endpoint` with exactly these headers (`host: undefined` sends the endpoint's host). */
export function raw(endpoint: string, options: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<RawAnswer> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const headers = { host: url.host, ...options.headers };
    const req = request({ hostname: url.hostname.replace(/^\[|\]$/g, ''), port: url.port, method: options.method ?? 'GET', path: options.path ?? '/', headers, setHost: false, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Sends raw bytes (e.g. an HTTP/1.0 request with no Host) and returns the status line's code, or 0. */
export function rawBytes(endpoint: string, data: string): Promise<{ status: number; text: string }> {
  const url = new URL(endpoint);
  return new Promise((resolve) => {
    const socket = connect(Number(url.port), url.hostname.replace(/^\[|\]$/g, ''));
    let out = '';
    socket.on('data', (d) => (out += d.toString()));
    const done = () => resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(out)?.[1] ?? 0), text: out });
    socket.on('error', done);
    socket.on('close', done);
    socket.setTimeout(3000, () => socket.destroy());
    socket.write(data, 'latin1');
  });
}

/** The AWS error code of a JSON (`__type`) or XML (`<Code>`) error body. */
export function errorCode(text: string): string | undefined {
  return /"__type":"([^"]+)"/.exec(text)?.[1] ?? /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? /"code":"([^"]+)"/.exec(text)?.[1];
}
