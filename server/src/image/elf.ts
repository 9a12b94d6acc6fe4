// Just enough of an ELF file, read as it streams past: class and byte order, type and
// machine, PT_INTERP, and from PT_DYNAMIC the DT_NEEDED names, DT_RUNPATH/DT_RPATH and
// DT_SONAME; and whether it is a Go program (its build-info magic) that links
// crypto/tls. Memory per file is bounded: the first PREFIX_CAP bytes at most (where
// the linkers put .dynstr), small windows for the dynamic section and string table
// when they lie further on, and a few bytes of overlap for the marker search.
// Whatever cannot be read within those bounds is reported as unknown (never guessed).
// Chunks are borrowed: what is kept is copied, so the reader may reuse its buffer.

export interface ElfInfo {
  bits: 32 | 64;
  littleEndian: boolean;
  /** e_type: 2 executable, 3 shared object or PIE. */
  type: number;
  /** e_machine, e.g. 62 x86-64, 183 AArch64. */
  machine: number;
  /** PT_INTERP as a byte string: the loader the kernel starts. */
  interp?: string;
  hasDynamic: boolean;
  /** DT_NEEDED byte strings; undefined when the dynamic string table was out of reach. */
  needed?: string[];
  /** DT_RUNPATH / DT_RPATH split at `:`, tokens like `$ORIGIN` left as they are. */
  runpath?: string[];
  rpath?: string[];
  soname?: string;
  /** Go's build-info magic is in the file. */
  go: boolean;
  /** A Go program that links crypto/tls (its functions are in the symbol table). */
  goTls: boolean;
  /** Go's embedded root certificates (golang.org/x/crypto/x509roots/fallback). */
  goEmbeddedRoots: boolean;
  /** Why part of the information is missing. */
  incomplete?: string;
}

export const ET_EXEC = 2;
export const ET_DYN = 3;

/** How far into a file the string table is looked for: .dynstr sits before .text, and big programs (node, Go tools) keep it within ~9 MB. */
export const PREFIX_CAP = 16 << 20;
const MAX_PHNUM = 1024;
const MAX_INTERP = 4096;
const MAX_DYNAMIC = 256 << 10;
const MAX_STRTAB = 4 << 20;

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const DT_NULL = 0;
const DT_NEEDED = 1;
const DT_STRTAB = 5;
const DT_STRSZ = 10;
const DT_SONAME = 14;
const DT_RPATH = 15;
const DT_RUNPATH = 29;

const GO_BUILDINFO = Buffer.from('\xff Go buildinf:', 'latin1');
const GO_TLS = Buffer.from('crypto/tls.(*Conn)', 'latin1');
const GO_ROOTS = Buffer.from('golang.org/x/crypto/x509roots/fallback', 'latin1');
const MARKERS = [GO_BUILDINFO, GO_TLS, GO_ROOTS];
const NOTHING = Buffer.alloc(0);
const OVERLAP = Math.max(...MARKERS.map((marker) => marker.length)) - 1;

interface Range {
  start: number;
  end: number;
  /** Passed by without being kept: its information stays unknown. */
  lost?: boolean;
}

interface Segment {
  offset: number;
  vaddr: number;
  filesz: number;
  executable: boolean;
}

const PF_X = 1;

/** Bytes of one range of the file, copied as they pass. */
class Window {
  readonly bytes: Buffer;
  private filled = 0;

  constructor(readonly range: Range) {
    this.bytes = Buffer.alloc(range.end - range.start);
  }

  get complete(): boolean {
    return this.filled === this.bytes.length;
  }

  take(chunk: Buffer, chunkStart: number): void {
    const from = Math.max(this.range.start, chunkStart);
    const to = Math.min(this.range.end, chunkStart + chunk.length);
    if (from >= to) return;
    chunk.copy(this.bytes, from - this.range.start, from - chunkStart, to - chunkStart);
    this.filled += to - from;
  }
}

interface Header {
  bits: 32 | 64;
  littleEndian: boolean;
  type: number;
  machine: number;
  phoff: number;
  phentsize: number;
  phnum: number;
}

/** True when BYTES (the start of a file) is an ELF header. */
export function isElfStart(bytes: Buffer): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

/**
 * Memory for the bytes a scan keeps from a file's start, reused from one file to the
 * next: files stream past one at a time, and fresh memory per file would cost a page
 * fault per 4 KiB and garbage collections.
 */
