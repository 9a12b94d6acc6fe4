// A push-style tar reader: ustar, GNU long names (`L`/`K`), PAX headers (`x`, `g`),
// base-256 sizes. Chunks go in as they arrive; entry data goes out as slices of those
// chunks (never copied, never held), so a layer of any size passes through in the
// memory of one chunk plus one 512-byte header.
//
// Names are *byte strings*: each char is one byte of the archive (latin1), so any name,
// valid UTF-8 or not, round-trips exactly. Decode them for display with displayPath().

export type TarEntryType = 'file' | 'hardlink' | 'symlink' | 'dir' | 'char' | 'block' | 'fifo' | 'other';

export interface TarHeader {
  /** Byte string (PAX `path`, GNU long name or ustar prefix/name). */
  name: string;
  /** Byte string: a link's target. */
  linkname: string;
  type: TarEntryType;
  /** The raw type flag, e.g. '0', '5', 'S'. */
  typeflag: string;
  mode: number;
  uid: number;
  gid: number;
  /** Data bytes that follow the header. */
  size: number;
  mtime: number;
}

/** Receives one entry's data. A returned promise pauses the archive until it settles. */
export interface EntrySink {
  data(chunk: Buffer): void | Promise<void>;
  end(): void | Promise<void>;
}

/** Called per entry; undefined skips the entry's data. */
export type EntryHandler = (header: TarHeader) => EntrySink | undefined;

export class TarError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TarError';
  }
}

const BLOCK = 512;
/** Long names and PAX records larger than this are hostile, not real. */
const MAX_META_BYTES = 1 << 20;

const TYPES: Record<string, TarEntryType> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char',
  '4': 'block',
  '5': 'dir',
  '6': 'fifo',
};
/** Go's archive/tar treats these as header-only: a size field on them is not data. */
const HEADER_ONLY = new Set<TarEntryType>(['hardlink', 'symlink', 'char', 'block', 'dir', 'fifo']);

type State = 'header' | 'data' | 'meta' | 'padding' | 'done';

interface Pending {
  name?: string;
  linkname?: string;
  pax?: Map<string, string>;
}

const isPromise = (value: unknown): value is Promise<void> => typeof (value as Promise<void> | undefined)?.then === 'function';

export class TarParser {
  private state: State = 'header';
  private readonly header = Buffer.alloc(BLOCK);
  private headerFill = 0;
  /** Bytes left in the current entry's data, then in its padding. */
  private remaining = 0;
  private padding = 0;
  private sink: EntrySink | undefined;
  private metaType = '';
  private metaChunks: Buffer[] = [];
  private metaFill = 0;
  private pending: Pending = {};
  private zeroBlocks = 0;
  /** Archive bytes consumed: for error messages. */
  private offset = 0;
  private entries = 0;

  constructor(private readonly onEntry: EntryHandler) {}

  /** Entries seen so far (not counting PAX and long-name headers). */
  get entryCount(): number {
    return this.entries;
  }

  /** True after the end-of-archive blocks. */
  get finished(): boolean {
    return this.state === 'done';
  }

  /** Feeds a chunk. Returns a promise only when a sink asked to wait. */
  write(chunk: Buffer): void | Promise<void> {
    let at = 0;
    while (at < chunk.length) {
      switch (this.state) {
        case 'done':
          return; // trailing zeros (or garbage) after the end blocks
        case 'header': {
          const take = Math.min(BLOCK - this.headerFill, chunk.length - at);
          chunk.copy(this.header, this.headerFill, at, at + take);
          this.headerFill += take;
          at += take;
          this.offset += take;
          if (this.headerFill === BLOCK) {
            this.headerFill = 0;
            const waiting = this.onHeaderBlock();
            if (waiting) return this.resume(waiting, chunk, at);
          }
          break;
        }
        case 'data': {
          const take = Math.min(this.remaining, chunk.length - at);
          const slice = chunk.subarray(at, at + take);
          at += take;
          this.offset += take;
          this.remaining -= take;
          const sink = this.sink;
          let waiting = sink && take > 0 ? sink.data(slice) : undefined;
          if (this.remaining === 0) waiting = this.finishData(waiting);
          if (isPromise(waiting)) return this.resume(waiting, chunk, at);
          break;
        }
        case 'meta': {
          const take = Math.min(this.remaining, chunk.length - at);
          this.metaChunks.push(Buffer.from(chunk.subarray(at, at + take)));
          this.metaFill += take;
          at += take;
          this.offset += take;
          this.remaining -= take;
          if (this.remaining === 0) {
            this.finishMeta();
            this.enterPadding();
          }
          break;
        }
        case 'padding': {
          const take = Math.min(this.padding, chunk.length - at);
          at += take;
          this.offset += take;
          this.padding -= take;
          if (this.padding === 0) this.state = 'header';
          break;
        }
      }
    }
  }

