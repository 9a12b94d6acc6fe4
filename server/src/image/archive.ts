// Reads what `docker save` / `podman save` stream out, as it streams: a docker-archive
// (manifest.json, `<id>/layer.tar` or `<digest>.tar`, links between them) or an OCI
// layout (index.json, blobs/sha256/…), with layers plain or gzip-compressed. Each
// layer tar is parsed as it passes (its position in the archive does not matter; the
// manifest often comes last), keeping per file only its metadata and the facts read
// from its first bytes. JSON blobs (manifests, config) are small and kept whole.
// Chunks are borrowed (the engine reader reuses one buffer): whatever outlives a call
// is copied.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createGunzip, type Gunzip } from 'node:zlib';
import { ElfScanner, ElfScratch, isElfStart } from './elf';
import type { FileData, LayerEntry } from './layers';
import { baseName, components, joinPath, normalizePath, parentPath } from './names';
import { isTarHeader, isZeroBlock, TarError, TarParser, type EntrySink, type TarHeader } from './tar';

/** The parts of an image config (OCI / Docker) the inspector reads. */
export interface ImageConfig {
  architecture?: string;
  os?: string;
  variant?: string;
  config?: {
    User?: string;
    Env?: string[] | null;
    Cmd?: string[] | null;
    Entrypoint?: string[] | null;
    WorkingDir?: string;
    Shell?: string[] | null;
    Healthcheck?: { Test?: string[] | null } | null;
  } | null;
  rootfs?: { type?: string; diff_ids?: string[] };
  history?: { created?: string; created_by?: string; comment?: string; empty_layer?: boolean }[];
}

export interface ArchiveLayer {
  /** The layer's path in the archive. */
  source: string;
  entries: LayerEntry[];
  /** Bytes of regular files and link targets, as the engine counts a layer's size. */
  size: number;
  compressed: boolean;
}

export interface ImageArchive {
  format: 'docker-archive' | 'oci';
  config: ImageConfig;
  /** `sha256:` of the config: the image id. */
  id: string;
  repoTags: string[];
  /** Bottom layer first. */
  layers: ArchiveLayer[];
}

export interface ReadArchiveOptions {
  signal?: AbortSignal;
  /** Archive bytes read so far; called at most every 64 KiB chunk. */
  onBytes?: (bytes: number) => void;
}

export class ArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveError';
  }
}

/** JSON and text files of the archive larger than this are not manifests or configs. */
const MAX_JSON_BYTES = 16 << 20;
/** How much of a configuration file inside a layer is kept (passwd, group, ld.so.conf…). */
const MAX_TEXT_BYTES = 1 << 20;
const MAX_SHEBANG = 256;
const MAX_ARCHIVE_LINK_HOPS = 16;

/** Files inside layers whose text the checks read. */
export function wantsText(path: string): boolean {
  return (
    path === '/etc/passwd' ||
    path === '/etc/group' ||
    path === '/etc/ld.so.conf' ||
    path === '/etc/ld.so.cache' ||
    path.startsWith('/etc/ld.so.conf.d/') ||
    /^\/etc\/ld-musl-[^/]+\.path$/.test(path)
  );
}

/** Reads a saved image from SOURCE (e.g. the stdout of `docker save IMAGE`). */
export async function readImageArchive(source: AsyncIterable<Buffer | Uint8Array>, options: ReadArchiveOptions = {}): Promise<ImageArchive> {
  const collector = new ArchiveCollector();
  const parser = new TarParser((header) => collector.onEntry(header));
  let bytes = 0;
  for await (const raw of source) {
    options.signal?.throwIfAborted();
    const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    const waiting = parser.write(chunk);
    if (waiting) await waiting;
    bytes += chunk.length;
    options.onBytes?.(bytes);
  }
  options.signal?.throwIfAborted();
  if (bytes === 0) throw new ArchiveError('the image archive is empty');
  parser.end();
  return collector.image();
}

/** Parses one layer tar held in memory or streamed (tests, and layers outside an archive). */
export class LayerReader {
  readonly entries: LayerEntry[] = [];
  size = 0;
  private readonly parser = new TarParser((header) => this.onEntry(header));
  private readonly scratch = new ElfScratch();

  /** Layer entries never wait, so this is synchronous. */
  write(chunk: Buffer): void {
    const waiting = this.parser.write(chunk);
    if (waiting) throw new Error('internal: a layer entry sink returned a promise');
  }

  end(): void {
    this.parser.end();
  }