export class ElfScratch {
  private memory: Buffer = Buffer.alloc(0);

  /** A buffer of at least LENGTH bytes whose first KEEP bytes are those of the last call. */
  reserve(length: number, keep: number): Buffer {
    if (length > this.memory.length) {
      const grown = Buffer.allocUnsafe(Math.min(PREFIX_CAP, Math.max(length, this.memory.length * 2, 64 << 10)));
      this.memory.copy(grown, 0, 0, keep);
      this.memory = grown;
    }
    return this.memory;
  }
}

export interface ElfScanOptions {
  /**
   * Search the whole file for Go's markers (default true). Only programs (files with an
   * execute bit) can be the Go TLS clients SLIM906 is about; skipping the search on
   * libraries saves most of the scanning time.
   */
  goMarkers?: boolean;
  /** Shared by the scans of one archive (one file at a time); a scan makes its own otherwise. */
  scratch?: ElfScratch;
}

/** Feed a file's bytes in order with data(); finish() says what was found. */
export class ElfScanner {
  private pos = 0;
  /** A copy of the bytes from offset 0 (in `scratch`), kept until the dynamic string table is read. */
  private prefix: Buffer = NOTHING;
  private prefixLength = 0;
  /**
   * Once the program headers are read, only these parts of the prefix are copied: where
   * the linkers put .dynstr. Before that, every byte is (the headers come first).
   */
  private keep: Range[] | undefined;
  private keptWhole = 0;
  private readonly scratch: ElfScratch;
  private retaining = true;
  private current: { chunk: Buffer; start: number } | undefined;
  private readonly windows: Window[] = [];
  private header: Header | undefined;
  private notElf = false;
  private loads: Segment[] = [];
  private interpRange: Range | undefined;
  private dynamicRange: Range | undefined;
  private strtabRange: Range | undefined;
  private phdrsRead = false;
  private dynamicRead = false;
  private stringsRead = false;
  private dynamic: { needed: number[]; runpath: number[]; rpath: number[]; soname?: number } | undefined;
  private readonly result: Partial<ElfInfo> = { go: false, goTls: false, goEmbeddedRoots: false };
  private tail: Buffer = Buffer.alloc(0);
  private readonly goMarkers: boolean;

  constructor(options: ElfScanOptions = {}) {
    this.goMarkers = options.goMarkers ?? true;
    this.scratch = options.scratch ?? new ElfScratch();
  }

  data(chunk: Buffer): void {
    if (this.notElf || chunk.length === 0) return;
    const start = this.pos;
    this.current = { chunk, start };
    if (this.retaining && start < PREFIX_CAP) this.retain(chunk, start);
    for (const window of this.windows) window.take(chunk, start);
    this.pos += chunk.length;
    if (this.goMarkers) this.searchMarkers(chunk);
    this.advance();
    this.current = undefined;
  }

  /** Copies the parts of CHUNK (at START) the prefix keeps. */
  private retain(chunk: Buffer, start: number): void {
    const end = Math.min(start + chunk.length, PREFIX_CAP);
    this.prefix = this.scratch.reserve(end, this.prefixLength);
    for (const range of this.keep ?? [{ start, end }]) {
      const from = Math.max(range.start, start);
      const to = Math.min(range.end, end);
      if (from < to) chunk.copy(this.prefix, from, from - start, to - start);
    }
    this.prefixLength = end;
    if (!this.keep) this.keptWhole = end;
  }

  /** True when the prefix holds (or will hold) RANGE. */
  private keeps(range: Range): boolean {
    if (range.end > PREFIX_CAP) return false;
    if (range.end <= this.keptWhole) return true;
    return !this.keep || this.keep.some((kept) => kept.start <= Math.max(range.start, this.keptWhole) && kept.end >= range.end);
  }