  /**
   * Ends the archive. A stream that stops between entries is accepted (some writers omit
   * the end blocks); one that stops inside a header or an entry's data is truncated.
   */
  end(): void {
    if (this.state === 'done') return;
    if (this.state === 'header' && this.headerFill === 0 && this.pending.name === undefined && !this.pending.pax) return;
    if (this.state === 'padding') return;
    throw new TarError(`the archive ends in the middle of ${this.state === 'header' ? 'a header' : 'an entry'} (at byte ${this.offset})`);
  }

  private async resume(waiting: Promise<void>, chunk: Buffer, at: number): Promise<void> {
    await waiting;
    if (at < chunk.length) await this.write(chunk.subarray(at));
  }

  private finishData(waiting: void | Promise<void>): void | Promise<void> {
    const sink = this.sink;
    this.sink = undefined;
    this.enterPadding();
    if (!sink) return waiting;
    if (isPromise(waiting)) return waiting.then(() => sink.end());
    return sink.end();
  }

  private enterPadding(): void {
    if (this.padding > 0) this.state = 'padding';
    else this.state = 'header';
  }

  private onHeaderBlock(): void | Promise<void> {
    const block = this.header;
    if (isZeroBlock(block)) {
      if (++this.zeroBlocks >= 2) this.state = 'done';
      return;
    }
    this.zeroBlocks = 0;
    const at = this.offset - BLOCK;
    if (!checksumMatches(block)) throw new TarError(`invalid tar header checksum at byte ${at}: this is not a tar archive, or it is corrupt`);
    const typeflag = String.fromCharCode(block[156]);
    const size = readNumber(block, 124, 12, at, 'size');
    this.padding = (BLOCK - (size % BLOCK)) % BLOCK;

    if (typeflag === 'L' || typeflag === 'K' || typeflag === 'x' || typeflag === 'g') {
      if (size > MAX_META_BYTES) throw new TarError(`a ${typeflag === 'x' || typeflag === 'g' ? 'PAX' : 'long-name'} header of ${size} bytes at byte ${at} is too large`);
      this.metaType = typeflag;
      this.metaChunks = [];
      this.metaFill = 0;
      this.remaining = size;
      if (size === 0) {
        this.finishMeta();
        this.enterPadding();
      } else this.state = 'meta';
      return;
    }

    const header = this.buildHeader(block, typeflag, size, at);
    this.pending = {};
    this.entries++;
    // A header-only entry's size field is not followed by data (as Go's archive/tar reads it).
    const dataSize = HEADER_ONLY.has(header.type) ? 0 : header.size;
    if (HEADER_ONLY.has(header.type)) this.padding = 0;
    header.size = dataSize;
    this.sink = this.onEntry(header);
    this.remaining = dataSize;
    if (dataSize === 0) return this.finishData(undefined);
    this.state = 'data';
  }

  private buildHeader(block: Buffer, typeflag: string, size: number, at: number): TarHeader {
    const pax = this.pending.pax;
    // "ustar\0" (POSIX; GNU writes "ustar " and has no prefix field).
    const ustar = block[257] === 0x75 && block[258] === 0x73 && block[259] === 0x74 && block[260] === 0x61 && block[261] === 0x72 && block[262] === 0;
    let name = readString(block, 0, 100);
    const prefix = ustar ? readString(block, 345, 155) : '';
    if (prefix) name = `${prefix}/${name}`;
    if (this.pending.name !== undefined) name = this.pending.name;
    let linkname = this.pending.linkname ?? readString(block, 157, 100);
    if (pax?.has('path')) name = pax.get('path') as string;
    if (pax?.has('linkpath')) linkname = pax.get('linkpath') as string;
    let realSize = size;
    const paxSize = pax?.get('size');
    if (paxSize !== undefined) {
      if (!/^\d+$/.test(paxSize)) throw new TarError(`invalid PAX size '${paxSize}' at byte ${at}`);
      realSize = Number(paxSize);
      this.padding = (BLOCK - (realSize % BLOCK)) % BLOCK;
    }
    return {
      name,
      linkname,
      type: TYPES[typeflag] ?? 'other',
      typeflag,
      mode: readNumber(block, 100, 8, at, 'mode') & 0o7777,
      uid: paxNumber(pax, 'uid') ?? readNumber(block, 108, 8, at, 'uid'),
      gid: paxNumber(pax, 'gid') ?? readNumber(block, 116, 8, at, 'gid'),
      size: realSize,
      mtime: readNumber(block, 136, 12, at, 'mtime'),
    };
  }

