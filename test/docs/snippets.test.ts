import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;

/** Every ```ts block of README.md and docs/*.md, with where it came from. */
function snippets(): { file: string; line: number; code: string }[] {
  const docs = existsSync(join(root, 'docs')) ? readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`) : [];
  return ['README.md', ...docs].flatMap((file) => {
    const text = readFileSync(join(root, file), 'utf8');
    const out: { file: string; line: number; code: string }[] = [];
    const fence = /^```(ts|typescript)\n([\s\S]*?)^```$/gm;
    for (let m; (m = fence.exec(text)); ) out.push({ file, line: text.slice(0, m.index).split('\n').length, code: m[2]! });
    return out;
  });
}

test('every TypeScript snippet in the README and the guides type-checks against the built package', async () => {
  for (const entry of ['dist/index.d.ts', 'dist/local/index.d.ts']) {
    assert.ok(existsSync(join(root, entry)), `${entry} is missing: run npm run build (npm install runs it)`);
  }
  const found = snippets();
  assert.ok(found.length >= 5, `expected snippets in README.md, found ${found.length}`);
  const dir = join(root, 'node_modules', '.cache', 'ecskit-snippets');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const names = found.map((s, i) => {
    const name = `snippet-${String(i).padStart(3, '0')}.ts`;
    // A module of its own, so names may repeat across snippets and top-level await works.
    writeFileSync(join(dir, name), `// ${s.file}:${s.line}\n${s.code}\nexport {};\n`);
    return name;
  });
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: '../../../tsconfig.json',
      // The built package's declarations, as a user's project sees them.
      compilerOptions: { noUnusedLocals: false, baseUrl: '../../..', paths: { ecskit: ['dist/index.d.ts'], 'ecskit/local': ['dist/local/index.d.ts'] } },
      include: names,
      exclude: [],
    }),
  );
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const output = await new Promise<string>((resolve) =>
    execFile(process.execPath, [tsc, '--noEmit', '-p', join(dir, 'tsconfig.json')], { cwd: root }, (_error, stdout, stderr) =>
      resolve(`${stdout}${stderr}`),
    ),
  );
  // Map snippet file errors back to the document and line they came from.
  const errors = output
    .split('\n')
    .filter((l) => /error TS/.test(l))
    .map((l) => {
      const m = /snippet-(\d+)\.ts\((\d+),\d+\)/.exec(l);
      if (!m) return l;
      const s = found[Number(m[1])]!;
      return `${s.file}:${s.line + Number(m[2]) - 1}: ${l.replace(/^.*error /, 'error ')}`;
    });
  assert.deepEqual(errors, [], errors.join('\n'));
});
