/**
 * The structure numbers issue #16 asks to bring down, measured the same way
 * before and after: the largest files and functions of `src/` (lines), the
 * type casts in the builders, and the public surface of the root export.
 *
 *   node --import tsx scripts/code-metrics.ts [--json]
 *
 * (`duplicates --repo src` gives the fourth number, the repeated runs.)
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { sourceFiles } from './source-files.js';

const root = new URL('../', import.meta.url).pathname;

interface Sized {
  name: string;
  lines: number;
}

function lineCount(file: ts.SourceFile, node: ts.Node): number {
  const start = file.getLineAndCharacterOfPosition(node.getStart(file)).line;
  const end = file.getLineAndCharacterOfPosition(node.getEnd()).line;
  return end - start + 1;
}

/** Every function-like node with a body, named by where it stands. */
function functionsOf(path: string): Sized[] {
  const file = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: Sized[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && (node as ts.FunctionLikeDeclaration).body) {
      const named = node as ts.FunctionLikeDeclaration;
      let name = named.name?.getText(file);
      if (!name && ts.isVariableDeclaration(node.parent)) name = node.parent.name.getText(file);
      if (!name && ts.isPropertyAssignment(node.parent)) name = node.parent.name.getText(file);
      const line = file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
      found.push({ name: `${relative(root, path)}:${line} ${name ?? '(anonymous)'}`, lines: lineCount(file, node) });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** `x as T` expressions (not `as const`) in a file, and the lines that hold one. */
function castsOf(path: string): { casts: number; lines: number } {
  const file = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  let casts = 0;
  const lines = new Set<number>();
  const visit = (node: ts.Node): void => {
    if (ts.isAsExpression(node) && node.type.getText(file) !== 'const') {
      casts++;
      lines.add(file.getLineAndCharacterOfPosition(node.type.getStart(file)).line);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return { casts, lines: lines.size };
}

/** Runtime values and all names (values and types) the root entry exports. */
function publicSurface(): { values: number; names: number } {
  const entry = join(root, 'src/index.ts');
  const program = ts.createProgram([entry], { strict: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022 });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  const exports = checker.getExportsOfModule(module);
  const values = exports.filter((symbol) => {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    return (target.flags & ts.SymbolFlags.Value) !== 0;
  });
  return { values: values.length, names: exports.length };
}

const files = sourceFiles(join(root, 'src'));
const bySize = files
  .map((path) => ({ name: relative(root, path), lines: readFileSync(path, 'utf8').split('\n').length }))
  .sort((a, b) => b.lines - a.lines);
const byFunction = files.flatMap(functionsOf).sort((a, b) => b.lines - a.lines);
const builderCasts = files
  .filter((path) => relative(root, path).startsWith('src/builders/'))
  .map(castsOf)
  .reduce((sum, c) => ({ casts: sum.casts + c.casts, lines: sum.lines + c.lines }), { casts: 0, lines: 0 });
const surface = publicSurface();

const metrics = {
  largestFiles: bySize.slice(0, 5),
  largestFunctions: byFunction.slice(0, 8),
  builderCasts,
  rootExports: surface,
};
if (process.argv.includes('--json')) {
  console.log(JSON.stringify(metrics, null, 2));
} else {
  console.log('largest files (lines):');
  for (const f of metrics.largestFiles) console.log(`  ${String(f.lines).padStart(5)}  ${f.name}`);
  console.log('largest functions (lines):');
  for (const f of metrics.largestFunctions) console.log(`  ${String(f.lines).padStart(5)}  ${f.name}`);
  console.log(`\`as\` casts in src/builders: ${builderCasts.casts}, on ${builderCasts.lines} lines`);
  console.log(`root export: ${surface.values} runtime values, ${surface.names} names with the types`);
}
