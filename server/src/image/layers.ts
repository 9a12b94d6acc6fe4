// The image's file system: layers applied in order as the engines do (overlayfs
// semantics). A `.wh.NAME` whiteout deletes NAME from the layers below, an opaque
// marker `.wh..wh..opq` empties its directory of everything below, a later entry
// replaces an earlier one (a directory over a directory merges). Hard links share
// their target's data; symbolic links are resolved within the image, absolute targets
// from the image's root, with the kernel's limit of 40 links per lookup.
//
// Nodes hold metadata and the few facts read from contents (ELF headers, a shebang,
// small config files), never the contents. Bytes that a later layer deletes or
// overwrites are counted per layer: they still ship in the image (SLIM907).
import type { ElfInfo } from './elf';
import { baseName, components, normalizePath, parentPath } from './names';

/** What was read from a regular file's contents (shared by its hard links). */
export interface FileData {
  elf?: ElfInfo;
  /** The `#!` line of an executable script, without `#!`, as a byte string. */
  shebang?: string;
  /** The text of a small configuration file (/etc/passwd, ld.so.conf…), as a byte string. */
  text?: string;
  /** True when the file was larger than what was kept of it. */
  textTruncated?: boolean;
}

export type LayerEntryKind = 'file' | 'dir' | 'symlink' | 'hardlink' | 'other' | 'whiteout' | 'opaque';

/** One entry of a layer tar, normalised. For whiteouts `path` is what is deleted; for opaque markers, the directory. */
export interface LayerEntry {
  kind: LayerEntryKind;
  path: string;
  mode: number;
  /** Bytes of a regular file's data. */
  size: number;
  /** A symlink's target as written; a hard link's target path, normalised. */
  target?: string;
  data?: FileData;
}

export interface FsFile {
  kind: 'file';
  layer: number;
  mode: number;
  /** 0 for a hard link: its bytes are counted once, at the file it links to. */
  size: number;
  data: FileData;
}

export interface FsDir {
  kind: 'dir';
  layer: number;
  mode: number;
  children: Map<string, FsNode>;
}

export interface FsSymlink {
  kind: 'symlink';
  layer: number;
  target: string;
}

export interface FsOther {
  kind: 'other';
  layer: number;
}

export type FsNode = FsFile | FsDir | FsSymlink | FsOther;

export interface WastedFile {
  path: string;
  size: number;
  /** The layer that deleted or overwrote it. */
  by: number;
  how: 'deleted' | 'overwritten';
}

/** Bytes of one layer that later layers delete or overwrite. */
export interface LayerWaste {
  layer: number;
  bytes: number;
  files: number;
  /** The largest such files, largest first. */
  top: WastedFile[];
}

export interface Resolved {
  node: FsNode;
  /** The path after following symbolic links. */
  path: string;
}

/** Linux's limit on symbolic links followed in one lookup (MAXSYMLINKS). */
export const MAX_SYMLINK_HOPS = 40;
const MAX_LINK_TARGET = 4096;
const TOP_WASTED = 5;

export class ImageFs {
  readonly root: FsDir = { kind: 'dir', layer: 0, mode: 0o755, children: new Map() };
  /** Per layer index, bytes that later layers deleted or overwrote. */
  readonly waste = new Map<number, LayerWaste>();
  /** Files deleted by a later layer (a whiteout, an opaque directory): path → the deleting layer. */
  readonly deleted = new Map<string, number>();

  /** Applies one layer's entries on top of what is there. */
  applyLayer(layer: number, entries: readonly LayerEntry[]): void {
    // Whiteouts and opaque markers hide only what is below: entries of the same layer stay.
    for (const entry of entries) {
      if (entry.kind === 'whiteout') this.whiteout(layer, entry.path);
      else if (entry.kind === 'opaque') this.makeOpaque(layer, entry.path);
    }
    for (const entry of entries) {
      if (entry.kind !== 'whiteout' && entry.kind !== 'opaque') this.place(layer, entry);
    }
  }

  /** Follows symbolic links (the last one too unless `followLast` is false); undefined when missing, a loop, or through a non-directory. */
  resolve(path: string, followLast = true): Resolved | undefined {
    const todo = components(path).reverse();
    let dirs: FsDir[] = [this.root];
    let names: string[] = [];
    let hops = 0;
    while (todo.length > 0) {
      const name = todo.pop() as string;
      if (name === '..') {
        if (dirs.length > 1) (dirs.pop(), names.pop());
        continue;
      }
      const child = dirs[dirs.length - 1].children.get(name);
      if (!child) return undefined;
      const last = todo.length === 0;
      if (child.kind === 'symlink' && (!last || followLast)) {
        if (++hops > MAX_SYMLINK_HOPS || child.target === '' || child.target.length > MAX_LINK_TARGET) return undefined;
        if (child.target.startsWith('/')) {
          dirs = [this.root];
          names = [];
        }
        todo.push(...components(child.target).reverse());
        continue;
      }
      if (last) return { node: child, path: '/' + [...names, name].join('/') };
      if (child.kind !== 'dir') return undefined;
      dirs.push(child);
      names.push(name);
    }
    return { node: dirs[dirs.length - 1], path: '/' + names.join('/') };
  }

