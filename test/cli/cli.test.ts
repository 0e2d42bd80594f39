/**
 * The `ecskit` CLI beyond `local` (issue 14): --version, help, exit codes,
 * `local --verbose` request lines and the banner's DNS line, `status`
 * (tables, --json, --watch) and `logs` (filter, since, follow) against a
 * local cloud, an endpoint that is down, and hostile arguments.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateClusterCommand, ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { runCli, type CliIo } from '../../src/cli/run.js';
import { startLocalCloud, type LocalCloud } from '../../src/local/index.js';

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Runs `ecskit <args>` in-process; `stopAfter` resolves the signal (Ctrl-C) when given. */
async function cli(args: string[], options: { env?: NodeJS.ProcessEnv; stopWhen?: (out: string, err: string) => boolean; isTTY?: boolean } = {}) {
  let out = '';
  let err = '';
  let stop!: (signal: string) => void;
  const stopped = new Promise<string>((resolve) => (stop = resolve));
  const check = () => {
    if (options.stopWhen?.(out, err)) stop('SIGINT');
  };
  const io: CliIo & { env: NodeJS.ProcessEnv; isTTY: boolean } = {
    out: (text) => {
      out += text;
      check();
    },
    err: (text) => {
      err += text;
      check();
    },
    untilSignal: () => stopped,
    env: { ...(options.env ?? { NO_COLOR: '1' }) },
    isTTY: options.isTTY ?? false,
  };
  const code = await runCli(args, io);
  return { code, out, err };
}

const client = <T>(Client: new (config: object) => T, cloud: LocalCloud) => new Client({ endpoint: cloud.endpoint, region: cloud.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });

describe('ecskit: version, help, exit codes', () => {
  test('--version prints the package version and exits 0', async () => {
    for (const flag of ['--version', 'version', '-V']) {
      const r = await cli([flag]);
      assert.equal(r.code, 0);
      assert.equal(r.out, `ecskit ${version}\n`);
    }
  });

  test('help lists every command; help <command> and <command> --help print its options; exit 0', async () => {
    const main = await cli(['help']);
    assert.equal(main.code, 0);
    for (const c of ['local', 'status', 'logs', 'console', '--version', 'NO_COLOR']) assert.ok(main.out.includes(c), `help lacks ${c}`);
    for (const c of ['local', 'status', 'logs', 'console']) {
      const a = await cli(['help', c]);
      const b = await cli([c, '--help']);
      assert.equal(a.code, 0);
      assert.equal(b.code, 0);
      assert.equal(a.out, b.out);
      assert.match(a.out, new RegExp(`^ecskit ${c} — `));
    }
    assert.match((await cli(['local', '--help'])).out, /--verbose/);
  });

  test('usage errors exit 2 with a message naming the problem on stderr; nothing on stdout', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['frobnicate'], /unknown command frobnicate/],
      [['help', 'nope'], /no command nope/],
      [['status', '--colour'], /unknown option --colour/],
      [['status', '--interval', '1'], /--interval needs --watch/],
      [['status', '--watch', '--interval=-1'], /--interval must be/],
      [['status', '--watch', '--interval', 'NaN'], /--interval must be/],
      [['status', '--endpoint', 'not a url'], /--endpoint must be a URL/],
      [['status', '--endpoint', 'file:///etc/passwd'], /http:\/\/ or https:\/\//],
      [['status', '--local', '--endpoint', 'http://x'], /not both/],
      [['status', '--local', '--region', 'moon-1; rm -rf'], /--region must look like/],
      [['logs'], /name one log group/],
      [['logs', 'a', 'b'], /name one log group/],
      [['logs', '/ecs/x', '--since', 'yesterday'], /--since must be a duration/],
      [['logs', '$(rm -rf /)'], /log group names are/],
      [['console', '--port', '99999'], /--port must be/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
      assert.match(r.err, message, args.join(' '));
      assert.equal(r.out, '', args.join(' '));
    }
  });

  test('an endpoint that is down: status and logs exit 1 naming the endpoint and how to start the cloud', async () => {
    for (const args of [['status'], ['logs', '/ecs/x']]) {
      const r = await cli([...args, '--endpoint', 'http://127.0.0.1:9']);
      assert.equal(r.code, 1, r.err);
      assert.match(r.err, /cannot reach http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\).*ecskit local/);
      assert.equal(r.out, '');
    }
    const c = await cli(['console', '--port', '9']);
    assert.equal(c.code, 1);
    assert.match(c.err, /no ecskit local cloud answers at http:\/\/127\.0\.0\.1:9/);
  });
});

