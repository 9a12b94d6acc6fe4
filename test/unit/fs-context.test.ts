// The build context on disk: listing (skips, .dockerignore with exceptions and **),
// caps, lazy cached reads, invalidation, overlays, symbolic links.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { contextPath } from '../../server/src/context/build-context';
import { isIgnored, parseDockerignore } from '../../server/src/context/dockerignore';
import { ContextTree, contextRoot, dockerfileDirIn, fsBuildContext } from '../../server/src/context/fs-context';

const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'slim-context-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe('listing', () => {
  test('every file, relative with forward slashes, sorted; .git and node_modules skipped', () => {
    const dir = folder({ 'Dockerfile': 'FROM a', 'main.go': 'package main', 'pkg/net/net.go': 'package net', '.git/HEAD': 'x', 'node_modules/x/index.js': 'x', 'web/node_modules/y.js': 'y', '.hidden/file': 'h' });
    assert.deepEqual(new ContextTree(dir).files(), ['.hidden/file', 'Dockerfile', 'main.go', 'pkg/net/net.go']);
  });

  test('a missing folder is an empty context', () => {
    const tree = new ContextTree(path.join(os.tmpdir(), 'slim-context-does-not-exist'));
    assert.deepEqual(tree.files(), []);
    assert.equal(tree.readFile('main.go'), undefined);
  });

  test('listing is cached: a new file shows after invalidate(), not before', () => {
    const dir = folder({ 'a.go': 'package a' });
    const tree = new ContextTree(dir);
    const first = tree.files();
    writeFileSync(path.join(dir, 'b.go'), 'package b');
    assert.equal(tree.files(), first, 'the same array until invalidated');
    tree.invalidate(path.join(dir, 'b.go'), true);
    assert.deepEqual(tree.files(), ['a.go'], 'a content-only change keeps the listing');
    tree.invalidate(path.join(dir, 'b.go'));
    assert.deepEqual(tree.files(), ['a.go', 'b.go']);
  });

  test('at most maxFiles files, and the cap is logged once', () => {
    const files = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${String(i).padStart(2, '0')}.go`, 'x']));
    const logs: string[] = [];
    const tree = new ContextTree(folder(files), { maxFiles: 10, log: (m) => logs.push(m) });
    assert.equal(tree.files().length, 10);
    tree.invalidate();
    assert.equal(tree.files().length, 10);
    assert.equal(logs.length, 1);
    assert.match(logs[0], /more than 10 files/);
  });

  test('symbolic links: files inside the root count, outside ones and linked folders do not', () => {
    const outside = folder({ 'secret.go': 'package secret' });
    const dir = folder({ 'main.go': 'package main', 'pkg/a.go': 'package a' });
    symlinkSync(path.join(dir, 'main.go'), path.join(dir, 'alias.go'));
    symlinkSync(path.join(outside, 'secret.go'), path.join(dir, 'secret.go'));
    symlinkSync(path.join(dir, 'pkg'), path.join(dir, 'loop'));
    symlinkSync(path.join(dir, 'nowhere.go'), path.join(dir, 'dangling.go'));
    const tree = new ContextTree(dir);
    assert.deepEqual(tree.files(), ['alias.go', 'main.go', 'pkg/a.go']);
    assert.equal(tree.readFile('alias.go'), 'package main');
    assert.equal(tree.readFile('secret.go'), undefined, 'never read through a link leaving the root');
    assert.equal(tree.readFile('dangling.go'), undefined);
  });
});

describe('.dockerignore', () => {
  test('patterns, folders, ** and ! exceptions (the last match wins)', () => {
    const dir = folder({
      '.dockerignore': '# comment\n\n*.md\n!README.md\nbuild\n**/*.tmp\ndocs/**\n!docs/keep.txt\n/vendor/\n  \n',
      'README.md': 'r',
      'NOTES.md': 'n',
      'main.go': 'm',
      'build/out': 'o',
      'a/b/c.tmp': 't',
      'c.tmp': 't',
      'docs/x.txt': 'x',
      'docs/keep.txt': 'k',
      'vendor/v.go': 'v',
      'src/vendor/v.go': 'v',
    });
    assert.deepEqual(new ContextTree(dir).files(), ['.dockerignore', 'README.md', 'docs/keep.txt', 'main.go', 'src/vendor/v.go']);
  });

  test('an ignored file is not readable either; contains() agrees', () => {
    const dir = folder({ '.dockerignore': 'secret.go\nbuild/\n', 'secret.go': 's', 'build/x.go': 'x', 'main.go': 'm' });
    const tree = new ContextTree(dir);
    assert.equal(tree.readFile('secret.go'), undefined);
    assert.equal(tree.readFile('build/x.go'), undefined);
    assert.equal(tree.readFile('main.go'), 'm');
    assert.equal(tree.contains(path.join(dir, 'secret.go')), false);
    assert.equal(tree.contains(path.join(dir, 'main.go')), true);
    assert.equal(tree.contains(path.join(dir, 'new.go')), true, 'a file not there yet would be part of it');
    assert.equal(tree.contains(path.join(dir, '.dockerignore')), true, 'its changes matter');
    assert.equal(tree.contains(path.join(path.dirname(dir), 'elsewhere.go')), false);
  });

  test('a folder excluded with no exception inside it is not walked, as Docker does', () => {
    const dir = folder({ '.dockerignore': '*\n!src/main.go\n!**/*.c\n', 'src/main.go': 'm', 'src/util.go': 'u', 'lib/x.c': 'c', 'y.c': 'c' });
    // `!**/*.c` re-includes y.c at the root, but Docker never walks `lib` (no exception starts with it).
    assert.deepEqual(new ContextTree(dir).files(), ['src/main.go', 'y.c']);
  });

  test('changing .dockerignore forgets everything', () => {
    const dir = folder({ '.dockerignore': 'a.go\n', 'a.go': 'a', 'b.go': 'b' });
    const tree = new ContextTree(dir);
    assert.deepEqual(tree.files(), ['.dockerignore', 'b.go']);
    writeFileSync(path.join(dir, '.dockerignore'), 'b.go\n');
    tree.invalidate(path.join(dir, '.dockerignore'), true);
    assert.deepEqual(tree.files(), ['.dockerignore', 'a.go']);
    assert.equal(tree.readFile('a.go'), 'a');
  });

  test('the matcher on its own: ?, [classes], escapes, leading / and ./', () => {
    const ignored = (patterns: string, file: string) => isIgnored(parseDockerignore(patterns), file);
    assert.equal(ignored('file?.go', 'file1.go'), true);
    assert.equal(ignored('file?.go', 'file10.go'), false);
    assert.equal(ignored('[a-c].go', 'b.go'), true);
    assert.equal(ignored('[a-c].go', 'd.go'), false);
    assert.equal(ignored('[^a-c].go', 'd.go'), true);
    assert.equal(ignored('\\*.go', '*.go'), true);
    assert.equal(ignored('\\*.go', 'a.go'), false);
    assert.equal(ignored('/cmd', 'cmd/main.go'), true);
    assert.equal(ignored('./cmd/', 'cmd/main.go'), true);
    assert.equal(ignored('*.go', 'pkg/a.go'), false, '* does not cross /');
    assert.equal(ignored('**/*.go', 'a.go'), true, '** spans zero folders too');
    assert.equal(ignored('a/**/b', 'a/x/y/b'), true);
    assert.equal(ignored('\ufeff# c\n!x', 'x'), false);
  });
});