  /** The ELF information, or undefined when the bytes were not an ELF file. */
  finish(): ElfInfo | undefined {
    this.advance();
    const header = this.header;
    this.stopRetaining();
    if (!header || this.notElf) return undefined;
    const info: ElfInfo = {
      bits: header.bits,
      littleEndian: header.littleEndian,
      type: header.type,
      machine: header.machine,
      hasDynamic: this.dynamicRange !== undefined,
      go: this.result.go ?? false,
      goTls: (this.result.go ?? false) && (this.result.goTls ?? false),
      goEmbeddedRoots: this.result.goEmbeddedRoots ?? false,
    };
    if (this.result.interp !== undefined) info.interp = this.result.interp;
    if (this.result.needed) info.needed = this.result.needed;
    if (this.result.runpath) info.runpath = this.result.runpath;
    if (this.result.rpath) info.rpath = this.result.rpath;
    if (this.result.soname !== undefined) info.soname = this.result.soname;
    if (!this.phdrsRead) info.incomplete = 'program headers out of reach';
    else if (this.interpRange && info.interp === undefined) info.incomplete = 'PT_INTERP out of reach';
    else if (this.dynamicRange && !this.stringsRead) info.incomplete = 'dynamic string table out of reach';
    return info;
  }

  private advance(): void {
    if (this.notElf) return;
    if (!this.header) {
      if (this.prefixLength < 64) return;
      this.header = parseHeader(this.read({ start: 0, end: 64 }) as Buffer);
      if (!this.header) return this.giveUp();
    }
    if (!this.phdrsRead) {
      const { phoff, phentsize, phnum } = this.header;
      const table = this.pending({ start: phoff, end: phoff + phentsize * phnum });
      if (table === 'lost') return this.stopRetaining();
      if (table === 'waiting') return;
      this.readProgramHeaders(table);
    }
    let waiting = false;
    if (this.interpRange && this.result.interp === undefined) {
      const bytes = this.pending(this.interpRange);
      if (bytes === 'waiting') waiting = true;
      else if (bytes !== 'lost') this.result.interp = cString(bytes, 0);
    }
    if (this.dynamicRange && !this.dynamicRead) {
      const bytes = this.pending(this.dynamicRange);
      if (bytes === 'waiting') waiting = true;
      else if (bytes !== 'lost') this.readDynamic(bytes);
    }
    if (this.strtabRange && !this.stringsRead) {
      const bytes = this.pending(this.strtabRange);
      if (bytes === 'waiting') waiting = true;
      else if (bytes !== 'lost') this.readStrings(bytes);
    }
    // Until everything is read the prefix stays (it is capped): the string table is
    // usually near the start, but is only found once the dynamic section has passed.
    if (!waiting) this.stopRetaining();
  }

  /** RANGE's bytes if they are here; 'waiting' if they may still come; 'lost' if they passed unkept. */
  private pending(range: Range): Buffer | 'waiting' | 'lost' {
    if (range.lost) return 'lost';
    const bytes = this.read(range);
    if (bytes) return bytes;
    if (range.end > this.pos && ((this.retaining && this.keeps(range)) || this.windows.some((w) => w.range === range))) return 'waiting';
    range.lost = true;
    return 'lost';
  }

  private readProgramHeaders(table: Buffer): void {
    const header = this.header as Header;
    const u32 = (at: number) => (header.littleEndian ? table.readUInt32LE(at) : table.readUInt32BE(at));
    const word = (at: number) => (header.bits === 64 ? readU64(table, at, header.littleEndian) : u32(at));
    let interp: Range | undefined;
    let dynamic: Range | undefined;
    for (let i = 0; i < header.phnum; i++) {
      const at = i * header.phentsize;
      const type = u32(at);
      const flags = header.bits === 64 ? u32(at + 4) : u32(at + 24);
      const offset = header.bits === 64 ? word(at + 8) : u32(at + 4);
      const vaddr = header.bits === 64 ? word(at + 16) : u32(at + 8);
      const filesz = header.bits === 64 ? word(at + 32) : u32(at + 16);
      if (type === PT_LOAD) this.loads.push({ offset, vaddr, filesz, executable: (flags & PF_X) !== 0 });
      else if (type === PT_INTERP) interp ??= { start: offset, end: offset + Math.min(filesz, MAX_INTERP) };
      else if (type === PT_DYNAMIC) dynamic ??= { start: offset, end: offset + Math.min(filesz, MAX_DYNAMIC) };
    }
    this.phdrsRead = true;
    // What the prefix keeps decides which ranges need a window of their own.
    this.keep = stringTableHomes(this.loads);
    if (interp) this.interpRange = this.expect(interp);
    if (dynamic) this.dynamicRange = this.expect(dynamic);
  }

