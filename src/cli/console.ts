/**
 * `ecskit console`: prints (and, on a desktop, opens) the URL of the console
 * of the local cloud running on this machine, with its login token.
 *
 * @internal
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { adminTokenFilePath } from '../admin-token-file.js';
import { parseCommand, type CommandIo } from './common.js';
import { UsageError } from '../script/flags.js';

export const CONSOLE_HELP = `ecskit console — print (and on a desktop open) the local cloud's console URL

Usage: ecskit console [options]

Options:
  --port <number>         the local cloud's port (default 4566)
  --token-file <path>     its admin token file (default: the one "ecskit local" wrote for the port)
  --open / --no-open      open it in the desktop's browser (default: open when $DISPLAY or
                          $WAYLAND_DISPLAY is set, or on macOS)
  -h, --help              show this help

The URL carries the admin token (like Jupyter's): anyone who has it can use the console.
Exit codes: 0 printed, 1 no local cloud answers or no token file, 2 bad usage.
`;

const OPTIONS = {
  port: { type: 'string' },
  'token-file': { type: 'string' },
  open: { type: 'boolean' },
  'no-open': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Runs `ecskit console <args>`; resolves with the exit code. */
export async function runConsole(args: string[], io: CommandIo): Promise<number> {
  const { values } = parseCommand('console', args, OPTIONS);
  if (values.help) {
    io.out(CONSOLE_HELP);
    return 0;
  }
  const port = values.port === undefined ? 4566 : Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`ecskit console: --port must be an integer 1-65535, got: ${values.port}`);
  if (values.open && values['no-open']) throw new UsageError('ecskit console: pass --open or --no-open, not both');
  const base = `http://127.0.0.1:${port}`;
  try {
    const health = await fetch(`${base}/_ecskit/health`, { signal: AbortSignal.timeout(3000) });
    if (!health.ok) throw new Error(`GET /_ecskit/health answered ${health.status}`);
  } catch (error) {
    io.err(`ecskit console: no ecskit local cloud answers at ${base} (${(error as Error).message}). Start one with "npx ecskit local"${values.port === undefined ? ', or pass --port' : ''}.\n`);
    return 1;
  }
  const file = values['token-file'] ?? adminTokenFilePath(port);
  let token: string;
  try {
    token = readFileSync(file, 'utf8').trim();
  } catch (error) {
    io.err(`ecskit console: cannot read the admin token file ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). Pass the file "ecskit local" printed with --token-file.\n`);
    return 1;
  }
  const url = `${base}/_ecskit/console?token=${encodeURIComponent(token)}`;
  io.out(`${url}\n`);
  const env = io.env ?? process.env;
  const desktop = process.platform === 'darwin' || process.platform === 'win32' || !!env.DISPLAY || !!env.WAYLAND_DISPLAY;
  if (values.open || (desktop && !values['no-open'])) {
    const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
    const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => io.err(`ecskit console: could not start ${opener}; open the URL above yourself.\n`));
    child.unref();
  }
  return 0;
}
