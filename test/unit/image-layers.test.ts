// Applying layers as the engines do: whiteouts, opaque directories, replacements,
// hard and symbolic links, and the bytes a later layer wastes. Layers are synthetic
// tars made in the test and read through LayerReader, as the inspector reads them.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { LayerReader } from '../../server/src/image/archive';
import { ImageFs, MAX_SYMLINK_HOPS, type LayerEntry } from '../../server/src/image/layers';
import { chunked, makeElf, makeTar, type TarSpec } from '../support/image-builders';

function layer(entries: TarSpec[], chunkSizes: number[] = [65536]): LayerEntry[] {
  const reader = new LayerReader();
  const tar = makeTar(entries);
  let at = 0;
  let i = 0;
  while (at < tar.length) {
    const size = chunkSizes[i++ % chunkSizes.length];
    reader.write(tar.subarray(at, at + size));
    at += size;
  }
  reader.end();
  return reader.entries;
}

function image(...layers: TarSpec[][]): ImageFs {
  const fs = new ImageFs();
  layers.forEach((entries, index) => fs.applyLayer(index, layer(entries)));
  return fs;
}

const paths = (fs: ImageFs) => [...fs.files()].map(([path]) => path).sort();
const MB = 1 << 20;

describe('layer entries', () => {
  test('whiteouts and opaque markers become entries; aufs bookkeeping is dropped', () => {
    const entries = layer([
      { name: 'etc/.wh.hosts', data: '' },
      { name: 'var/cache/.wh..wh..opq', data: '' },
      { name: '.wh..wh.plnk/', type: 'dir' },
      { name: 'usr/bin/app', data: 'x' },
    ]);
    assert.deepEqual(
      entries.map((entry) => [entry.kind, entry.path]),
      [
        ['whiteout', '/etc/hosts'],
        ['opaque', '/var/cache'],
        ['file', '/usr/bin/app'],
      ],
    );
  });

  test('config files keep their text; executable scripts their #! line; ELF files their headers, however the data is chunked', () => {
    const elf = makeElf({ interp: '/lib/ld-musl-x86_64.so.1', needed: ['libc.musl-x86_64.so.1'] });
    for (const sizes of [[65536], [1], [3, 5, 700]]) {
      const entries = layer(
        [
          { name: './etc/passwd', data: 'root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n' },
          { name: './usr/local/bin/start', data: '#!/bin/bash -e\r\necho hi\n', mode: 0o755 },
          { name: './usr/local/share/notes', data: '#!/not/a/script\n', mode: 0o644 },
          { name: './app', data: elf, mode: 0o755 },
        ],
        sizes,
      );
      const byPath = new Map(entries.map((entry) => [entry.path, entry]));
      assert.match(byPath.get('/etc/passwd')?.data?.text ?? '', /^app:x:1000/m);
      assert.equal(byPath.get('/usr/local/bin/start')?.data?.shebang, '/bin/bash -e');
      assert.equal(byPath.get('/usr/local/share/notes')?.data, undefined, 'a non-executable file is not a script');
      assert.equal(byPath.get('/app')?.data?.elf?.interp, '/lib/ld-musl-x86_64.so.1');
      assert.deepEqual(byPath.get('/app')?.data?.elf?.needed, ['libc.musl-x86_64.so.1']);
    }
  });
});