  private readDynamic(bytes: Buffer): void {
    const header = this.header as Header;
    const size = header.bits === 64 ? 16 : 8;
    const dynamic = { needed: [] as number[], runpath: [] as number[], rpath: [] as number[], soname: undefined as number | undefined };
    let strtab: number | undefined;
    let strsz: number | undefined;
    for (let at = 0; at + size <= bytes.length; at += size) {
      const tag = header.bits === 64 ? readI64(bytes, at, header.littleEndian) : header.littleEndian ? bytes.readInt32LE(at) : bytes.readInt32BE(at);
      const value = header.bits === 64 ? readU64(bytes, at + 8, header.littleEndian) : header.littleEndian ? bytes.readUInt32LE(at + 4) : bytes.readUInt32BE(at + 4);
      if (tag === DT_NULL) break;
      if (tag === DT_NEEDED) dynamic.needed.push(value);
      else if (tag === DT_RUNPATH) dynamic.runpath.push(value);
      else if (tag === DT_RPATH) dynamic.rpath.push(value);
      else if (tag === DT_SONAME) dynamic.soname = value;
      else if (tag === DT_STRTAB) strtab = value;
      else if (tag === DT_STRSZ) strsz = value;
    }
    this.dynamic = dynamic;
    this.dynamicRead = true;
    const uses = dynamic.needed.length + dynamic.runpath.length + dynamic.rpath.length + (dynamic.soname === undefined ? 0 : 1);
    if (uses === 0) {
      this.result.needed = [];
      this.stringsRead = true;
      return;
    }
    const offset = strtab === undefined ? undefined : this.fileOffset(strtab);
    if (offset === undefined || strsz === undefined) return; // needed stays unknown
    this.strtabRange = this.expect({ start: offset, end: offset + Math.min(strsz, MAX_STRTAB) });
  }

  private readStrings(strtab: Buffer): void {
    const dynamic = this.dynamic as NonNullable<ElfScanner['dynamic']>;
    const at = (offset: number) => (offset < strtab.length ? cString(strtab, offset) : undefined);
    const needed = dynamic.needed.map(at);
    if (needed.every((name): name is string => name !== undefined)) this.result.needed = needed;
    const paths = (offsets: number[]) => offsets.flatMap((offset) => (at(offset) ?? '').split(':').filter((entry) => entry !== ''));
    if (dynamic.runpath.length > 0) this.result.runpath = paths(dynamic.runpath);
    if (dynamic.rpath.length > 0) this.result.rpath = paths(dynamic.rpath);
    if (dynamic.soname !== undefined) this.result.soname = at(dynamic.soname);
    this.stringsRead = true;
  }

  /** A virtual address inside a loaded segment, as a file offset. */
  private fileOffset(vaddr: number): number | undefined {
    const segment = this.loads.find((load) => vaddr >= load.vaddr && vaddr < load.vaddr + load.filesz);
    return segment ? vaddr - segment.vaddr + segment.offset : undefined;
  }

  /** Arranges for RANGE to be readable when the stream reaches it (a window when the prefix will not hold it); returns it. */
  private expect(range: Range): Range {
    if (this.keeps(range) || range.end <= this.pos) return range;
    const current = this.current;
    const alreadyPassed = current ? range.start < current.start : range.start < this.pos;
    if (alreadyPassed) return range; // neither kept nor coming: 'lost' when read
    const window = new Window(range);
    if (current) window.take(current.chunk, current.start);
    this.windows.push(window);
    return range;
  }

  /** The bytes of RANGE if they have passed and were kept (a window, the prefix, the chunk in hand). */
  private read(range: Range): Buffer | undefined {
    if (range.end <= range.start) return Buffer.alloc(0);
    if (range.end > this.pos) return undefined;
    const window = this.windows.find((w) => w.range.start <= range.start && w.range.end >= range.end && w.complete);
    if (window) return window.bytes.subarray(range.start - window.range.start, range.end - window.range.start);
    if (this.retaining && range.end <= this.prefixLength && this.keeps(range)) return this.prefix.subarray(range.start, range.end);
    const current = this.current;
    if (current && range.start >= current.start) return current.chunk.subarray(range.start - current.start, range.end - current.start);
    return undefined;
  }

  private stopRetaining(): void {
    this.retaining = false;
    this.prefix = NOTHING;
  }

  private giveUp(): void {
    this.notElf = true;
    this.stopRetaining();
  }

