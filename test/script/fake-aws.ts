/**
 * A stand-in for an AWS endpoint that is not an ecskit local cloud: it
 * answers STS `GetCallerIdentity` (account 111122223333), 404s
 * `GET /_ecskit/health`, and records every request's action, so a test can
 * prove which calls a script made before it stopped.
 */
import { createServer } from 'node:http';

/** The account the fake STS reports. */
export const FAKE_ACCOUNT = '111122223333';

/** A running fake AWS endpoint. */
export interface FakeAws {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** `GET /_ecskit/health`, `sts:GetCallerIdentity`, `ec2:DescribeVpcs`, … in arrival order. */
  readonly calls: string[];
  /** Closes the server. */
  stop(): Promise<void>;
}

/** Starts a {@link FakeAws} on a free loopback port. */
export async function startFakeAws(): Promise<FakeAws> {
  const calls: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'GET') {
        calls.push(`GET ${req.url}`);
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      const body = Buffer.concat(chunks).toString();
      const service = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? '?';
      const action = String(req.headers['x-amz-target'] ?? '').split('.').pop() || new URLSearchParams(body).get('Action') || '?';
      calls.push(`${service}:${action}`);
      if (action === 'GetCallerIdentity') {
        res.writeHead(200, { 'content-type': 'text/xml' }).end(
          `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>` +
            `<Arn>arn:aws:iam::${FAKE_ACCOUNT}:user/lab</Arn><UserId>AIDAFAKE</UserId><Account>${FAKE_ACCOUNT}</Account>` +
            `</GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
        );
        return;
      }
      res.writeHead(400, { 'content-type': 'text/xml' }).end(
        '<ErrorResponse><Error><Type>Sender</Type><Code>UnsupportedOperation</Code><Message>fake AWS: only GetCallerIdentity</Message></Error><RequestId>1</RequestId></ErrorResponse>',
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    calls,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