  private onEntry(header: TarHeader): EntrySink | undefined {
    const path = normalizePath(header.name);
    const name = baseName(path);
    if (name.startsWith('.wh.')) {
      if (name === '.wh..wh..opq') this.entries.push({ kind: 'opaque', path: parentPath(path), mode: 0, size: 0 });
      else if (!name.startsWith('.wh..wh.')) this.entries.push({ kind: 'whiteout', path: joinPath(parentPath(path), name.slice(4)), mode: 0, size: 0 });
      return undefined; // `.wh..wh.plnk` and other aufs bookkeeping: not files of the image
    }
    switch (header.type) {
      case 'dir':
        this.entries.push({ kind: 'dir', path, mode: header.mode, size: 0 });
        return undefined;
      case 'symlink':
        this.size += header.linkname.length;
        this.entries.push({ kind: 'symlink', path, mode: header.mode, size: 0, target: header.linkname });
        return undefined;
      case 'hardlink':
        this.entries.push({ kind: 'hardlink', path, mode: header.mode, size: 0, target: normalizePath(header.linkname) });
        return undefined;
      case 'file': {
        this.size += header.size;
        const entry: LayerEntry = { kind: 'file', path, mode: header.mode, size: header.size };
        this.entries.push(entry);
        const text = wantsText(path);
        if (!text && header.size < 4) return undefined;
        return new FileProbe(entry, text, this.scratch);
      }
      default:
        this.entries.push({ kind: 'other', path, mode: header.mode, size: 0 });
        return undefined;
    }
  }
}

/** Reads a file's first bytes and keeps what the checks need: ELF facts, a shebang, or a config file's text. */
class FileProbe implements EntrySink {
  private state: 'sniff' | 'elf' | 'shebang' | 'text' | 'skip';
  /** Chunks seen before the first four bytes decided what the file is. */
  private sniffed: Buffer[] = [];
  private sniffedLength = 0;
  private kept: Buffer[] = [];
  private keptLength = 0;
  private elf: ElfScanner | undefined;

  constructor(
    private readonly entry: LayerEntry,
    text: boolean,
    private readonly scratch: ElfScratch,
  ) {
    this.state = text ? 'text' : 'sniff';
  }

  data(chunk: Buffer): void {
    switch (this.state) {
      case 'skip':
        return;
      case 'elf':
        (this.elf as ElfScanner).data(chunk);
        return;
      case 'text':
        return this.keep(chunk, MAX_TEXT_BYTES);
      case 'shebang':
        return this.keep(chunk, MAX_SHEBANG);
      case 'sniff':
        // A chunk of fewer than four bytes waits for the next one, so it is copied.
        this.sniffed.push(this.sniffedLength + chunk.length >= 4 ? chunk : Buffer.from(chunk));
        this.sniffedLength += chunk.length;
        if (this.sniffedLength >= 4) this.decide();
        return;
    }
  }

  end(): void {
    if (this.state === 'sniff') this.decide();
    const data: FileData = {};
    if (this.state === 'elf') {
      const elf = (this.elf as ElfScanner).finish();
      if (elf) data.elf = elf;
    } else if (this.state === 'text') {
      data.text = Buffer.concat(this.kept).toString('latin1');
      if (this.entry.size > this.keptLength) data.textTruncated = true;
    } else if (this.state === 'shebang') {
      const line = Buffer.concat(this.kept).toString('latin1');
      const end = line.indexOf('\n');
      if (end >= 0) data.shebang = line.slice(2, end).replace(/\r$/, '');
    }
    this.kept = [];
    if (Object.keys(data).length > 0) this.entry.data = data;
  }

  private keep(chunk: Buffer, limit: number): void {
    if (this.keptLength >= limit) return;
    const part = chunk.subarray(0, limit - this.keptLength);
    this.kept.push(Buffer.from(part)); // a copy: the chunk belongs to the stream
    this.keptLength += part.length;
  }

  private decide(): void {
    // Four bytes decide; concatenating whole chunks for them would copy every file's first chunk.
    const head = this.sniffed[0].length >= 4 ? this.sniffed[0] : Buffer.concat(this.sniffed).subarray(0, 4);
    if (isElfStart(head)) {
      this.state = 'elf';
      this.elf = new ElfScanner({ goMarkers: (this.entry.mode & 0o111) !== 0, scratch: this.scratch });
    } else if (head[0] === 0x23 && head[1] === 0x21 && (this.entry.mode & 0o111) !== 0) this.state = 'shebang';
    else this.state = 'skip';
    const replay = this.sniffed;
    this.sniffed = [];
    for (const chunk of replay) this.data(chunk);
  }
}

