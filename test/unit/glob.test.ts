// Wildcards as COPY sources and image paths use them (Go's filepath.Match).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { globPattern, hasGlob } from '../../server/src/glob';

const matches = (glob: string, path: string) => globPattern(glob).test(path);

test('*, ? and classes, never across /', () => {
  assert.ok(matches('/app/*.so', '/app/libx.so'));
  assert.ok(!matches('/app/*.so', '/app/sub/libx.so'));
  assert.ok(matches('/bin/?h', '/bin/sh'));
  assert.ok(matches('/lib/lib[cm].so', '/lib/libm.so'));
  assert.ok(!matches('/lib/lib[!cm].so', '/lib/libm.so'));
  assert.ok(matches('/lib/lib[^cm].so', '/lib/libz.so'));
});

test('a ] first in a class is literal; an unclosed [ is literal; regex characters are literal', () => {
  assert.ok(matches('/x[]]y', '/x]y'));
  assert.ok(!matches('/x[]]y', '/xy'));
  assert.ok(matches('/a[b', '/a[b'));
  assert.ok(matches('/a.(b)+', '/a.(b)+'));
  assert.ok(!matches('/a.b', '/axb'));
  assert.ok(hasGlob('/a/*') && hasGlob('/a/[b]') && !hasGlob('/a/b'));
});
