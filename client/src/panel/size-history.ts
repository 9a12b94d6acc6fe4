// The sizes of a Dockerfile's past builds, newest last, kept in the workspace's state
// so they survive restarts. "Slim this image" marks its two builds before and after.
export type SizeMark = 'before' | 'after';

export interface SizeEntry {
  /** Milliseconds since the epoch. */
  time: number;
  size: number;
  imageId: string;
  target?: string;
  mark?: SizeMark;
}

/** The part of `vscode.Memento` used here (workspaceState). */
export interface Store {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

export const MAX_ENTRIES = 30;

export class SizeHistory {
  constructor(private readonly store: Store) {}

  entries(dockerfileUri: string): SizeEntry[] {
    const stored = this.store.get<unknown>(keyOf(dockerfileUri));
    return Array.isArray(stored) ? stored.filter(isEntry) : [];
  }

  async add(dockerfileUri: string, entry: SizeEntry): Promise<SizeEntry[]> {
    const entries = [...this.entries(dockerfileUri), entry].slice(-MAX_ENTRIES);
    await this.store.update(keyOf(dockerfileUri), entries);
    return entries;
  }

  async clear(dockerfileUri: string): Promise<void> {
    await this.store.update(keyOf(dockerfileUri), undefined);
  }
}

function keyOf(dockerfileUri: string): string {
  return `dockerfileSlim.sizeHistory:${dockerfileUri}`;
}

function isEntry(value: unknown): value is SizeEntry {
  const entry = value as Partial<SizeEntry> | null;
  return typeof entry === 'object' && entry !== null && typeof entry.time === 'number' && typeof entry.size === 'number' && typeof entry.imageId === 'string';
}
