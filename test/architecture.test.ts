/**
 * The source layout holds: every import in `src/` goes down or across a layer
 * (the table below, which README.md's "Source layout" describes), never up,
 * and no file imports itself back through a chain of others (type-only
 * imports included: they couple files as much as value imports do). Where a
 * layer may use another's types but none of its code (the runtime names the
 * control plane's records in its one interface to it), the table says so.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { sourceFiles } from '../scripts/source-files.js';

const root = resolve(new URL('../', import.meta.url).pathname);
const src = join(root, 'src');

/**
 * The layers, in order of the path prefixes that name them (first match
 * wins), and which layers each may import. A layer may always import itself.
 */
const LAYERS: { name: string; prefix: string; mayImport: string[]; mayImportTypes?: string[] }[] = [
  // the library core: no I/O of its own but the SDK clients
  { name: 'errors', prefix: 'src/errors.ts', mayImport: [] },
  { name: 'time-scale', prefix: 'src/time-scale.ts', mayImport: ['errors'] },
  { name: 'builders', prefix: 'src/builders/', mayImport: ['errors'] },
  { name: 'clients', prefix: 'src/clients.ts', mayImport: ['errors'] },
  { name: 'containers', prefix: 'src/containers/', mayImport: ['errors', 'clients'] },
  { name: 'waiters', prefix: 'src/waiters/', mayImport: ['errors', 'clients', 'time-scale'] },
  { name: 'operations', prefix: 'src/operations/', mayImport: ['errors', 'clients', 'waiters', 'builders', 'time-scale'] },
  // --target local starts the local cloud: the one way from the library into src/local (its entry, loaded on demand)
  // an ecskit local elsewhere is reached over HTTP only (its admin endpoint), never through src/local
  // where `ecskit local` writes its admin token: shared by the writer, the console command and local-clock
  { name: 'admin-token-file', prefix: 'src/admin-token-file.ts', mayImport: [] },
  { name: 'local-clock', prefix: 'src/local-clock.ts', mayImport: ['time-scale', 'admin-token-file'] },
  { name: 'target', prefix: 'src/target.ts', mayImport: ['errors', 'clients', 'time-scale', 'local-clock', 'local'] },
  { name: 'script', prefix: 'src/script/', mayImport: ['errors', 'clients', 'target', 'time-scale'] },
  { name: 'library', prefix: 'src/index.ts', mayImport: ['errors', 'time-scale', 'builders', 'clients', 'containers', 'waiters', 'operations', 'target', 'script'] },
  // the local cloud: uses the library core, never the other way round
  { name: 'local/types', prefix: 'src/local/core/types.ts', mayImport: ['errors', 'time-scale'] },
  { name: 'local/models', prefix: 'src/local/models/', mayImport: ['local/types'] },
  { name: 'local/core', prefix: 'src/local/core/', mayImport: ['local/types', 'local/models', 'errors', 'time-scale'] },
  // the services implement the runtime's interface and mount the registry on the server's listener: types only
  { name: 'local/services', prefix: 'src/local/services/', mayImport: ['local/types', 'local/core', 'local/models', 'errors', 'time-scale'], mayImportTypes: ['local/runtime', 'local/server'] },
  // the runtime names the control plane's records in its one interface to it (runtime/control-plane.ts), and no more
  { name: 'local/runtime', prefix: 'src/local/runtime/', mayImport: ['local/types', 'local/core', 'local/models', 'containers', 'errors', 'time-scale'], mayImportTypes: ['local/services'] },
  { name: 'local/server', prefix: 'src/local/server/', mayImport: ['local/types', 'local/core', 'local/models', 'local/services', 'errors', 'time-scale', 'admin-token-file'] },
  { name: 'local/console', prefix: 'src/local/console/', mayImport: ['local/types', 'local/core', 'local/server', 'errors', 'time-scale'] },
  { name: 'local', prefix: 'src/local/', mayImport: ['local/types', 'local/core', 'local/models', 'local/services', 'local/server', 'local/runtime', 'local/console', 'containers', 'clients', 'errors', 'time-scale'] },
  // the CLI sits on top of everything
  { name: 'cli', prefix: 'src/cli/', mayImport: ['*'] },
];

function layerOf(path: string): string | undefined {
  return LAYERS.find((layer) => path === layer.prefix || (layer.prefix.endsWith('/') && path.startsWith(layer.prefix)))?.name;
}

/** One import of a `src/` file by another: which file, and whether only its types are used. */
interface Edge {
  target: string;
  typeOnly: boolean;
}

function resolveSpecifier(file: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const target = resolve(dirname(file), spec);
  const candidates = [target.replace(/\.js$/, '.ts'), `${target}.ts`, join(target, 'index.ts')];
  const found = candidates.find((candidate) => existsSync(candidate)) ?? target;
  return found.startsWith(src) ? relative(root, found) : undefined;
}

/** The `src/` files a file imports: static imports, re-exports and dynamic `import()`. */
function importsOf(file: string): Edge[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const edges: Edge[] = [];
  const add = (specifier: ts.Expression | undefined, typeOnly: boolean) => {
    if (!specifier || !ts.isStringLiteral(specifier)) return;
    const target = resolveSpecifier(file, specifier.text);
    if (target) edges.push({ target, typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      const typeOnly = !!clause && (clause.isTypeOnly || (!clause.name && !!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
      add(node.moduleSpecifier, typeOnly);
    } else if (ts.isExportDeclaration(node)) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : undefined;
      add(node.moduleSpecifier, node.isTypeOnly || (!!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node.arguments[0], false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal as ts.Expression, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
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
      for (const { target, typeOnly } of targets) {
        const to = layerOf(target);
        if (!to || to === from.name || from.mayImport.includes('*') || from.mayImport.includes(to)) continue;
        if (typeOnly && from.mayImportTypes?.includes(to)) continue;
        wrong.push(`${file} (${from.name}) imports ${typeOnly ? 'types of ' : ''}${target} (${to})`);
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
      for (const { target } of graph.get(file) ?? []) {
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
      if (component.length > 1 || graph.get(file)!.some((edge) => edge.target === file)) cycles.push(component.sort());
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