describe('ecskit local --verbose and the banner', () => {
  test('one stderr line per API call (service, operation, status, ms); the banner prints the DNS server and a dig command', async () => {
    let banner = '';
    const r = await cli(['local', '--port', '0', '--verbose', '--container-instances', '0'], {
      stopWhen: (out, err) => {
        if (out.includes('Ctrl-C') && !banner) {
          banner = out;
          const endpoint = /export AWS_ENDPOINT_URL=(\S+)/.exec(out)![1]!;
          const ecs = new ECSClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
          void ecs.send(new ListClustersCommand({})).then(
            () => ecs.send(new CreateClusterCommand({ clusterName: 'bad name!' })).catch(() => undefined),
          );
        }
        return /CreateCluster 400/.test(err);
      },
    });
    assert.equal(r.code, 0);
    assert.match(r.err, /^\[ecskit local\] \d\d:\d\d:\d\d\.\d{3} ecs ListClusters 200 \d+\.\d ms$/m);
    assert.match(r.err, /^\[ecskit local\] .* ecs CreateCluster 400 \d+\.\d ms$/m);
    const dns = /DNS \(Cloud Map private names\) on (\S+) port (\d+) .*dig @(\S+) -p (\d+) invsys\.local/.exec(banner);
    assert.ok(dns, banner);
    assert.equal(dns[1], dns[3]);
    assert.equal(dns[2], dns[4]);
    assert.ok(!/ListClusters/.test(r.out), 'request lines never go to stdout');
  });
});

describe('ecskit status and logs against a local cloud', () => {
  test('status: tables, --json, --watch (stopped by Ctrl-C), an unknown --cluster', async (t) => {
    const cloud = await startLocalCloud({ port: 0, runtime: false, log: () => {} });
    t.after(() => cloud.stop());
    const ecs = client(ECSClient, cloud);
    await ecs.send(new CreateClusterCommand({ clusterName: 'lab' }));
    const env = { NO_COLOR: '1', AWS_ENDPOINT_URL: cloud.endpoint };
    const text = await cli(['status'], { env });
    assert.equal(text.code, 0, text.err);
    assert.match(text.out, /Cluster lab \(ACTIVE; 0 running, 0 pending tasks\)/);
    assert.match(text.out, /No services\./);
    assert.ok(!text.out.includes('\x1b['), 'NO_COLOR: no escape codes');
    const json = await cli(['status', '--json', '--endpoint', cloud.endpoint], { env: { NO_COLOR: '1' } });
    assert.equal(json.code, 0, json.err);
    const doc = JSON.parse(json.out);
    assert.deepEqual(doc.clusters.map((c: { name: string }) => c.name), ['lab']);
    assert.equal(doc.endpoint, cloud.endpoint);
    let rounds = 0;
    const watch = await cli(['status', '--watch', '--interval', '0.2', '--json'], { env, stopWhen: (out) => (rounds = out.split('\n').filter(Boolean).length) >= 3 });
    assert.equal(watch.code, 0);
    assert.ok(rounds >= 3);
    const missing = await cli(['status', '--cluster', 'nope'], { env });
    assert.equal(missing.code, 2);
    assert.match(missing.err, /cluster nope not found/);
    const colour = await cli(['status'], { env: { AWS_ENDPOINT_URL: cloud.endpoint, FORCE_COLOR: '1' } });
    assert.ok(colour.out.includes('\x1b[1m'), 'FORCE_COLOR: bold headings');
  });

  test('logs: events with --filter and --since, --follow prints new lines until Ctrl-C, an unknown group exits 1', async (t) => {
    const cloud = await startLocalCloud({ port: 0, runtime: false, log: () => {} });
    t.after(() => cloud.stop());
    const logs = client(CloudWatchLogsClient, cloud);
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/app' }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: '/ecs/app', logStreamName: 'ecs/app/1' }));
    const now = Date.now();
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: '/ecs/app',
        logStreamName: 'ecs/app/1',
        logEvents: [
          { timestamp: now - 3_600_000, message: 'old line' },
          { timestamp: now - 1000, message: 'GET /items 200' },
          { timestamp: now - 500, message: 'ERROR db locked' },
        ],
      }),
    );
    const env = { NO_COLOR: '1', AWS_ENDPOINT_URL: cloud.endpoint };
    const all = await cli(['logs', '/ecs/app'], { env });
    assert.equal(all.code, 0, all.err);
    assert.deepEqual(all.out.trim().split('\n').map((l) => l.split(' ').slice(2).join(' ')), ['GET /items 200', 'ERROR db locked']);
    assert.match(all.out, /^\d{4}-\d\d-\d\dT\S+Z ecs\/app\/1 GET \/items 200$/m);
    const since = await cli(['logs', '/ecs/app', '--since', '2h'], { env });
    assert.match(since.out, /old line/);
    const filtered = await cli(['logs', '/ecs/app', '--filter', 'ERROR', '--json'], { env });
    assert.deepEqual(filtered.out.trim().split('\n').map((l) => JSON.parse(l).message), ['ERROR db locked']);
    let put = false;
    const follow = await cli(['logs', '/ecs/app', '-f'], {
      env,
      stopWhen: (out) => {
        if (out.includes('ERROR db locked') && !put) {
          put = true;
          void logs.send(new PutLogEventsCommand({ logGroupName: '/ecs/app', logStreamName: 'ecs/app/1', logEvents: [{ timestamp: Date.now(), message: 'a new line' }] }));
        }
        return out.includes('a new line');
      },
    });
    assert.equal(follow.code, 0, follow.err);
    assert.match(follow.out, /a new line/);
    const unknown = await cli(['logs', '/ecs/none'], { env });
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /no log group \/ecs\/none in us-east-1/);
    assert.equal(unknown.out, '');
  });
});