describe('reading', () => {
  test('lazy and cached until the file is invalidated', () => {
    const dir = folder({ 'main.go': 'v1' });
    const tree = new ContextTree(dir);
    assert.equal(tree.readFile('main.go'), 'v1');
    writeFileSync(path.join(dir, 'main.go'), 'v2');
    assert.equal(tree.readFile('main.go'), 'v1', 'cached');
    tree.invalidate(path.join(dir, 'main.go'), true);
    assert.equal(tree.readFile('main.go'), 'v2');
    writeFileSync(path.join(dir, 'main.go'), 'v3');
    tree.invalidate(dir + path.sep + 'other.go', true);
    assert.equal(tree.readFile('main.go'), 'v2', 'another file changing does not matter');
    tree.invalidate();
    assert.equal(tree.readFile('main.go'), 'v3');
  });

  test('the cache is bounded: the oldest texts are forgotten (and read again when needed)', () => {
    const dir = folder({ 'a.go': 'aaaaaa', 'b.go': 'bbbbbb' });
    const tree = new ContextTree(dir, { maxCachedCharacters: 10 });
    assert.equal(tree.readFile('a.go'), 'aaaaaa');
    assert.equal(tree.readFile('b.go'), 'bbbbbb');
    writeFileSync(path.join(dir, 'a.go'), 'AAAAAA');
    writeFileSync(path.join(dir, 'b.go'), 'BBBBBB');
    assert.equal(tree.readFile('b.go'), 'bbbbbb', 'the newest stays cached');
    assert.equal(tree.readFile('a.go'), 'AAAAAA', 'the oldest was forgotten');
  });

  test('invalidating a folder forgets the files under it', () => {
    const dir = folder({ 'pkg/a.go': 'a1' });
    const tree = new ContextTree(dir);
    assert.equal(tree.readFile('pkg/a.go'), 'a1');
    writeFileSync(path.join(dir, 'pkg/a.go'), 'a2');
    tree.invalidate(path.join(dir, 'pkg'));
    assert.equal(tree.readFile('pkg/a.go'), 'a2');
  });

  test('files above the size cap, folders, paths leaving the root and unreadable files are undefined', () => {
    const dir = folder({ 'big.go': 'x'.repeat(2000), 'small.go': 's', 'pkg/a.go': 'a' });
    const tree = new ContextTree(dir, { maxFileBytes: 1000 });
    assert.equal(tree.readFile('big.go'), undefined);
    assert.equal(tree.readFile('small.go'), 's');
    assert.equal(tree.readFile('pkg'), undefined);
    assert.equal(tree.readFile('../outside.go'), undefined);
    assert.equal(tree.readFile('pkg/../../outside.go'), undefined);
    assert.equal(tree.readFile('./pkg/../small.go'), 's', 'normalised');
    assert.equal(tree.readFile(''), undefined);
    if (process.getuid?.() !== 0) {
      chmodSync(path.join(dir, 'pkg/a.go'), 0o000);
      assert.equal(tree.readFile('pkg/a.go'), undefined);
    }
  });

  test('a byte order mark is dropped (editors drop it too, so positions agree)', () => {
    const tree = new ContextTree(folder({ 'Makefile': '\ufeffall:\n\tgo build\n' }));
    assert.equal(tree.readFile('Makefile'), 'all:\n\tgo build\n');
  });

  test('an overlay (an unsaved editor buffer) wins over the disk, but not over .dockerignore', () => {
    const dir = folder({ '.dockerignore': 'ignored.go\n', 'main.go': 'disk', 'ignored.go': 'disk' });
    const buffers = new Map([[path.join(dir, 'main.go'), 'buffer'], [path.join(dir, 'ignored.go'), 'buffer']]);
    const tree = new ContextTree(dir, { overlay: (absolute) => buffers.get(absolute) });
    assert.equal(tree.readFile('main.go'), 'buffer');
    assert.equal(tree.readFile('ignored.go'), undefined);
    buffers.delete(path.join(dir, 'main.go'));
    assert.equal(tree.readFile('main.go'), 'disk', 'the buffer closed: the disk again');
  });
});

