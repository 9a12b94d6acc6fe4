// ELF headers read from a stream: real binaries of this machine (a dynamic program,
// libc, a static-pie program, a Go program when one is installed), synthetic files in
// every class and byte order, string tables out of the usual place, markers split
// across chunks, truncated files.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { ElfScanner, parseElf, PREFIX_CAP } from '../../server/src/image/elf';
import { makeElf } from '../support/image-builders';

function readelf(file: string, args: string[]): string {
  const result = spawnSync('readelf', [...args, file], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout : '';
}

/** DT_NEEDED names as binutils' readelf prints them. */
function readelfNeeded(file: string): string[] {
  return [...readelf(file, ['-dW']).matchAll(/\(NEEDED\)\s+Shared library: \[(.+?)\]/g)].map((match) => match[1]);
}

const hasReadelf = spawnSync('readelf', ['--version']).status === 0;
const firstExisting = (...files: string[]) => files.find((file) => existsSync(file));

describe('real binaries', () => {
  const ls = firstExisting('/bin/ls', '/usr/bin/ls') as string;

  test('a dynamic program: interpreter and needed libraries, the same in any chunking', () => {
    const bytes = readFileSync(ls);
    const info = parseElf(bytes);
    assert.ok(info);
    assert.equal(info.bits, 64);
    assert.equal(info.littleEndian, true);
    assert.match(info.interp ?? '', /^\/lib.*\/ld-linux.*\.so\.\d$/);
    assert.ok(info.needed?.includes('libc.so.6'), JSON.stringify(info.needed));
    assert.equal(info.go, false);
    assert.equal(info.incomplete, undefined);
    if (hasReadelf) assert.deepEqual(info.needed, readelfNeeded(ls));
    for (const size of [1, 7, 64, 4093]) assert.deepEqual(parseElf(bytes, size), info, `chunks of ${size}`);
  });

  test('libc: a shared object with a soname', () => {
    const libc = firstExisting('/lib/x86_64-linux-gnu/libc.so.6', '/usr/lib/x86_64-linux-gnu/libc.so.6', '/lib64/libc.so.6');
    if (!libc) return;
    const info = parseElf(readFileSync(libc));
    assert.equal(info?.soname, 'libc.so.6');
    assert.equal(info?.type, 3);
  });

  test('a static-pie program has no interpreter and needs nothing', { skip: !existsSync('/sbin/ldconfig') && 'no /sbin/ldconfig' }, () => {
    const info = parseElf(readFileSync(realpathSync('/sbin/ldconfig')));
    assert.equal(info?.interp, undefined);
    assert.deepEqual(info?.needed ?? [], []);
  });

  test('a static busybox (scripts/setup.sh --test installs busybox-static)', { skip: !process.env.CI && !existsSync('/bin/busybox') && 'busybox is not installed' }, () => {
    const info = parseElf(readFileSync('/bin/busybox'));
    assert.ok(info);
    if (info.interp === undefined) assert.deepEqual(info.needed ?? [], []);
  });

  const go = firstExisting('/usr/bin/docker', '/usr/bin/containerd', '/usr/local/bin/docker', '/usr/lib/go/bin/go', '/usr/local/go/bin/go');
  test('a Go program that links crypto/tls', { skip: !go && 'no Go program on this machine (the engine tests build one)' }, () => {
    const bytes = readFileSync(go as string);
    const info = parseElf(bytes);
    assert.equal(info?.go, true);
    assert.equal(info?.goTls, true);
    assert.deepEqual(parseElf(bytes, 1021), info, 'markers split across chunks are still found');
  });

  test('every ELF file in /usr/lib/x86_64-linux-gnu agrees with readelf', { skip: !hasReadelf && 'no readelf' }, () => {
    const dir = '/usr/lib/x86_64-linux-gnu';
    if (!existsSync(dir)) return;
    const result = spawnSync('find', [dir, '-maxdepth', '1', '-type', 'f', '-name', '*.so*'], { encoding: 'utf8' });
    const files = result.stdout.split('\n').filter(Boolean).slice(0, 150);
    let compared = 0;
    for (const file of files) {
      const info = parseElf(readFileSync(file));
      if (!info) continue;
      assert.deepEqual(info.needed ?? [], readelfNeeded(file), file);
      compared++;
    }
    assert.ok(compared > 10, `compared ${compared} libraries`);
  });
});

describe('synthetic ELF files', () => {
  for (const bits of [32, 64] as const) {
    for (const littleEndian of [true, false]) {
      test(`${bits}-bit ${littleEndian ? 'little' : 'big'}-endian`, () => {
        const info = parseElf(makeElf({ bits, littleEndian, machine: 183, interp: '/lib/ld-linux-aarch64.so.1', needed: ['libfoo.so.1', 'libc.so.6'], runpath: '$ORIGIN/../lib:/opt/lib', soname: 'libself.so' }));
        assert.deepEqual(info, {
          bits,
          littleEndian,
          type: 2,
          machine: 183,
          interp: '/lib/ld-linux-aarch64.so.1',
          hasDynamic: true,
          needed: ['libfoo.so.1', 'libc.so.6'],
          runpath: ['$ORIGIN/../lib', '/opt/lib'],
          soname: 'libself.so',
          go: false,
          goTls: false,
          goEmbeddedRoots: false,
        });
      });
    }
  }

  test('DT_RPATH is kept apart from DT_RUNPATH', () => {
    const info = parseElf(makeElf({ needed: ['liba.so'], rpath: '/old/style' }));
    assert.deepEqual(info?.rpath, ['/old/style']);
    assert.equal(info?.runpath, undefined);
  });

  test('a string table after the dynamic section (as patchelf leaves it) is still read', () => {
    for (const stringsAt of [5000, PREFIX_CAP + 12345]) {
      const bytes = makeElf({ interp: '/lib64/ld-linux-x86-64.so.2', needed: ['libpatched.so'], stringsAt });
      for (const size of [65536, 1000]) assert.deepEqual(parseElf(bytes, size)?.needed, ['libpatched.so'], `strings at ${stringsAt}, chunks of ${size}`);
    }
  });

  test('a dynamic section far beyond the prefix, the strings early (as in big libraries): the prefix is kept until it passes', () => {
    const bytes = makeElf({ needed: ['libfar.so'], dynamicAt: PREFIX_CAP * 2 });
    assert.deepEqual(parseElf(bytes)?.needed, ['libfar.so']);
  });

  test('strings beyond the prefix and before the dynamic section cannot be read: needed stays unknown', () => {
    const bytes = makeElf({ interp: '/lib/ld.so', needed: ['liblost.so'], dynamicAt: PREFIX_CAP + 300_000, stringsBefore: PREFIX_CAP + 100 });
    const info = parseElf(bytes);
    assert.equal(info?.interp, '/lib/ld.so');
    assert.equal(info?.needed, undefined);
    assert.match(info?.incomplete ?? '', /string table/);
  });

  test('the string table is read where linkers put it, whatever the chunk size', () => {
    const layouts = {
      // Go's linker: text first, then .rodata with .dynstr, then data with .dynamic.
      go: [{ end: 150_000, executable: true }, { end: 250_000, executable: false }, { end: Infinity, executable: false }],
      // GNU ld without separate code, gold: one executable segment with .dynstr before .text.
      'one executable segment': [{ end: 250_000, executable: true }, { end: Infinity, executable: false }],
      // GNU ld and lld with separate code: read-only headers and symbol tables first.
      'separate code': [{ end: 210_000, executable: false }, { end: 250_000, executable: true }, { end: Infinity, executable: false }],
    };
    for (const [name, loads] of Object.entries(layouts)) {
      const bytes = makeElf({ interp: '/lib64/ld-linux-x86-64.so.2', needed: ['libc.so.6'], stringsBefore: 200_000, dynamicAt: 300_000, loads });
      for (const size of [1000, 65536]) assert.deepEqual(parseElf(bytes, size)?.needed, ['libc.so.6'], `${name}, chunks of ${size}`);
    }
  });

  test('bytes where no linker puts the string table are not kept: a table there stays unknown', () => {
    const loads = [{ end: 1000, executable: false }, { end: 250_000, executable: true }, { end: Infinity, executable: false }];
    const info = parseElf(makeElf({ interp: '/lib/ld.so', needed: ['libtext.so'], stringsBefore: 200_000, dynamicAt: 300_000, loads }));
    assert.equal(info?.interp, '/lib/ld.so');
    assert.equal(info?.needed, undefined);
    assert.match(info?.incomplete ?? '', /string table/);
  });

  test('Go markers: build info makes it Go; crypto/tls only counts in a Go program', () => {
    const tls = Buffer.from('....crypto/tls.(*Conn).Handshake....', 'latin1');
    const buildInfo = Buffer.from('\xff Go buildinf:\x08\x02', 'latin1');
    assert.equal(parseElf(makeElf({ tail: tls }))?.goTls, false);
    const go = parseElf(makeElf({ tail: Buffer.concat([tls, buildInfo]) }), 5);
    assert.equal(go?.go, true);
    assert.equal(go?.goTls, true);
    const roots = parseElf(makeElf({ tail: Buffer.concat([tls, buildInfo, Buffer.from('golang.org/x/crypto/x509roots/fallback')]) }), 3);
    assert.equal(roots?.goEmbeddedRoots, true);
  });

  test('not ELF, or cut short: nothing, or what could be read', () => {
    assert.equal(parseElf(Buffer.from('#!/bin/sh\necho not elf\n')), undefined);
    assert.equal(parseElf(Buffer.from('\x7fELF', 'latin1')), undefined);
    const bytes = makeElf({ interp: '/lib/ld.so', needed: ['liba.so'] });
    const cut = parseElf(bytes.subarray(0, 200));
    assert.equal(cut?.needed, undefined, 'the string table never came');
    assert.ok(cut?.incomplete);
  });

  test('hostile program headers are refused, not trusted', () => {
    const bytes = makeElf({ interp: '/lib/ld.so' });
    bytes.writeUInt16LE(0xffff, 56); // e_phnum
    assert.equal(parseElf(bytes), undefined);
    const scanner = new ElfScanner();
    scanner.data(Buffer.alloc(10));
    assert.equal(scanner.finish(), undefined);
  });
});
