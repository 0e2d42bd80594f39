import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bareImports, isBuiltin, packageOf } from '../../scripts/check-imports.ts';

test('packageOf names the package of a bare specifier, nothing for paths, URLs and esbuild helpers', () => {
  assert.equal(packageOf('yaml'), 'yaml');
  assert.equal(packageOf('@smithy/signature-v4'), '@smithy/signature-v4');
  assert.equal(packageOf('@aws-sdk/client-ecs/dist-cjs/index.js'), '@aws-sdk/client-ecs');
  assert.equal(packageOf('p-retry/x'), 'p-retry');
  for (const path of ['./a.js', '../b.js', '/abs.js', 'file:///x.js', 'data:text/javascript,1', '<runtime>']) assert.equal(packageOf(path), undefined, path);
  assert.ok(isBuiltin('node:fs') && isBuiltin('fs') && isBuiltin('fs/promises') && isBuiltin('child_process'));
  assert.ok(!isBuiltin('yaml') && !isBuiltin('fsx'));
});

test('bareImports finds static, re-exported, dynamic and required packages in built files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'check-imports-'));
  try {
    const file = join(dir, 'entry.js');
    writeFileSync(
      file,
      [
        "import { a } from 'static-pkg';",
        "export * from '@scope/reexported/sub';",
        "import { readFileSync } from 'node:fs';",
        "import 'fs/promises';",
        "const lazy = () => import('dynamic-pkg');",
        "import { createRequire } from 'node:module';",
        "const require = createRequire(import.meta.url);",
        "export const b = () => require('required-pkg');",
        'export { a, lazy, readFileSync };',
      ].join('\n'),
    );
    const found = await bareImports([file]);
    assert.deepEqual([...found.keys()].sort(), ['@scope/reexported', 'dynamic-pkg', 'required-pkg', 'static-pkg']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
