import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { parseCredentialsFlag, parseIni, readCredentialsFile } from '../../../src/cli/credentials.js';
import { runCli, type CliIo } from '../../../src/cli/run.js';
import { rejection } from '../helpers.js';
import { raw } from './raw.js';

/** Runs `ecskit local <args>` in-process; `whileRunning` gets the banner, then the CLI is stopped as by Ctrl-C. */
async function runLocal(args: string[], whileRunning?: (banner: string) => Promise<void>): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  let stop!: (signal: string) => void;
  const stopped = new Promise<string>((resolve) => (stop = resolve));
  let started!: () => void;
  const bannerShown = new Promise<void>((resolve) => (started = resolve));
  const io: CliIo = {
    out: (text) => {
      out += text;
      if (out.includes('Ctrl-C')) started();
    },
    err: (text) => (err += text),
    untilSignal: () => stopped,
  };
  const running = runCli(['local', '--port', '0', '--no-runtime', ...args], io);
  const first = await Promise.race([running.then((code) => ({ code })), bannerShown.then(() => undefined)]);
  if (first) return { code: first.code, out, err };
  let failure: unknown;
  try {
    await whileRunning?.(out);
  } catch (error) {
    failure = error;
  }
  stop('SIGINT');
  const code = await running;
  if (failure) throw failure;
  return { code, out, err };
}

const endpointOf = (banner: string) => /export AWS_ENDPOINT_URL=(\S+)/.exec(banner)![1]!;

describe('ecskit local: admin token in the banner', () => {
  test('the banner prints "admin token: <token>" and its 0600 file; the token resets; the file is gone after stop', async () => {
    let file = '';
    const { code } = await runLocal([], async (banner) => {
      const token = /^admin token: (\S+)$/m.exec(banner)?.[1];
      file = /^admin token file: (\S+)$/m.exec(banner)?.[1] ?? '';
      assert.ok(token && file, banner);
      assert.equal(readFileSync(file, 'utf8').trim(), token);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      const reset = await raw(endpointOf(banner), { method: 'POST', path: '/_ecskit/reset', headers: { authorization: `Bearer ${token}` } });
      assert.equal(reset.status, 200);
    });
    assert.equal(code, 0);
    assert.ok(!existsSync(file));
  });

  test('--admin-token-file picks the file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ecskit-cli-')), 'token');
    await runLocal(['--admin-token-file', file], async (banner) => {
      assert.match(banner, new RegExp(`admin token file: ${file}`));
      assert.equal(statSync(file).mode & 0o777, 0o600);
    });
  });
});

