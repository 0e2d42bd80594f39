/**
 * The source layout holds: every import in `src/` goes down or across a layer
 * (the table below, which README.md's "Source layout" describes), never up,
 * and no file imports itself back through a chain of others. Type-only
 * imports count too: they couple the layers as much as value imports do.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(new URL('../', import.meta.url).pathname);
const src = join(root, 'src');

/**
 * The layers, in order of the path prefixes that name them (first match
 * wins), and which layers each may import. A layer may always import itself.
 */
const LAYERS: { name: string; prefix: string; mayImport: string[] }[] = [
  // the library core: no I/O of its own but the SDK clients
  { name: 'errors', prefix: 'src/errors.ts', mayImport: [] },
  { name: 'time-scale', prefix: 'src/time-scale.ts', mayImport: ['errors'] },
  { name: 'builders', prefix: 'src/builders/', mayImport: ['errors'] },
  { name: 'clients', prefix: 'src/clients.ts', mayImport: ['errors'] },
  { name: 'containers', prefix: 'src/containers/', mayImport: ['errors', 'clients'] },
  { name: 'waiters', prefix: 'src/waiters/', mayImport: ['errors', 'clients', 'time-scale'] },
  { name: 'operations', prefix: 'src/operations/', mayImport: ['errors', 'clients', 'waiters', 'builders', 'time-scale'] },
  { name: 'target', prefix: 'src/target.ts', mayImport: ['errors', 'clients', 'time-scale'] },
  { name: 'script', prefix: 'src/script/', mayImport: ['errors', 'clients', 'target', 'time-scale'] },
  { name: 'library', prefix: 'src/index.ts', mayImport: ['errors', 'time-scale', 'builders', 'clients', 'containers', 'waiters', 'operations', 'target', 'script'] },
  // the local cloud: uses the library core, never the other way round
  { name: 'local/core', prefix: 'src/local/core/', mayImport: ['errors', 'time-scale'] },
  { name: 'local/models', prefix: 'src/local/models/', mayImport: ['local/core'] },
  { name: 'local/services', prefix: 'src/local/services/', mayImport: ['local/core', 'local/models', 'errors', 'time-scale'] },
  { name: 'local/server', prefix: 'src/local/server/', mayImport: ['local/core', 'local/models', 'errors', 'time-scale'] },
  { name: 'local/runtime', prefix: 'src/local/runtime/', mayImport: ['local/core', 'containers', 'errors', 'time-scale'] },
  { name: 'local/console', prefix: 'src/local/console/', mayImport: ['local/core', 'local/server', 'errors', 'time-scale'] },
  { name: 'local', prefix: 'src/local/', mayImport: ['local/core', 'local/models', 'local/services', 'local/server', 'local/runtime', 'local/console', 'containers', 'clients', 'errors', 'time-scale'] },
  // the CLI sits on top of everything
  { name: 'cli', prefix: 'src/cli/', mayImport: ['*'] },
];

function layerOf(path: string): string | undefined {
  return LAYERS.find((layer) => path === layer.prefix || (layer.prefix.endsWith('/') && path.startsWith(layer.prefix)))?.name;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The `src/` files a file imports (static, dynamic, re-exports; relative specifiers only). */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles
    .map((ref) => ref.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => {
      const target = resolve(dirname(file), spec);
      const candidates = [target.replace(/\.js$/, '.ts'), `${target}.ts`, join(target, 'index.ts')];
      return candidates.find((candidate) => existsSync(candidate)) ?? target;
    })
    .filter((target) => target.startsWith(src))
    .map((target) => relative(root, target));
}

const graph = new Map(sourceFiles(src).map((file) => [relative(root, file), importsOf(file)]));

describe('the source layout', () => {
  it('names the layer of every file in src/', () => {
    assert.deepEqual([...graph.keys()].filter((file) => !layerOf(file)), []);
  });

  it('has no upward or sideways import that the layer table does not allow', () => {
    const wrong: string[] = [];
    for (const [file, targets] of graph) {
      const from = LAYERS.find((layer) => layer.name === layerOf(file))!;
      for (const target of targets) {
        const to = layerOf(target);
        if (!to || to === from.name || from.mayImport.includes('*') || from.mayImport.includes(to)) continue;
        wrong.push(`${file} (${from.name}) imports ${target} (${to})`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('has no import cycle between files', () => {
    // Tarjan's strongly connected components over the file graph.
    let counter = 0;
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const cycles: string[][] = [];
    const visit = (file: string): void => {
      index.set(file, counter);
      low.set(file, counter);
      counter++;
      stack.push(file);
      onStack.add(file);
      for (const target of graph.get(file) ?? []) {
        if (!graph.has(target)) continue;
        if (!index.has(target)) {
          visit(target);
          low.set(file, Math.min(low.get(file)!, low.get(target)!));
        } else if (onStack.has(target)) {
          low.set(file, Math.min(low.get(file)!, index.get(target)!));
        }
      }
      if (low.get(file) !== index.get(file)) return;
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      if (component.length > 1 || graph.get(file)!.includes(file)) cycles.push(component.sort());
    };
    for (const file of graph.keys()) if (!index.has(file)) visit(file);
    assert.deepEqual(cycles, []);
  });

  it('catches what it is meant to catch (the checks themselves)', () => {
    assert.equal(layerOf('src/builders/ecs/service-builder.ts'), 'builders');
    assert.equal(layerOf('src/local/runtime/runtime.ts'), 'local/runtime');
    assert.equal(layerOf('src/local/index.ts'), 'local');
    assert.equal(layerOf('src/index.ts'), 'library');
    // the library never reaches into the local cloud
    for (const name of ['builders', 'waiters', 'operations', 'library']) {
      assert.ok(!LAYERS.find((layer) => layer.name === name)!.mayImport.some((to) => to.startsWith('local')), name);
    }
  });
});
