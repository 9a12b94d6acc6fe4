// The streaming tar reader: real GNU tar output in its three formats, synthetic
// archives, chunk boundaries anywhere, hostile names, corrupt and truncated input.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, linkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parsePax, TarError, TarParser, type TarHeader } from '../../server/src/image/tar';
import { displayPath, normalizePath, displayText, decodeUtf8, toBytePath } from '../../server/src/image/names';
import { chunked, makeTar } from '../support/image-builders';

interface Read {
  header: TarHeader;
  data: Buffer;
}

/** Parses BUFFER fed in chunks of the given sizes; collects every entry and its data. */
async function readAll(buffer: Buffer, sizes: number[] = [65536]): Promise<Read[]> {
  const entries: Read[] = [];
  const parser = new TarParser((header) => {
    const parts: Buffer[] = [];
    const entry = { header, data: Buffer.alloc(0) };
    entries.push(entry);
    return { data: (chunk) => void parts.push(Buffer.from(chunk)), end: () => void (entry.data = Buffer.concat(parts)) };
  });
  for await (const chunk of chunked(buffer, sizes)) await parser.write(chunk);
  parser.end();
  return entries;
}

const LONG = `${'directory-with-a-long-name/'.repeat(6)}file-at-the-end.txt`;

describe('GNU tar output', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'slim-tar-'));
  const root = path.join(dir, 'root');
  mkdirSync(path.join(root, path.dirname(LONG)), { recursive: true });
  writeFileSync(path.join(root, LONG), 'long name\n');
  writeFileSync(path.join(root, 'héllo wörld.txt'), 'utf-8 name\n');
  writeFileSync(path.join(root, 'big.bin'), Buffer.alloc(70_000, 7));
  symlinkSync(`../${LONG}`, path.join(root, 'directory-with-a-long-name', 'link-to-long'));
  linkSync(path.join(root, 'big.bin'), path.join(root, 'hard.bin'));

  for (const format of ['gnu', 'pax', 'ustar']) {
    test(`${format} format: names, links, sizes and data`, async () => {
      // ustar has no way to write a link target over 100 bytes.
      const exclude = format === 'ustar' ? ['--exclude=link-to-long'] : [];
      const result = spawnSync('tar', [`--format=${format}`, '--sort=name', ...exclude, '-C', root, '-cf', '-', '.'], { maxBuffer: 1 << 26 });
      assert.equal(result.status, 0, result.stderr?.toString());
      for (const sizes of [[65536], [1], [511, 513, 7]]) {
        const entries = await readAll(result.stdout, sizes);
        const byName = new Map(entries.map((entry) => [normalizePath(entry.header.name), entry]));
        assert.equal(byName.get(`/${LONG}`)?.data.toString(), 'long name\n', `long name (${format}, chunks ${sizes})`);
        assert.equal(decodeUtf8(normalizePath(entries.find((e) => e.header.name.includes('llo'))!.header.name)), '/héllo wörld.txt');
        assert.equal(byName.get('/big.bin')?.data.length, 70_000);
        const hard = byName.get('/hard.bin') ?? byName.get('/big.bin');
        assert.ok(hard);
        if (format !== 'ustar') {
          const link = byName.get('/directory-with-a-long-name/link-to-long');
          assert.equal(link?.header.type, 'symlink');
          assert.equal(link?.header.linkname, `../${LONG}`);
        }
        const hardLink = entries.find((entry) => entry.header.type === 'hardlink');
        assert.ok(hardLink, 'GNU tar writes the second name of a hard link as a link entry');
        assert.equal(hardLink.data.length, 0);
      }
    });
  }

  test('cleanup', () => rmSync(dir, { recursive: true, force: true }));
});

