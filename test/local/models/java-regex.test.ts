import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileModelPattern, translateJavaPattern } from '../../../src/local/models/java-regex.js';

const matches = (java: string, value: string) => {
  const js = translateJavaPattern(java);
  assert.ok(js !== undefined, `not translated: ${java}`);
  const re = compileModelPattern(js);
  assert.ok(re, `not compiled: ${js}`);
  return re.test(value);
};

describe('Java model patterns in JavaScript', () => {
  it('keeps patterns both languages read alike, and matches the whole value as Java matches() does', () => {
    assert.equal(translateJavaPattern('[\\.\\-_/#A-Za-z0-9]+'), '[\\.\\-_/#A-Za-z0-9]+');
    assert.equal(matches('[\\.\\-_/#A-Za-z0-9]+', '/ecs/invsys'), true);
    assert.equal(matches('[\\.\\-_/#A-Za-z0-9]+', 'bad name'), false);
    assert.equal(matches('[a-z]+', 'abc1'), false);
  });

  it('Unicode classes and surrogate ranges need the u flag, which the compiled pattern has', () => {
    assert.equal(matches('^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$', 'Prod env: ü 1'), true);
    assert.equal(matches('^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$', 'a*b'), false);
    assert.equal(matches('[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\r\\n\\t]*', 'emoji 😀 ok'), true);
  });

  it('rewrites what differs: \\A \\z, possessive quantifiers, atomic groups, POSIX classes, \\Q…\\E, plain punctuation escapes', () => {
    assert.equal(translateJavaPattern('\\Aab\\z'), '^ab$');
    assert.equal(translateJavaPattern('a*+b++c?+'), 'a*b+c?');
    assert.equal(translateJavaPattern('(?>ab)'), '(?:ab)');
    assert.equal(translateJavaPattern('\\p{Print}+'), '[\\x20-\\x7E]+');
    assert.equal(translateJavaPattern('[\\p{Alnum}_]'), '[A-Za-z0-9_]');
    assert.equal(translateJavaPattern('\\Qa.b\\E'), 'a\\.b');
    assert.equal(translateJavaPattern('a\\:b\\_'), 'a:b_');
    assert.equal(matches('[\\w+=,.@-]+', 'ecsTaskExecutionRole'), true);
    assert.equal(matches('a{2}', 'aa'), true);
    assert.equal(matches('x{y}', 'x{y}'), true);
  });

  it('gives up on what JavaScript cannot express', () => {
    assert.equal(translateJavaPattern('[a-z&&[^e]]'), undefined);
    assert.equal(translateJavaPattern('[a-c[x-z]]'), undefined);
    assert.equal(translateJavaPattern('(?i)abc'), undefined);
    assert.equal(translateJavaPattern('\\p{InGreek}'), undefined);
    assert.equal(translateJavaPattern('\\h+'), undefined);
    assert.equal(translateJavaPattern('[abc'), undefined);
  });
});
