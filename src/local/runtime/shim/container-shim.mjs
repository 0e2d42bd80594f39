// The first code that runs in every local container process. Plain ESM so it
// needs no compile step. It reads its instructions from ECSKIT_SHIM (removed
// from the environment before the image's code runs), then:
//   - exits when the local cloud goes away (stdin pipe closes, or the parent
//     pid changes), so a SIGKILLed local cloud leaves no task behind;
//   - makes private-namespace names (e.g. invsys.local) resolve through the
//     local cloud's DNS server, without any change to the app;
//   - runs the image: a Node module in this process, or a command as a child.
import { spawn } from 'node:child_process';
import dns from 'node:dns';
import { constants } from 'node:os';
import { pathToFileURL } from 'node:url';

const config = JSON.parse(process.env.ECSKIT_SHIM ?? '{}');
delete process.env.ECSKIT_SHIM;

let child;
const parent = process.ppid;
const die = () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  process.exit(137);
};
process.stdin.on('end', die);
process.stdin.on('close', die);
process.stdin.on('error', die);
process.stdin.resume();
process.stdin.unref?.();
setInterval(() => {
  if (process.ppid !== parent) die();
}, 500).unref();

if (config.dns?.port && Array.isArray(config.dns.suffixes) && config.dns.suffixes.length > 0) {
  const resolver = new dns.Resolver({ timeout: 1000, tries: 2 });
  resolver.setServers([`${config.dns.host}:${config.dns.port}`]);
  const suffixes = config.dns.suffixes.map((s) => s.toLowerCase().replace(/\.$/, ''));
  const isPrivate = (host) => {
    const h = String(host).toLowerCase().replace(/\.$/, '');
    return suffixes.some((s) => h === s || h.endsWith(`.${s}`));
  };
  const original = dns.lookup;
  const lookup = function (hostname, options, callback) {
    if (typeof options === 'function') {
      callback = options;
      options = {};
    }
    if (typeof options === 'number') options = { family: options };
    if (!isPrivate(hostname)) return original.call(this, hostname, options, callback);
    resolver.resolve4(hostname, (error, addresses) => {
      if (error || addresses.length === 0) {
        const e = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
          code: 'ENOTFOUND',
          errno: -3008,
          syscall: 'getaddrinfo',
          hostname,
        });
        return callback(e);
      }
      // Cloud Map MULTIVALUE answers come shuffled; take them in that order.
      if (options?.all) return callback(null, addresses.map((address) => ({ address, family: 4 })));
      return callback(null, addresses[0], 4);
    });
  };
  dns.lookup = lookup;
  dns.promises.lookup = (hostname, options = {}) =>
    new Promise((resolve, reject) =>
      lookup(hostname, options, (error, address, family) =>
        error ? reject(error) : resolve(options.all ? address : { address, family }),
      ),
    );
}

if (config.kind === 'node') {
  process.argv = [process.argv[0], config.entry, ...(config.args ?? [])];
  await import(pathToFileURL(config.entry).href);
} else if (config.kind === 'command') {
  const [file, ...args] = config.command;
  child = spawn(file, args, { stdio: ['ignore', 'inherit', 'inherit'], env: process.env });
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('error', (error) => {
    console.error(`exec ${file}: ${error.message}`);
    process.exit(127);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + (constants.signals[signal] ?? 15) : 1)));
} else {
  console.error(`ecskit shim: unknown image kind ${JSON.stringify(config.kind)}`);
  process.exit(125);
}