  private finishMeta(): void {
    const data = Buffer.concat(this.metaChunks, this.metaFill);
    this.metaChunks = [];
    switch (this.metaType) {
      case 'L':
        this.pending.name = readString(data, 0, data.length);
        break;
      case 'K':
        this.pending.linkname = readString(data, 0, data.length);
        break;
      case 'x':
        this.pending.pax = new Map([...(this.pending.pax ?? []), ...parsePax(data)]);
        break;
      case 'g':
        break; // global defaults (comments, charset): nothing we use
    }
  }
}

/** `LEN key=value\n` records; values stay byte strings. Stops at the first malformed record. */
export function parsePax(data: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space < 0 || space - at > 20) break;
    const length = Number(data.toString('latin1', at, space));
    if (!Number.isInteger(length) || length <= space - at + 1 || at + length > data.length) break;
    const record = data.toString('latin1', space + 1, at + length - (data[at + length - 1] === 0x0a ? 1 : 0));
    const equals = record.indexOf('=');
    if (equals > 0) records.set(record.slice(0, equals), record.slice(equals + 1));
    at += length;
  }
  return records;
}

function paxNumber(pax: Map<string, string> | undefined, key: string): number | undefined {
  const value = pax?.get(key);
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

/** True when BLOCK (512 bytes) is a tar header with a valid checksum: how a layer blob is told from a JSON one. */
export function isTarHeader(block: Buffer): boolean {
  return block.length >= BLOCK && checksumMatches(block);
}

export function isZeroBlock(block: Buffer): boolean {
  if (block.length < BLOCK) return false;
  for (let i = 0; i < BLOCK; i += 8) {
    if (block.readBigUInt64LE(i) !== 0n) return false;
  }
  return true;
}

/** The checksum counts its own field as spaces; some old writers summed signed bytes. */
function checksumMatches(block: Buffer): boolean {
  const stored = readOctal(block, 148, 8);
  if (stored === undefined) return false;
  let unsigned = 8 * 0x20;
  let signed = 8 * 0x20;
  for (let i = 0; i < BLOCK; i++) {
    if (i >= 148 && i < 156) continue;
    unsigned += block[i];
    signed += block[i] > 127 ? block[i] - 256 : block[i];
  }
  return stored === unsigned || stored === signed;
}

/** Up to the first NUL, as a byte string. */
function readString(buffer: Buffer, start: number, length: number): string {
  const end = start + length;
  const nul = buffer.indexOf(0, start);
  return buffer.toString('latin1', start, nul >= start && nul < end ? nul : end);
}

/** An octal field (spaces and NULs around it allowed), read byte by byte: headers are parsed by the thousand. */
function readOctal(buffer: Buffer, start: number, length: number): number | undefined {
  let at = start;
  const end = start + length;
  while (at < end && (buffer[at] === 0x20 || buffer[at] === 0)) at++;
  let value = 0;
  let digits = 0;
  for (; at < end; at++) {
    const byte = buffer[at];
    if (byte < 0x30 || byte > 0x37) break;
    value = value * 8 + (byte - 0x30);
    digits++;
  }
  for (; at < end; at++) if (buffer[at] !== 0x20 && buffer[at] !== 0) return undefined;
  return digits === 0 ? 0 : value;
}

/** Octal, or GNU base-256 (high bit of the first byte set) for values that do not fit. */
function readNumber(buffer: Buffer, start: number, length: number, at: number, field: string): number {
  if (buffer[start] & 0x80) {
    if (buffer[start] === 0xff) throw new TarError(`negative ${field} in the tar header at byte ${at}`);
    let value = buffer[start] & 0x7f;
    for (let i = 1; i < length; i++) value = value * 256 + buffer[start + i];
    if (!Number.isSafeInteger(value)) throw new TarError(`${field} too large in the tar header at byte ${at}`);
    return value;
  }
  const value = readOctal(buffer, start, length);
  if (value === undefined) throw new TarError(`invalid ${field} field in the tar header at byte ${at}`);
  return value;
}

/** Reads a whole archive from an async source (a stream, a file's chunks). */
export async function parseTar(source: AsyncIterable<Buffer | Uint8Array>, onEntry: EntryHandler): Promise<void> {
  const parser = new TarParser(onEntry);
  for await (const chunk of source) {
    const waiting = parser.write(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    if (waiting) await waiting;
  }
  parser.end();
}