describe('a Dockerfile in its context', () => {
  test('context = the Dockerfile folder joined with the configured context', () => {
    assert.equal(contextRoot('/p/app/Dockerfile'), '/p/app');
    assert.equal(contextRoot('/p/app/Dockerfile', '..'), '/p');
    assert.equal(contextRoot('/p/app/Dockerfile', '/abs'), '/abs');
    assert.equal(dockerfileDirIn('/p', '/p/app/docker/Dockerfile'), 'app/docker');
    assert.equal(dockerfileDirIn('/p/app', '/p/app/Dockerfile'), '');
  });

  test('paths relative to the Dockerfile reach files of a parent context', () => {
    const dir = folder({ 'go.mod': 'module x\n', 'build/Dockerfile': 'FROM a', 'Makefile': 'all:\n' });
    const context = fsBuildContext(path.join(dir, 'build/Dockerfile'), '..');
    assert.equal(context.root, dir);
    assert.equal(context.dockerfileDir, 'build');
    assert.equal(context.readFile(contextPath(context, '../Makefile')), 'all:\n');
    assert.equal(context.absoluteFromDockerfile('../Makefile'), path.join(dir, 'Makefile'));
    assert.deepEqual(context.files(), ['Makefile', 'build/Dockerfile', 'go.mod']);
  });
});