describe('ecskit local: --credentials and --credentials-file', () => {
  test('--credentials KEY:SECRET verifies signatures; the banner exports those credentials', async () => {
    await runLocal(['--credentials', 'AKIDCLI:cli-secret:with-colon'], async (banner) => {
      assert.match(banner, /export AWS_ACCESS_KEY_ID=AKIDCLI$/m);
      assert.match(banner, /export AWS_SECRET_ACCESS_KEY=cli-secret:with-colon$/m);
      assert.match(banner, /Signatures are verified against access key AKIDCLI/);
      const endpoint = endpointOf(banner);
      const good = new ECSClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIDCLI', secretAccessKey: 'cli-secret:with-colon' }, maxAttempts: 1 });
      const bad = new ECSClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
      try {
        assert.deepEqual((await good.send(new ListClustersCommand({}))).clusterArns, []);
        assert.equal((await rejection(bad.send(new ListClustersCommand({})))).name, 'UnrecognizedClientException');
      } finally {
        good.destroy();
        bad.destroy();
      }
    });
  });

  test('--credentials-file with --profile reads that section; the banner points AWS_SHARED_CREDENTIALS_FILE and AWS_PROFILE at it', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ecskit-cli-')), 'credentials');
    writeFileSync(file, '# comment\n[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = default-secret\n\n[local]\nAWS_ACCESS_KEY_ID=AKIDLOCAL\naws_secret_access_key=local-secret\n');
    await runLocal(['--credentials-file', file, '--profile', 'local'], async (banner) => {
      assert.match(banner, new RegExp(`export AWS_SHARED_CREDENTIALS_FILE=${file}`));
      assert.match(banner, /export AWS_PROFILE=local/);
      assert.doesNotMatch(banner, /local-secret/, 'the secret from a file is not printed');
      const client = new ECSClient({ endpoint: endpointOf(banner), region: 'us-east-1', credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' }, maxAttempts: 1 });
      try {
        assert.deepEqual((await client.send(new ListClustersCommand({}))).clusterArns, []);
      } finally {
        client.destroy();
      }
    });
    await runLocal(['--credentials-file', file], async (banner) => {
      assert.match(banner, /Signatures are verified against access key AKIDDEFAULT/);
      assert.match(banner, /export AWS_PROFILE=default/);
    });
  });

  test('bad security flags fail before listening, with a message naming the flag, the value and the fix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecskit-cli-'));
    const noKeys = join(dir, 'no-keys');
    writeFileSync(noKeys, '[default]\nregion = us-east-1\n');
    const spaced = join(dir, 'spaced');
    writeFileSync(spaced, '[default]\naws_access_key_id = AKID\naws_secret_access_key = has space\n');
    const notIni = join(dir, 'not-ini');
    writeFileSync(notIni, 'just text\n');
    const cases: Array<[string[], RegExp]> = [
      [['--credentials', 'nocolon'], /--credentials must look like ACCESS_KEY_ID:SECRET_ACCESS_KEY/],
      [['--credentials', ':secret'], /--credentials must look like/],
      [['--credentials', 'key:'], /--credentials must look like/],
      [['--credentials', 'bad/key:secret'], /--credentials: the access key id must be 1-128 letters, digits or _\.\+@- .*"bad\/key"/],
      [['--credentials', 'key:sec ret'], /--credentials: the secret access key must be 1-256 visible ASCII characters/],
      [['--credentials-file', join(dir, 'missing')], /--credentials-file .*missing: cannot read it \(ENOENT\)/],
      [['--credentials-file', noKeys], /\[default\]: needs both aws_access_key_id and aws_secret_access_key/],
      [['--credentials-file', noKeys, '--profile', 'prod'], /no \[prod\] section \(it has: default\); pick one with --profile/],
      [['--credentials-file', notIni], /no \[default\] section; the file must be in the INI format of ~\/\.aws\/credentials/],
      [['--credentials-file', spaced], /secret access key must be 1-256 visible ASCII characters/],
      [['--credentials', 'a:b', '--credentials-file', noKeys], /pass --credentials or --credentials-file, not both/],
      [['--profile', 'x'], /--profile picks a section of --credentials-file; pass that file too/],
      [['--allow-origin', 'localhost:3000'], /allowed origin must look like http:\/\/host:port/],
      [['--allow-host', 'a b'], /allowed host must be a host name or address without port/],
    ];
    for (const [args, expected] of cases) {
      const { code, err } = await runLocal(args);
      assert.notEqual(code, 0, args.join(' '));
      assert.match(err, expected, args.join(' '));
    }
  });

  test('--help documents the security flags', async () => {
    let out = '';
    await runCli(['local', '--help'], { out: (t) => (out += t), err: () => {}, untilSignal: () => new Promise(() => {}) });
    for (const flag of ['--credentials <KEY:SECRET>', '--credentials-file <path>', '--profile <name>', '--allow-host <name>', '--allow-origin <origin>', '--admin-token-file <path>', 'Authorization: Bearer <token>']) {
      assert.ok(out.includes(flag), flag);
    }
  });
});

describe('credentials parsing', () => {
  test('parseCredentialsFlag splits at the first colon', () => {
    assert.deepEqual(parseCredentialsFlag('AKID:a:b'), { accessKeyId: 'AKID', secretAccessKey: 'a:b' });
  });

  test('parseIni reads sections, trims, lower-cases keys and skips comments', () => {
    const ini = parseIni('; c\n[ a ]\nX = 1\n# c\ny=2=3\n[b]\n');
    assert.deepEqual([...ini.keys()], ['a', 'b']);
    assert.deepEqual(Object.fromEntries(ini.get('a')!), { x: '1', y: '2=3' });
  });

  test('readCredentialsFile reads a profile', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ecskit-cli-')), 'c');
    writeFileSync(file, '[p]\r\naws_access_key_id=K\r\naws_secret_access_key=S\r\n');
    assert.deepEqual(readCredentialsFile(file, 'p'), { accessKeyId: 'K', secretAccessKey: 'S' });
  });
});