  /** The regular file PATH leads to (symbolic links followed), if any. */
  file(path: string): (Resolved & { node: FsFile }) | undefined {
    const found = this.resolve(path);
    return found?.node.kind === 'file' ? (found as Resolved & { node: FsFile }) : undefined;
  }

  /** The entries of the directory PATH leads to: name → node (not followed). */
  list(path: string): Map<string, FsNode> | undefined {
    const found = this.resolve(path);
    return found?.node.kind === 'dir' ? found.node.children : undefined;
  }

  /** Every regular file, depth first, with its path. */
  *files(): Generator<[string, FsFile]> {
    const stack: [string, FsDir][] = [['', this.root]];
    while (stack.length > 0) {
      const [prefix, dir] = stack.pop() as [string, FsDir];
      for (const [name, node] of dir.children) {
        const path = `${prefix}/${name}`;
        if (node.kind === 'file') yield [path, node];
        else if (node.kind === 'dir') stack.push([path, node]);
      }
    }
  }

  private whiteout(layer: number, path: string): void {
    const parent = this.literalDir(parentPath(path));
    const name = baseName(path);
    const node = parent?.children.get(name);
    if (!parent || !node) return;
    parent.children.delete(name);
    this.discard(node, path, layer, 'deleted');
  }

  private makeOpaque(layer: number, path: string): void {
    const dir = this.literalDir(path);
    if (!dir) return;
    for (const [name, node] of dir.children) this.discard(node, path === '/' ? `/${name}` : `${path}/${name}`, layer, 'deleted');
    dir.children.clear();
  }

  /** The directory at PATH without following links (layer paths are literal). */
  private literalDir(path: string): FsDir | undefined {
    let dir = this.root;
    for (const name of components(path)) {
      const child = dir.children.get(name);
      if (child?.kind !== 'dir') return undefined;
      dir = child;
    }
    return dir;
  }

  private place(layer: number, entry: LayerEntry): void {
    const parts = components(entry.path);
    if (parts.length === 0) {
      if (entry.kind === 'dir') this.root.mode = entry.mode;
      return;
    }
    let dir = this.root;
    let path = '';
    for (const name of parts.slice(0, -1)) {
      path += `/${name}`;
      let child = dir.children.get(name);
      if (child?.kind !== 'dir') {
        // A directory in this layer over a file or link below: overlayfs shows only the directory.
        if (child) this.discard(child, path, layer, 'overwritten');
        child = { kind: 'dir', layer, mode: 0o755, children: new Map() };
        dir.children.set(name, child);
      }
      dir = child;
    }
    const name = parts[parts.length - 1];
    path += `/${name}`;
    const existing = dir.children.get(name);
    if (entry.kind === 'dir' && existing?.kind === 'dir') {
      existing.mode = entry.mode;
      existing.layer = layer;
      return;
    }
    if (existing) this.discard(existing, path, layer, 'overwritten');
    dir.children.set(name, this.nodeFor(layer, entry));
  }

  private nodeFor(layer: number, entry: LayerEntry): FsNode {
    switch (entry.kind) {
      case 'dir':
        return { kind: 'dir', layer, mode: entry.mode, children: new Map() };
      case 'symlink':
        return { kind: 'symlink', layer, target: entry.target ?? '' };
      case 'file':
        return { kind: 'file', layer, mode: entry.mode, size: entry.size, data: entry.data ?? {} };
      case 'hardlink': {
        const target = entry.target === undefined ? undefined : this.resolve(normalizePath(entry.target), false);
        const data = target?.node.kind === 'file' ? target.node.data : {};
        const mode = target?.node.kind === 'file' ? target.node.mode : entry.mode;
        return { kind: 'file', layer, mode, size: 0, data };
      }
      default:
        return { kind: 'other', layer };
    }
  }

  /** NODE (at PATH) leaves the image's view because of LAYER: its lower-layer bytes are wasted. */
  private discard(node: FsNode, path: string, layer: number, how: WastedFile['how']): void {
    const stack: [string, FsNode][] = [[path, node]];
    while (stack.length > 0) {
      const [at, current] = stack.pop() as [string, FsNode];
      if (current.kind === 'dir') {
        for (const [name, child] of current.children) stack.push([`${at}/${name}`, child]);
        continue;
      }
      if (current.kind === 'file' && how === 'deleted') this.deleted.set(at, layer);
      if (current.kind !== 'file' || current.layer >= layer || current.size === 0) continue;
      this.countWaste(current, at, layer, how);
    }
  }

  private countWaste(file: FsFile, path: string, by: number, how: WastedFile['how']): void {
    let record = this.waste.get(file.layer);
    if (!record) this.waste.set(file.layer, (record = { layer: file.layer, bytes: 0, files: 0, top: [] }));
    record.bytes += file.size;
    record.files += 1;
    const top = record.top;
    if (top.length < TOP_WASTED || file.size > top[top.length - 1].size) {
      top.push({ path, size: file.size, by, how });
      top.sort((a, b) => b.size - a.size || (a.path < b.path ? -1 : 1));
      if (top.length > TOP_WASTED) top.pop();
    }
  }
}