describe('applying layers', () => {
  test('a whiteout deletes from the layers below; the bytes stay as waste', () => {
    const fs = image(
      [
        { name: 'a/x', data: Buffer.alloc(2 * MB) },
        { name: 'a/y', data: 'y' },
      ],
      [{ name: 'a/.wh.x', data: '' }],
    );
    assert.deepEqual(paths(fs), ['/a/y']);
    assert.equal(fs.deleted.get('/a/x'), 1);
    assert.deepEqual(fs.waste.get(0), { layer: 0, bytes: 2 * MB, files: 1, top: [{ path: '/a/x', size: 2 * MB, by: 1, how: 'deleted' }] });
  });

  test('a whiteout hides only lower layers: the same layer may add the name again', () => {
    const fs = image([{ name: 'a/x', data: 'old' }], [{ name: 'a/x', data: 'new!' }, { name: 'a/.wh.x', data: '' }]);
    assert.deepEqual(paths(fs), ['/a/x']);
    assert.equal(fs.file('/a/x')?.node.size, 4);
    assert.equal(fs.file('/a/x')?.node.layer, 1);
  });

  test('a whiteout of a directory deletes its whole tree', () => {
    const fs = image([{ name: 'var/lib/apt/lists/a', data: Buffer.alloc(MB) }, { name: 'var/lib/apt/lists/b', data: Buffer.alloc(MB) }, { name: 'var/lib/keep', data: 'k' }], [{ name: 'var/lib/apt/.wh.lists', data: '' }]);
    assert.deepEqual(paths(fs), ['/var/lib/keep']);
    assert.equal(fs.waste.get(0)?.bytes, 2 * MB);
    assert.equal(fs.waste.get(0)?.files, 2);
  });

  test('an opaque directory drops everything below it, keeps what its own layer adds', () => {
    const fs = image(
      [{ name: 'd/old', data: 'o' }, { name: 'd/sub/old2', data: 'o2' }, { name: 'e/stay', data: 's' }],
      [{ name: 'd/', type: 'dir' }, { name: 'd/.wh..wh..opq', data: '' }, { name: 'd/new', data: 'n' }],
    );
    assert.deepEqual(paths(fs), ['/d/new', '/e/stay']);
    assert.equal(fs.deleted.get('/d/sub/old2'), 1);
  });

  test('replacing: a file over a file (overwritten), a file over a directory tree, a directory over a file', () => {
    const fs = image(
      [{ name: 'f', data: Buffer.alloc(3 * MB) }, { name: 't/deep/file', data: Buffer.alloc(MB) }, { name: 'x', data: 'file' }],
      [{ name: 'f', data: 'small' }, { name: 't', data: 'now a file' }, { name: 'x/inside', data: 'now a dir' }],
    );
    assert.deepEqual(paths(fs), ['/f', '/t', '/x/inside']);
    const waste = fs.waste.get(0);
    assert.equal(waste?.bytes, 4 * MB + 4);
    assert.deepEqual(
      waste?.top.map((file) => [file.path, file.how]),
      [
        ['/f', 'overwritten'],
        ['/t/deep/file', 'overwritten'],
        ['/x', 'overwritten'],
      ],
    );
  });

  test('a directory over a directory merges; re-declared directories waste nothing', () => {
    const fs = image([{ name: 'usr/', type: 'dir' }, { name: 'usr/a', data: 'a' }], [{ name: 'usr/', type: 'dir', mode: 0o700 }, { name: 'usr/b', data: 'b' }]);
    assert.deepEqual(paths(fs), ['/usr/a', '/usr/b']);
    assert.equal(fs.waste.size, 0);
    assert.equal(fs.resolve('/usr')?.node.kind, 'dir');
  });

  test('only the largest wasted files are kept, largest first', () => {
    const fs = image(
      Array.from({ length: 8 }, (_, i) => ({ name: `w/${i}`, data: Buffer.alloc((i + 1) * 1000) })),
      [{ name: '.wh.w', data: '' }],
    );
    assert.deepEqual(
      fs.waste.get(0)?.top.map((file) => file.path),
      ['/w/7', '/w/6', '/w/5', '/w/4', '/w/3'],
    );
    assert.equal(fs.waste.get(0)?.files, 8);
  });

  test('a hard link shares its target\'s data and counts no bytes of its own', () => {
    const elf = makeElf({ type: 2 });
    const fs = image([{ name: 'bin/busybox', data: elf, mode: 0o755 }, { name: 'bin/sh', type: 'hardlink', linkname: 'bin/busybox' }], [{ name: 'bin/.wh.sh', data: '' }]);
    assert.equal(fs.file('/bin/busybox')?.node.data.elf?.bits, 64);
    assert.deepEqual(paths(fs), ['/bin/busybox']);
    assert.equal(fs.waste.size, 0, 'deleting the link frees nothing');
    const linked = image([{ name: 'bin/busybox', data: elf, mode: 0o755 }, { name: 'bin/sh', type: 'hardlink', linkname: './bin/busybox' }]);
    assert.equal(linked.file('/bin/sh')?.node.data.elf?.bits, 64);
    assert.equal(linked.file('/bin/sh')?.node.mode, 0o755);
    assert.equal(linked.file('/bin/sh')?.node.size, 0);
  });

  test('a path through a lower-layer link: the upper layer\'s directory replaces the link', () => {
    const fs = image([{ name: 'lib', type: 'symlink', linkname: 'usr/lib' }, { name: 'usr/lib/libc.so', data: 'c' }], [{ name: 'lib/extra.so', data: 'e' }]);
    assert.equal(fs.resolve('/lib', false)?.node.kind, 'dir');
    assert.ok(fs.file('/lib/extra.so'));
    assert.equal(fs.file('/lib/libc.so'), undefined);
  });
});

