// Synthetic inputs for the image inspector's unit tests: tar archives (ustar, GNU long
// names, PAX, raw byte names), minimal ELF files (either class and byte order, with
// PT_INTERP, DT_NEEDED, DT_RUNPATH/DT_RPATH, DT_SONAME) and whole saved images in the
// docker-archive and OCI layouts, built in memory.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

export type TarType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'fifo';

export interface TarSpec {
  /** A string (UTF-8) or raw bytes, used as given (no leading `./` added). */
  name: string | Buffer;
  type?: TarType;
  mode?: number;
  data?: Buffer | string;
  linkname?: string | Buffer;
  /** How a name longer than 100 bytes is written: GNU `L`/`K` entries, PAX records, or the ustar prefix field. */
  long?: 'gnu' | 'pax' | 'prefix';
  /** Extra PAX records for this entry (e.g. `size`). */
  pax?: Record<string, string>;
  /** Writes this size in the header instead of the data's. */
  headerSize?: number;
}

const TYPEFLAG: Record<TarType, string> = { file: '0', dir: '5', symlink: '2', hardlink: '1', char: '3', fifo: '6' };

function bytes(value: string | Buffer): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}

function pad(buffer: Buffer): Buffer {
  const rest = buffer.length % 512;
  return rest === 0 ? buffer : Buffer.concat([buffer, Buffer.alloc(512 - rest)]);
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function header(fields: { name: Buffer; prefix?: Buffer; typeflag: string; mode: number; size: number; linkname: Buffer }): Buffer {
  const block = Buffer.alloc(512);
  fields.name.copy(block, 0, 0, Math.min(100, fields.name.length));
  block.write(octal(fields.mode, 8), 100, 'latin1');
  block.write(octal(0, 8), 108, 'latin1');
  block.write(octal(0, 8), 116, 'latin1');
  block.write(octal(fields.size, 12), 124, 'latin1');
  block.write(octal(0, 12), 136, 'latin1');
  block.write(fields.typeflag, 156, 'latin1');
  fields.linkname.copy(block, 157, 0, Math.min(100, fields.linkname.length));
  block.write('ustar\0', 257, 'latin1');
  block.write('00', 263, 'latin1');
  if (fields.prefix) fields.prefix.copy(block, 345, 0, Math.min(155, fields.prefix.length));
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(octal(sum, 7) + ' ', 148, 'latin1');
  return block;
}

function paxRecords(records: Record<string, Buffer | string>): Buffer {
  const parts: Buffer[] = [];
  for (const [key, raw] of Object.entries(records)) {
    const body = Buffer.concat([Buffer.from(` ${key}=`, 'latin1'), bytes(raw), Buffer.from('\n')]);
    let length = body.length + 1;
    while (String(length).length + body.length !== length) length = String(length).length + body.length;
    parts.push(Buffer.concat([Buffer.from(String(length), 'latin1'), body]));
  }
  return Buffer.concat(parts);
}

/** A tar archive of ENTRIES with the two end blocks (unless `end` is false). */
export function makeTar(entries: readonly TarSpec[], options: { end?: boolean } = {}): Buffer {
  const out: Buffer[] = [];
  for (const entry of entries) {
    const type = entry.type ?? (entry.data === undefined ? 'dir' : 'file');
    const data = entry.data === undefined ? Buffer.alloc(0) : bytes(entry.data);
    let name = bytes(entry.name);
    let linkname = entry.linkname === undefined ? Buffer.alloc(0) : bytes(entry.linkname);
    let prefix: Buffer | undefined;
    const pax: Record<string, Buffer | string> = { ...(entry.pax ?? {}) };
    const long = entry.long ?? 'pax';
    if (name.length > 100) {
      if (long === 'gnu') {
        out.push(header({ name: Buffer.from('././@LongLink'), typeflag: 'L', mode: 0o644, size: name.length + 1, linkname: Buffer.alloc(0) }), pad(Buffer.concat([name, Buffer.alloc(1)])));
        name = name.subarray(0, 100);
      } else if (long === 'prefix') {
        const slash = name.lastIndexOf(0x2f, 155);
        prefix = name.subarray(0, slash);
        name = name.subarray(slash + 1);
      } else {
        pax.path = name;
        name = name.subarray(0, 100);
      }
    }
    if (linkname.length > 100) {
      if (long === 'gnu') {
        out.push(header({ name: Buffer.from('././@LongLink'), typeflag: 'K', mode: 0o644, size: linkname.length + 1, linkname: Buffer.alloc(0) }), pad(Buffer.concat([linkname, Buffer.alloc(1)])));
      } else pax.linkpath = linkname;
      linkname = linkname.subarray(0, 100);
    }
    if (Object.keys(pax).length > 0) {
      const records = paxRecords(pax);
      out.push(header({ name: Buffer.from('PaxHeaders/x'), typeflag: 'x', mode: 0o644, size: records.length, linkname: Buffer.alloc(0) }), pad(records));
    }
    const size = entry.headerSize ?? (type === 'file' ? data.length : 0);
    out.push(header({ name, prefix, typeflag: TYPEFLAG[type], mode: entry.mode ?? (type === 'dir' ? 0o755 : 0o644), size, linkname }));
    if (type === 'file' && data.length > 0) out.push(pad(data));
  }
  if (options.end ?? true) out.push(Buffer.alloc(1024));
  return Buffer.concat(out);
}

export interface ElfSpec {
  bits?: 32 | 64;
  littleEndian?: boolean;
  /** e_type: 2 executable (default), 3 shared object. */
  type?: number;
  /** e_machine, default 62 (x86-64). */
  machine?: number;
  interp?: string;
  needed?: string[];
  runpath?: string;
  rpath?: string;
  soname?: string;
  /** Put the string table after the dynamic section (as patchelf does), at least this far into the file. */
  stringsAt?: number;
  /** Put the dynamic section at least this far into the file (after the string table, or after `stringsBefore`). */
  dynamicAt?: number;
  /** With dynamicAt: put the string table this far in (still before the dynamic section). */
  stringsBefore?: number;
  /** Bytes appended to the file (e.g. Go's markers). */
  tail?: Buffer;
  /**
   * PT_LOAD segments, one after the other from offset 0, each up to its `end` (the last
   * to the end of the file), mapped at their offsets. Default: one, not executable.
   */
  loads?: { end: number; executable: boolean }[];
}

/**
 * A minimal ELF: header, program headers (one PT_LOAD mapping the whole file at
 * address 0, PT_INTERP, PT_DYNAMIC), the interpreter path, the string table, the
 * dynamic section. Not runnable; exactly what a loader (and the scanner) reads.
 */
export function makeElf(spec: ElfSpec = {}): Buffer {
  const bits = spec.bits ?? 64;
  const le = spec.littleEndian ?? true;
  const ehsize = bits === 64 ? 64 : 52;
  const phentsize = bits === 64 ? 56 : 32;
  const dynentsize = bits === 64 ? 16 : 8;
  const hasDynamic = spec.needed !== undefined || spec.runpath !== undefined || spec.rpath !== undefined || spec.soname !== undefined;
  const loads = spec.loads ?? [{ end: Infinity, executable: false }];
  const phnum = loads.length + (spec.interp !== undefined ? 1 : 0) + (hasDynamic ? 1 : 0);
  let at = ehsize + phentsize * phnum;
  const interpBytes = spec.interp !== undefined ? Buffer.from(spec.interp + '\0', 'latin1') : Buffer.alloc(0);
  const interpOffset = at;
  at += interpBytes.length;
  // String table: offsets of each string.
  const strings: Buffer[] = [Buffer.alloc(1)];
  let strtabLength = 1;
  const offsetOf = (text: string) => {
    const offset = strtabLength;
    const encoded = Buffer.from(text + '\0', 'latin1');
    strings.push(encoded);
    strtabLength += encoded.length;
    return offset;
  };
  const dyn: [number, number][] = [];
  for (const name of spec.needed ?? []) dyn.push([1, offsetOf(name)]);
  if (spec.soname !== undefined) dyn.push([14, offsetOf(spec.soname)]);
  if (spec.rpath !== undefined) dyn.push([15, offsetOf(spec.rpath)]);
  if (spec.runpath !== undefined) dyn.push([29, offsetOf(spec.runpath)]);
  const strtab = Buffer.concat(strings);
  let strtabOffset: number;
  let dynamicOffset: number;
  const dynamicSize = (dyn.length + 3) * dynentsize;
  if (spec.dynamicAt !== undefined) {
    strtabOffset = spec.stringsBefore ?? at;
    dynamicOffset = align(Math.max(spec.dynamicAt, strtabOffset + strtab.length), 8);
  } else if (spec.stringsAt !== undefined) {
    dynamicOffset = align(at, 8);
    strtabOffset = Math.max(spec.stringsAt, dynamicOffset + dynamicSize);
  } else {
    strtabOffset = at;
    dynamicOffset = align(at + strtab.length, 8);
  }
  dyn.push([5, strtabOffset], [10, strtab.length], [0, 0]);
  const end = Math.max(dynamicOffset + (hasDynamic ? dynamicSize : 0), strtabOffset + (hasDynamic ? strtab.length : 0), interpOffset + interpBytes.length);
  const tail = spec.tail ?? Buffer.alloc(0);
  const file = Buffer.alloc(end + tail.length);
  tail.copy(file, end);
  // ELF header.
  file.write('\x7fELF', 0, 'latin1');
  file[4] = bits === 64 ? 2 : 1;
  file[5] = le ? 1 : 2;
  file[6] = 1;
  const u16 = (value: number, offset: number) => (le ? file.writeUInt16LE(value, offset) : file.writeUInt16BE(value, offset));
  const u32 = (value: number, offset: number) => (le ? file.writeUInt32LE(value, offset) : file.writeUInt32BE(value, offset));
  const word = (value: number, offset: number) => (bits === 64 ? (le ? file.writeBigUInt64LE(BigInt(value), offset) : file.writeBigUInt64BE(BigInt(value), offset)) : u32(value, offset));
  u16(spec.type ?? 2, 16);
  u16(spec.machine ?? 62, 18);
  u32(1, 20);
  word(ehsize, bits === 64 ? 32 : 28); // e_phoff
  u16(ehsize, bits === 64 ? 52 : 40);
  u16(phentsize, bits === 64 ? 54 : 42);
  u16(phnum, bits === 64 ? 56 : 44);
  // Program headers.
  let ph = ehsize;
  const phdr = (type: number, offset: number, size: number, flags = 4) => {
    u32(type, ph);
    if (bits === 64) {
      u32(flags, ph + 4);
      word(offset, ph + 8);
      word(offset, ph + 16);
      word(offset, ph + 24);
      word(size, ph + 32);
      word(size, ph + 40);
    } else {
      u32(offset, ph + 4);
      u32(offset, ph + 8);
      u32(offset, ph + 12);
      u32(size, ph + 16);
      u32(size, ph + 20);
      u32(flags, ph + 24);
    }
    ph += phentsize;
  };
  loads.forEach((load, i) => {
    const from = i === 0 ? 0 : loads[i - 1].end;
    phdr(1, from, (i === loads.length - 1 ? file.length : load.end) - from, load.executable ? 5 : 4);
  });
  if (spec.interp !== undefined) phdr(3, interpOffset, interpBytes.length);
  if (hasDynamic) phdr(2, dynamicOffset, dynamicSize);
  interpBytes.copy(file, interpOffset);
  if (hasDynamic) {
    strtab.copy(file, strtabOffset);
    dyn.forEach(([tag, value], i) => {
      const offset = dynamicOffset + i * dynentsize;
      word(tag, offset);
      word(value, offset + dynentsize / 2);
    });
  }
  return file;
}

function align(value: number, to: number): number {
  return Math.ceil(value / to) * to;
}

export interface ImageSpec {
  /** Each layer's entries. */
  layers: TarSpec[][];
  config?: Record<string, unknown>;
  architecture?: string;
  /** `created_by` per layer (history lines; no empty layers). */
  createdBy?: string[];
  history?: { created_by?: string; empty_layer?: boolean; comment?: string }[];
}

function configOf(spec: ImageSpec, diffIds: string[]): Buffer {
  const history = spec.history ?? spec.layers.map((_, i) => ({ created_by: spec.createdBy?.[i] ?? `layer ${i}` }));
  return Buffer.from(
    JSON.stringify({
      architecture: spec.architecture ?? 'amd64',
      os: 'linux',
      config: spec.config ?? {},
      rootfs: { type: 'layers', diff_ids: diffIds },
      history,
    }),
  );
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/**
 * A docker-archive as Docker 20.10 writes it: `<id>/layer.tar` per layer, the config
 * `<hex>.json`, and manifest.json last. With `linkDuplicate`, a second copy of the
 * first layer is written as a symbolic link to it, as docker and podman do.
 */
export function dockerArchive(spec: ImageSpec, options: { linkLast?: boolean } = {}): Buffer {
  const layerTars = spec.layers.map((entries) => makeTar(entries));
  const diffIds = layerTars.map((tar) => `sha256:${sha256(tar)}`);
  const config = configOf(spec, diffIds);
  const configName = `${sha256(config)}.json`;
  const entries: TarSpec[] = [];
  const paths: string[] = [];
  layerTars.forEach((tar, i) => {
    const dir = `${sha256(Buffer.from(`layer-${i}-${diffIds[i]}`))}`;
    entries.push({ name: `${dir}/`, type: 'dir' });
    if (options.linkLast && i === layerTars.length - 1 && i > 0) {
      entries.push({ name: `${dir}/layer.tar`, type: 'symlink', linkname: `../${paths[0].split('/')[0]}/layer.tar` });
    } else entries.push({ name: `${dir}/layer.tar`, data: tar });
    paths.push(`${dir}/layer.tar`);
  });
  entries.push({ name: configName, data: config });
  entries.push({ name: 'manifest.json', data: JSON.stringify([{ Config: configName, RepoTags: ['test/image:latest'], Layers: paths }]) });
  return makeTar(entries);
}

/** An OCI layout (index.json, blobs/sha256/…) with gzip-compressed layers, index.json first. */
export function ociArchive(spec: ImageSpec): Buffer {
  const layerTars = spec.layers.map((entries) => makeTar(entries));
  const diffIds = layerTars.map((tar) => `sha256:${sha256(tar)}`);
  const compressed = layerTars.map((tar) => gzipSync(tar));
  const config = configOf(spec, diffIds);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${sha256(config)}`, size: config.length },
      layers: compressed.map((blob) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${sha256(blob)}`, size: blob.length })),
    }),
  );
  const index = JSON.stringify({
    schemaVersion: 2,
    manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${sha256(manifest)}`, size: manifest.length, annotations: { 'org.opencontainers.image.ref.name': 'test/oci:1' } }],
  });
  const blobs = [manifest, config, ...compressed].map((blob) => ({ name: `blobs/sha256/${sha256(blob)}`, data: blob }));
  return makeTar([{ name: 'index.json', data: index }, { name: 'oci-layout', data: '{"imageLayoutVersion":"1.0.0"}' }, { name: 'blobs/', type: 'dir' }, { name: 'blobs/sha256/', type: 'dir' }, ...blobs]);
}

/**
 * Feeds BUFFER in chunks of the given sizes (cycled) the way the engine reader does:
 * each chunk in one reused buffer, overwritten once the next is asked for, so a reader
 * that keeps a chunk without copying it reads garbage and the test fails.
 */
export async function* chunked(buffer: Buffer, sizes: readonly number[] = [65536]): AsyncGenerator<Buffer> {
  const reused = Buffer.alloc(Math.max(...sizes));
  let at = 0;
  let i = 0;
  while (at < buffer.length) {
    const size = Math.min(sizes[i++ % sizes.length], buffer.length - at);
    buffer.copy(reused, 0, at, at + size);
    yield reused.subarray(0, size);
    reused.fill(0xee);
    at += size;
  }
}
