import { cpSync } from 'node:fs';
import { defineConfig } from 'tsup';

/**
 * Plain files the local cloud uses as they are: the container shim and the
 * demo images it spawns, and the console's static assets (its script and
 * stylesheet, and uPlot's, so the console needs no CDN or internet).
 */
function copyRuntimeFiles(): void {
  cpSync('src/local/runtime/shim', 'dist/local/shim', { recursive: true });
  cpSync('src/local/runtime/images', 'dist/local/images', { recursive: true });
  cpSync('src/local/console/assets', 'dist/local/console-assets', { recursive: true });
  for (const file of ['uPlot.iife.min.js', 'uPlot.min.css']) cpSync(`node_modules/uplot/dist/${file}`, `dist/local/console-assets/${file}`);
}

export default defineConfig([
  {
    // The library: one bundle per package entry point, with declarations;
    // the `ecskit` command; and the lab (examples/full-lab.ts and the scripts
    // it imports) as dist/lab.js, which `ecskit lab` loads. In one build, so
    // the lab shares the library's chunks: its `ecskit` / `ecskit/local`
    // imports resolve (tsconfig paths) to the same sources as the entries.
    entry: {
      index: 'src/index.ts',
      'local/index': 'src/local/index.ts',
      cli: 'src/cli/main.ts',
      lab: 'src/cli/lab.ts',
    },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    // Declarations for the package's exports only (the bin and the lab are not imported by users).
    dts: { entry: { index: 'src/index.ts', 'local/index': 'src/local/index.ts', cli: 'src/cli/main.ts' } },
    sourcemap: true,
    // Not `clean`: both configs write into dist/ concurrently (`npm run build` empties it first).
    clean: false,
    outDir: 'dist',
    onSuccess: async () => copyRuntimeFiles(),
  },
  {
    // The lab's apps, built once so the local cloud starts them with plain
    // `node` (no compile step when a task starts).
    entry: {
      'apps/inventory': 'apps/inventory/src/main.ts',
      'apps/gateway': 'apps/gateway/src/main.ts',
    },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    dts: false,
    sourcemap: false,
    clean: false,
    outDir: 'dist',
    // Bundle every dependency except the native better-sqlite3: a task's
    // spawn-to-serving time drops by a third or more (measured in bench/apps.ts).
    noExternal: [/^(?!better-sqlite3$)/],
    // Native, and an optional dependency (which tsup would otherwise bundle).
    external: ['better-sqlite3'],
    splitting: false,
    // Bundled CommonJS dependencies (undici, under the gateway) `require()`
    // Node's built-in modules; an ESM bundle has no `require` of its own.
    banner: {
      js: "import { createRequire as __ecskitCreateRequire } from 'node:module'; const require = __ecskitCreateRequire(import.meta.url);",
    },
  },
]);
