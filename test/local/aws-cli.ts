/**
 * Runs the AWS CLI (v1, on PATH via pyenv) against a local cloud and returns
 * its parsed JSON output. Credentials are dummies and the host's AWS config
 * is ignored, so a developer's real profile is never used.
 *
 * ```ts
 * const who = await awsCli(t.cloud.endpoint, ['sts', 'get-caller-identity']);
 * assert.equal(who.json.Account, '123456789012');
 * ```
 *
 * @internal
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Result of one CLI run. */
export interface AwsCliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (`undefined` when empty or not JSON). */
  json?: any;
}

/** How to install the CLI, for failure messages. */
export const AWS_CLI_INSTALL_HINT = 'Install the AWS CLI: `pip install awscli` (v1) or see https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html, and make sure `aws` is on PATH.';

let available: boolean | undefined;

/** `true` when `aws` runs on this machine. */
export function awsCliAvailable(): boolean {
  if (available === undefined) {
    try {
      execFileSync('aws', ['--version'], { stdio: 'ignore', timeout: 30_000 });
      available = true;
    } catch {
      available = false;
    }
  }
  return available;
}

/**
 * Skip reason for tests that need the CLI, or `false` to run them. When the
 * CLI is missing and `CI` is set this throws, so CI fails instead of skipping.
 */
export function awsCliSkip(): string | false {
  if (awsCliAvailable()) return false;
  if (process.env.CI) throw new Error(`The AWS CLI (\`aws\`) is required in CI but was not found. ${AWS_CLI_INSTALL_HINT}`);
  return `aws CLI not found; ${AWS_CLI_INSTALL_HINT}`;
}

/** Runs `aws --endpoint-url <endpoint> --output json <args…>` with dummy credentials. */
export function awsCli(endpoint: string, args: string[], options: { region?: string; timeoutMs?: number; env?: Record<string, string> } = {}): Promise<AwsCliResult> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PYENV_ROOT: process.env.PYENV_ROOT,
    PYENV_VERSION: process.env.PYENV_VERSION,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_DEFAULT_REGION: options.region ?? 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_PAGER: '',
    AWS_MAX_ATTEMPTS: '1',
    AWS_RETRY_MODE: 'standard',
    ...options.env,
  };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return new Promise((resolve, reject) => {
    execFile('aws', ['--endpoint-url', endpoint, '--output', 'json', ...args], { env, timeout: options.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : -1) : 0;
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') return reject(new Error(`aws CLI not found. ${AWS_CLI_INSTALL_HINT}`));
      const result: AwsCliResult = { code, stdout, stderr };
      if (stdout.trim()) {
        try {
          result.json = JSON.parse(stdout);
        } catch {
          /* not JSON */
        }
      }
      resolve(result);
    });
  });
}

let queryDataPath: string | undefined;

/**
 * Environment for {@link awsCli} that makes the CLI speak AWS Query to
 * CloudWatch, as CLIs before CloudWatch's JSON protocol did (AWS CLI 1.45 /
 * botocore 1.43 send JSON 1.0). botocore reads models from `AWS_DATA_PATH`
 * first: this writes a copy of its own CloudWatch model whose only protocol
 * is `query` to a temporary directory, once per process.
 */
export function cloudWatchOverQueryEnv(): Record<string, string> {
  if (!queryDataPath) {
    const script =
      "import json,botocore.session\n" +
      "m=botocore.session.get_session().get_component('data_loader').load_service_model('cloudwatch','service-2')\n" +
      "m['metadata']['protocol']='query'; m['metadata']['protocols']=['query']\n" +
      "print(m['metadata']['apiVersion']); print(json.dumps(m))";
    const [version, model] = execFileSync('python3', ['-c', script], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 60_000 }).split('\n');
    const dir = mkdtempSync(join(tmpdir(), 'ecskit-cli-query-'));
    mkdirSync(join(dir, 'cloudwatch', version!), { recursive: true });
    writeFileSync(join(dir, 'cloudwatch', version!, 'service-2.json'), model!);
    queryDataPath = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return { AWS_DATA_PATH: queryDataPath };
}
