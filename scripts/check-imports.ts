/**
 * Every bare import of the built package is declared (issue #15.8).
 *
 * Reads each `.js` file under `dist/` with esbuild's parser (a metafile of a
 * bundle that keeps every package external, so static imports, re-exports,
 * `import()` of a string are seen; `require("x")` / `__require("x")` calls are
 * read from the text), and checks that each
 * package it names is a Node built-in or in `dependencies` /
 * `optionalDependencies` of package.json. A package that is only present
 * because something else depends on it works by accident on one machine and
 * breaks for a user whose tree is hoisted differently.
 *
 * Run after `npm run build` (`npm run check:package` runs it). Exits 1 and
 * lists every undeclared import with the files that use it.
 *
 * @internal
 * @module
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'dist');

/** The package a bare specifier names: `@scope/name` or `name` (subpaths dropped); undefined for relative and absolute paths. */
export function packageOf(specifier: string): string | undefined {
  // Relative and absolute paths, URLs, and esbuild's own `<runtime>` helpers name no package.
  if (/^(\.|\/|<|file:|data:)/.test(specifier)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** True for `node:x` and the names of Node's built-in modules (`fs`, `fs/promises`, …). */
export function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || builtinModules.includes(specifier) || builtinModules.includes(specifier.split('/')[0]!);
}

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return jsFiles(path);
    return /\.(m?js|cjs)$/.test(entry.name) ? [path] : [];
  });
}

/** Every package imported by the files, with the files importing it. */
export async function bareImports(files: readonly string[]): Promise<Map<string, Set<string>>> {
  const result = await build({
    entryPoints: [...files],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    outdir: join(root, 'node_modules/.cache/check-imports'),
    // Keep every bare specifier external: only the import statements are read, never the packages.
    plugins: [{ name: 'all-external', setup: (b) => b.onResolve({ filter: /^[^./]/ }, (args) => ({ path: args.path, external: true })) }],
    logLevel: 'silent',
  });
  const found = new Map<string, Set<string>>();
  const add = (specifier: string, file: string) => {
    const name = isBuiltin(specifier) ? undefined : packageOf(specifier);
    if (!name) return;
    if (!found.has(name)) found.set(name, new Set());
    found.get(name)!.add(file);
  };
  for (const [input, meta] of Object.entries(result.metafile.inputs)) {
    for (const imported of meta.imports) if (imported.external) add(imported.path, relative(root, join(root, input)));
  }
  // ESM cannot see through a `require` made with createRequire, nor esbuild's `__require` of bundled CommonJS: read those calls too.
  for (const file of files) {
    for (const match of readFileSync(file, 'utf8').matchAll(/\b(?:__)?require\(\s*["']([^"'\s]+)["']\s*\)/g)) add(match[1]!, relative(root, file));
  }
  return found;
}

const isMain = process.argv[1] && new URL(import.meta.url).pathname === process.argv[1];
if (isMain) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
  const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})]);
  const files = jsFiles(dist);
  if (files.length === 0) {
    console.error('check-imports: dist/ has no .js files; run npm run build first');
    process.exit(1);
  }
  const imports = await bareImports(files);
  const missing = [...imports].filter(([name]) => !declared.has(name));
  if (missing.length > 0) {
    console.error(`check-imports: ${missing.length} package(s) imported by dist/ but not in dependencies or optionalDependencies:`);
    for (const [name, from] of missing) console.error(`  ${name}  (imported by ${[...from].slice(0, 3).join(', ')}${from.size > 3 ? `, +${from.size - 3} more` : ''}); add it with npm install ${name}`);
    process.exit(1);
  }
  console.log(`check-imports: ${files.length} files in dist/ import ${imports.size} packages, all declared (${[...imports.keys()].sort().join(', ')})`);
}