/** Streams a gzip-compressed layer through zlib into a LayerReader, with backpressure. */
class GzipLayer implements EntrySink {
  private readonly gunzip: Gunzip = createGunzip();
  private failure: unknown;
  private readonly done: Promise<void>;

  constructor(private readonly reader: LayerReader) {
    this.gunzip.on('data', (chunk: Buffer) => {
      if (this.failure) return;
      try {
        this.reader.write(chunk);
      } catch (error) {
        this.failure = error;
        this.gunzip.destroy();
      }
    });
    this.done = new Promise((resolve) => {
      this.gunzip.on('end', resolve);
      this.gunzip.on('close', resolve);
      this.gunzip.on('error', (error) => {
        this.failure ??= new ArchiveError(`a gzip-compressed layer is corrupt: ${error.message}`);
        resolve();
      });
    });
  }

  async data(chunk: Buffer): Promise<void> {
    this.check();
    // zlib works on it later: a copy, since the chunk is borrowed.
    if (!this.gunzip.write(Buffer.from(chunk))) await Promise.race([once(this.gunzip, 'drain'), this.done]);
    this.check();
  }

  async end(): Promise<void> {
    this.check();
    this.gunzip.end();
    await this.done;
    this.check();
    this.reader.end();
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }
}

/** Decides from an archive entry's first block whether it is a layer (tar, gzip) or a small JSON/text file. */
class BlobProbe implements EntrySink {
  private head: Buffer[] = [];
  private headLength = 0;
  private target: EntrySink | 'json' | 'skip' | undefined;

  constructor(
    private readonly path: string,
    private readonly size: number,
    private readonly collector: ArchiveCollector,
  ) {}

  data(chunk: Buffer): void | Promise<void> {
    if (this.target === undefined) {
      this.headLength += chunk.length;
      const decided = this.headLength >= 512 || this.headLength >= this.size;
      this.head.push(decided ? chunk : Buffer.from(chunk)); // kept for the next chunk: a copy
      if (!decided) return;
      const buffered = Buffer.concat(this.head);
      this.head = [];
      this.target = this.decide(buffered);
      return this.forward(buffered);
    }
    return this.forward(chunk);
  }

  end(): void | Promise<void> {
    if (this.target === undefined) {
      const buffered = Buffer.concat(this.head);
      this.head = [];
      this.target = this.decide(buffered);
      const waiting = this.forward(buffered);
      if (waiting) return waiting.then(() => this.finish());
    }
    return this.finish();
  }

  private forward(chunk: Buffer): void | Promise<void> {
    if (this.target === 'skip') return;
    if (this.target === 'json') {
      this.head.push(Buffer.from(chunk));
      this.headLength += chunk.length;
      return;
    }
    return (this.target as EntrySink).data(chunk);
  }

  private finish(): void | Promise<void> {
    if (this.target === 'json') {
      this.collector.files.set(this.path, Buffer.concat(this.head));
      this.head = [];
      return;
    }
    if (this.target === 'skip' || this.target === undefined) return;
    return this.target.end();
  }

  private decide(head: Buffer): EntrySink | 'json' | 'skip' {
    if (head[0] === 0x1f && head[1] === 0x8b) {
      const reader = this.collector.newLayer(this.path, true);
      return new GzipLayer(reader);
    }
    if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) {
      throw new ArchiveError(`layer ${this.path} is zstd-compressed, which this version cannot read; save the image uncompressed (docker save / podman save --format docker-archive)`);
    }
    const block = head.subarray(0, 512);
    if (isTarHeader(block) || (this.size >= 1024 && isZeroBlock(block))) {
      const reader = this.collector.newLayer(this.path, false);
      return { data: (chunk) => reader.write(chunk), end: () => reader.end() };
    }
    return this.size <= MAX_JSON_BYTES ? 'json' : 'skip';
  }
}

class ArchiveCollector {
  /** Small non-layer files by archive path: manifests, configs, index.json. */
  readonly files = new Map<string, Buffer>();
  readonly layers = new Map<string, { reader: LayerReader; compressed: boolean }>();
  /** Archive links (docker and podman link identical layers): path → target path. */
  readonly links = new Map<string, string>();

  onEntry(header: TarHeader): EntrySink | undefined {
    const path = normalizePath(header.name);
    if (header.type === 'symlink') this.links.set(path, joinPath(parentPath(path), header.linkname));
    else if (header.type === 'hardlink') this.links.set(path, normalizePath(header.linkname));
    else if (header.type === 'file') return new BlobProbe(path, header.size, this);
    return undefined;
  }