  private searchMarkers(chunk: Buffer): void {
    const seam = this.tail.length > 0 ? Buffer.concat([this.tail, chunk.subarray(0, OVERLAP)]) : undefined;
    const found = (marker: Buffer) => chunk.indexOf(marker) >= 0 || (seam !== undefined && seam.indexOf(marker) >= 0);
    if (!this.result.go && found(GO_BUILDINFO)) this.result.go = true;
    if (!this.result.goTls && found(GO_TLS)) this.result.goTls = true;
    if (!this.result.goEmbeddedRoots && found(GO_ROOTS)) this.result.goEmbeddedRoots = true;
    // The last OVERLAP bytes of the stream so far, however small the chunks.
    this.tail = chunk.length >= OVERLAP ? Buffer.from(chunk.subarray(chunk.length - OVERLAP)) : Buffer.concat([this.tail, chunk]).subarray(-OVERLAP);
  }
}

/** Reads a whole file held in memory (tests, small files). */
export function parseElf(bytes: Buffer, chunkSize = 64 << 10, options: ElfScanOptions = {}): ElfInfo | undefined {
  const scanner = new ElfScanner(options);
  for (let at = 0; at < bytes.length; at += chunkSize) scanner.data(bytes.subarray(at, at + chunkSize));
  return scanner.finish();
}

function parseHeader(bytes: Buffer): Header | undefined {
  if (!isElfStart(bytes)) return undefined;
  const bits = bytes[4] === 1 ? 32 : bytes[4] === 2 ? 64 : undefined;
  const littleEndian = bytes[5] === 1 ? true : bytes[5] === 2 ? false : undefined;
  if (bits === undefined || littleEndian === undefined) return undefined;
  const u16 = (at: number) => (littleEndian ? bytes.readUInt16LE(at) : bytes.readUInt16BE(at));
  const u32 = (at: number) => (littleEndian ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at));
  const type = u16(16);
  const machine = u16(18);
  const phoff = bits === 64 ? readU64(bytes, 32, littleEndian) : u32(28);
  const phentsize = u16(bits === 64 ? 54 : 42);
  const phnum = u16(bits === 64 ? 56 : 44);
  const minEntry = bits === 64 ? 56 : 32;
  if (phnum > MAX_PHNUM || (phnum > 0 && phentsize < minEntry) || !Number.isSafeInteger(phoff)) return undefined;
  return { bits, littleEndian, type, machine, phoff, phentsize, phnum };
}

// 64-bit fields as two 32-bit halves: BigInt reads cost more than the rest of a header.
function readU64(buffer: Buffer, at: number, littleEndian: boolean): number {
  const high = littleEndian ? buffer.readUInt32LE(at + 4) : buffer.readUInt32BE(at);
  const low = littleEndian ? buffer.readUInt32LE(at) : buffer.readUInt32BE(at + 4);
  const value = high * 2 ** 32 + low;
  return Number.isSafeInteger(value) ? value : Number.MAX_SAFE_INTEGER;
}

function readI64(buffer: Buffer, at: number, littleEndian: boolean): number {
  const high = littleEndian ? buffer.readInt32LE(at + 4) : buffer.readInt32BE(at);
  const low = littleEndian ? buffer.readUInt32LE(at) : buffer.readUInt32BE(at + 4);
  const value = high * 2 ** 32 + low;
  return Number.isSafeInteger(value) ? value : -1;
}

/** The NUL-terminated byte string at OFFSET (to the end of BYTES when unterminated). */
function cString(bytes: Buffer, offset: number): string {
  const nul = bytes.indexOf(0, offset);
  return bytes.toString('latin1', offset, nul < 0 ? bytes.length : nul);
}

/**
 * Where .dynstr can be: the first loaded segment (GNU ld without separate code, gold:
 * headers, symbol tables, then .text) and the first one that is not executable (GNU ld
 * and lld with separate code, and the Go linker, which puts it after .rodata). Text and
 * data are never copied. Undefined (keep everything) when nothing is loaded.
 */
function stringTableHomes(loads: Segment[]): Range[] | undefined {
  const first = loads[0];
  if (!first) return undefined;
  const data = loads.find((load) => !load.executable);
  const homes = [first, ...(data && data !== first ? [data] : [])];
  return homes.map((load) => ({ start: load.offset, end: load.offset + load.filesz }));
}