describe('synthetic archives', () => {
  test('GNU long names and long link targets', async () => {
    const target = 't/'.repeat(80) + 'target';
    const entries = await readAll(makeTar([{ name: LONG, data: 'x', long: 'gnu' }, { name: 'l', type: 'symlink', linkname: target, long: 'gnu' }]));
    assert.deepEqual(entries.map((e) => e.header.name), [LONG, 'l']);
    assert.equal(entries[1].header.linkname, target);
  });

  test('PAX path, linkpath and size override the header', async () => {
    const data = Buffer.alloc(1000, 1);
    const entries = await readAll(makeTar([{ name: 'short', data, pax: { path: 'from/pax', size: '1000' }, headerSize: 0 }, { name: 'after', data: 'ok' }]));
    assert.equal(entries[0].header.name, 'from/pax');
    assert.equal(entries[0].data.length, 1000);
    assert.equal(entries[1].data.toString(), 'ok');
  });

  test('the ustar prefix field', async () => {
    const entries = await readAll(makeTar([{ name: LONG, data: 'p', long: 'prefix' }]));
    assert.equal(entries[0].header.name, LONG);
  });

  test('header-only types carry no data even with a size field', async () => {
    const entries = await readAll(makeTar([{ name: 'd/', type: 'dir', headerSize: 5 }, { name: 'f', data: 'after' }]));
    assert.equal(entries[1].data.toString(), 'after');
  });

  test('a sink that waits pauses the archive and sees every byte in order', async () => {
    const data = Buffer.from([...Array(5000).keys()].map((i) => i % 251));
    const tar = makeTar([{ name: 'a', data }, { name: 'b', data: 'bee' }]);
    const seen: Buffer[] = [];
    let ended = 0;
    const parser = new TarParser(() => ({
      data: async (chunk) => {
        await new Promise((resolve) => setImmediate(resolve));
        seen.push(Buffer.from(chunk));
      },
      end: async () => void ended++,
    }));
    for await (const chunk of chunked(tar, [700, 3])) await parser.write(chunk);
    parser.end();
    assert.equal(ended, 2);
    assert.deepEqual(Buffer.concat(seen), Buffer.concat([data, Buffer.from('bee')]));
  });

  test('parsePax stops at a malformed record', () => {
    const records = parsePax(Buffer.from('13 path=abcd\n99 path=too-long\n'));
    assert.equal(records.get('path'), 'abcd');
  });
});

describe('hostile names', () => {
  const names = [
    Buffer.from('../../etc/passwd'),
    Buffer.from('a\nb'),
    Buffer.from('esc\x1b[31mred'),
    Buffer.from([0x62, 0x61, 0x64, 0xff, 0xfe]),
    Buffer.from('bidi\u202egnp.exe'),
    Buffer.from('back\\slash'),
  ];

  test('names keep their exact bytes through the reader', async () => {
    const entries = await readAll(makeTar(names.map((name) => ({ name, data: 'x' }))));
    assert.deepEqual(entries.map((entry) => Buffer.from(entry.header.name, 'latin1')), names);
  });

  test('`..` never climbs above the image root', () => {
    assert.equal(normalizePath('../../etc/passwd'), '/etc/passwd');
    assert.equal(normalizePath('./a/./b/../../../c/'), '/c');
    assert.equal(normalizePath(''), '/');
  });

  test('display escapes control characters, bidi overrides, bad UTF-8 and backslashes, one line', () => {
    const shown = names.map((name) => displayPath(name.toString('latin1')));
    assert.deepEqual(shown, ['../../etc/passwd', 'a\\nb', 'esc\\x1b[31mred', 'bad\\xff\\xfe', 'bidi\\u{202e}gnp.exe', 'back\\\\slash']);
    for (const text of shown) assert.doesNotMatch(text, /[\x00-\x1f\x7f\u202e]/);
    assert.equal(displayPath(toBytePath('wörld ✓')), 'wörld ✓');
    assert.equal(displayText('tab\there'), 'tab\\there');
    // Overlong and surrogate encodings are not UTF-8.
    assert.equal(displayPath(Buffer.from([0xc0, 0xaf]).toString('latin1')), '\\xc0\\xaf');
    assert.equal(displayPath(Buffer.from([0xed, 0xa0, 0x80]).toString('latin1')), '\\xed\\xa0\\x80');
  });
});

describe('corrupt input', () => {
  test('a bad checksum is an error naming the offset', async () => {
    const tar = makeTar([{ name: 'a', data: 'x' }]);
    tar[0] ^= 0xff;
    await assert.rejects(readAll(tar), (error: Error) => error instanceof TarError && /checksum at byte 0/.test(error.message));
  });

  test('JSON is not a tar', async () => {
    const json = Buffer.alloc(1024, 0x20);
    json.write('{"not": "a tar"}');
    await assert.rejects(readAll(json), TarError);
  });

  test('an archive cut inside an entry is truncated; one cut between entries is accepted', async () => {
    const tar = makeTar([{ name: 'a', data: Buffer.alloc(2000, 1) }, { name: 'b', data: 'x' }], { end: false });
    await assert.rejects(readAll(tar.subarray(0, 1500)), /ends in the middle of an entry/);
    await assert.rejects(readAll(tar.subarray(0, 2560 + 100)), /ends in the middle of a header/);
    assert.equal((await readAll(tar)).length, 2);
  });

  test('a huge long-name entry is refused', async () => {
    const block = makeTar([{ name: 'x', data: 'y' }], { end: false }).subarray(0, 512);
    const header = Buffer.from(block);
    header.write('L', 156, 'latin1');
    header.write((64 << 20).toString(8).padStart(11, '0') + '\0', 124, 'latin1');
    header.fill(0x20, 148, 156);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
    await assert.rejects(readAll(header), /too large/);
  });

  test('data after the end blocks is ignored', async () => {
    const tar = Buffer.concat([makeTar([{ name: 'a', data: 'x' }]), Buffer.from('trailing garbage')]);
    assert.equal((await readAll(tar)).length, 1);
  });
});