describe('symbolic links', () => {
  const fs = image([
    { name: 'usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', data: 'loader' },
    { name: 'usr/lib64', type: 'symlink', linkname: '/usr/lib/x86_64-linux-gnu' },
    { name: 'lib64', type: 'symlink', linkname: 'usr/lib64' },
    { name: 'lib', type: 'symlink', linkname: 'usr/lib' },
    { name: 'bin', type: 'symlink', linkname: 'usr/bin' },
    { name: 'usr/bin/busybox', data: 'bb', mode: 0o755 },
    { name: 'usr/bin/sh', type: 'symlink', linkname: 'busybox' },
    { name: 'up', type: 'symlink', linkname: '../../../../usr/bin/sh' },
    { name: 'loop-a', type: 'symlink', linkname: 'loop-b' },
    { name: 'loop-b', type: 'symlink', linkname: '/loop-a' },
    { name: 'empty', type: 'symlink', linkname: '' },
    { name: 'through-file', type: 'symlink', linkname: 'usr/bin/busybox/x' },
    { name: 'dotdot', type: 'symlink', linkname: 'lib64/../bin/busybox' },
    ...Array.from({ length: MAX_SYMLINK_HOPS + 1 }, (_, i) => ({ name: `chain/${i}`, type: 'symlink' as const, linkname: i === MAX_SYMLINK_HOPS ? '/usr/bin/busybox' : `${i + 1}` })),
  ]);

  test('relative and absolute targets, in directories and at the end', () => {
    assert.equal(fs.file('/lib64/ld-linux-x86-64.so.2')?.path, '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2');
    assert.equal(fs.file('/bin/sh')?.path, '/usr/bin/busybox');
    assert.equal(fs.resolve('/bin/sh', false)?.path, '/usr/bin/sh');
    assert.equal(fs.resolve('/bin/sh', false)?.node.kind, 'symlink');
  });

  test('`..` above the root stays at the root; `..` after a link is taken from where the link led', () => {
    assert.equal(fs.file('/up')?.path, '/usr/bin/busybox');
    // lib64 -> usr/lib64 -> /usr/lib/x86_64-linux-gnu; its parent is /usr/lib, so ../bin is /usr/lib/bin.
    assert.equal(fs.file('/dotdot'), undefined);
  });

  test('loops, empty targets and paths through files resolve to nothing', () => {
    assert.equal(fs.resolve('/loop-a'), undefined);
    assert.equal(fs.resolve('/empty'), undefined);
    assert.equal(fs.resolve('/through-file'), undefined);
  });

  test(`at most ${MAX_SYMLINK_HOPS} links per lookup, as Linux`, () => {
    assert.equal(fs.file('/chain/1')?.path, '/usr/bin/busybox');
    assert.equal(fs.resolve('/chain/0'), undefined);
  });

  test('list() follows links to the directory', () => {
    assert.deepEqual([...(fs.list('/bin') ?? new Map()).keys()].sort(), ['busybox', 'sh']);
  });
});

test('chunked() helper feeds every byte, each chunk valid only until the next is asked for', async () => {
  const parts: string[] = [];
  const kept: Buffer[] = [];
  for await (const chunk of chunked(Buffer.from('abcdefg'), [2, 3])) {
    parts.push(String(chunk));
    kept.push(chunk);
  }
  assert.deepEqual(parts, ['ab', 'cde', 'fg']);
  assert.deepEqual(kept.map(String), ['\xee\xee', '\xee\xee\xee', '\xee\xee'].map((text) => Buffer.from(text, 'latin1').toString()));
});