  newLayer(path: string, compressed: boolean): LayerReader {
    const reader = new LayerReader();
    this.layers.set(path, { reader, compressed });
    return reader;
  }

  image(): ImageArchive {
    if (this.files.has('/manifest.json')) return this.dockerArchive();
    if (this.files.has('/index.json')) return this.ociLayout();
    throw new ArchiveError('not an image archive: it has neither manifest.json (docker-archive) nor index.json (OCI layout)');
  }

  private dockerArchive(): ImageArchive {
    const manifest = this.json('/manifest.json') as { Config?: string; RepoTags?: string[] | null; Layers?: string[] }[];
    const first = Array.isArray(manifest) ? manifest[0] : undefined;
    if (!first || typeof first.Config !== 'string' || !Array.isArray(first.Layers)) throw new ArchiveError('manifest.json does not describe an image (no Config or Layers)');
    const configPath = this.follow(normalizePath(first.Config));
    return {
      format: 'docker-archive',
      ...this.configAt(configPath),
      repoTags: Array.isArray(first.RepoTags) ? first.RepoTags.filter((tag) => typeof tag === 'string') : [],
      layers: first.Layers.map((layer) => this.layerAt(normalizePath(String(layer)))),
    };
  }

  private ociLayout(): ImageArchive {
    let descriptor = this.pickManifest(this.json('/index.json'), 'index.json');
    for (let depth = 0; depth < 4; depth++) {
      const document = this.json(blobPath(descriptor.digest)) as { layers?: { digest?: string }[]; config?: { digest?: string }; manifests?: unknown };
      if (Array.isArray(document.manifests)) {
        descriptor = this.pickManifest(document, descriptor.digest);
        continue;
      }
      if (!document.config?.digest || !Array.isArray(document.layers)) throw new ArchiveError(`the OCI manifest ${descriptor.digest} has no config or layers`);
      const annotations = descriptor.annotations ?? {};
      const name = annotations['io.containerd.image.name'] ?? annotations['org.opencontainers.image.ref.name'];
      return {
        format: 'oci',
        ...this.configAt(blobPath(document.config.digest)),
        repoTags: name ? [name] : [],
        layers: document.layers.map((layer) => this.layerAt(blobPath(String(layer.digest)))),
      };
    }
    throw new ArchiveError('the OCI index nests too deeply');
  }

  /** The first image manifest of an index, preferring linux. */
  private pickManifest(index: unknown, where: string): { digest: string; annotations?: Record<string, string> } {
    const manifests = (index as { manifests?: { digest?: string; platform?: { os?: string }; annotations?: Record<string, string> }[] }).manifests;
    const usable = Array.isArray(manifests) ? manifests.filter((m) => typeof m?.digest === 'string') : [];
    const chosen = usable.find((m) => m.platform?.os === 'linux') ?? usable[0];
    if (!chosen) throw new ArchiveError(`${where} lists no image manifest`);
    return chosen as { digest: string; annotations?: Record<string, string> };
  }

  private configAt(path: string): { config: ImageConfig; id: string } {
    const bytes = this.files.get(this.follow(path));
    if (!bytes) throw new ArchiveError(`the image config ${path.slice(1)} is not in the archive`);
    return { config: parseJson(bytes, path) as ImageConfig, id: `sha256:${createHash('sha256').update(bytes).digest('hex')}` };
  }

  private layerAt(path: string): ArchiveLayer {
    const found = this.layers.get(this.follow(path));
    if (!found) throw new ArchiveError(`the layer ${path.slice(1)} named by the manifest is not in the archive`);
    return { source: path, entries: found.reader.entries, size: found.reader.size, compressed: found.compressed };
  }

  private follow(path: string): string {
    let current = path;
    for (let hops = 0; hops < MAX_ARCHIVE_LINK_HOPS && this.links.has(current); hops++) current = this.links.get(current) as string;
    return current;
  }

  private json(path: string): unknown {
    const bytes = this.files.get(this.follow(path));
    if (!bytes) throw new ArchiveError(`${path.slice(1)} is not in the archive`);
    return parseJson(bytes, path);
  }
}

function blobPath(digest: string): string {
  const [algorithm, hex] = digest.split(':');
  if (!algorithm || !hex || components(algorithm).length !== 1 || components(hex).length !== 1) throw new ArchiveError(`invalid digest '${digest}'`);
  return `/blobs/${algorithm}/${hex}`;
}

function parseJson(bytes: Buffer, path: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new ArchiveError(`${path.slice(1)} is not valid JSON: ${(error as Error).message}`);
  }
}

export { TarError };
