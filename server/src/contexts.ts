// The build contexts of the open Dockerfiles: one cached tree per context root,
// shared by the Dockerfiles that use it, overlaid with the editor's open buffers.
// Knows which Dockerfiles a changed file concerns, so only those are re-validated.
import { ContextTree, contextRoot, dockerfileDirIn, FsBuildContext, type ContextOptions } from './context/fs-context';

/** An open document whose text overrides the disk, and the version it had when read. */
export interface OverlayRead {
  uri: string;
  version: number;
}

export interface OpenBuffer extends OverlayRead {
  text: string;
}

export class ContextStore {
  private readonly trees = new Map<string, ContextTree>();
  /** Dockerfile URI → the root its last validation used. */
  private readonly rootOf = new Map<string, string>();
  /** Set while an analysis runs (analysis is synchronous): the buffers it read. */
  private recording: Map<string, OverlayRead> | undefined;

  constructor(
    /** The open buffer for an absolute path, if any. */
    private readonly openBuffer: (absolutePath: string) => OpenBuffer | undefined,
    private readonly options: Omit<ContextOptions, 'overlay'> = {},
  ) {}

  /** The context of a Dockerfile on disk, tracked for later changes. */
  forDockerfile(uri: string, dockerfilePath: string, configuredContext: string | undefined): FsBuildContext {
    const root = contextRoot(dockerfilePath, configuredContext);
    this.rootOf.set(uri, root);
    let tree = this.trees.get(root);
    if (!tree) {
      tree = new ContextTree(root, { ...this.options, overlay: (absolutePath) => this.overlay(absolutePath) });
      this.trees.set(root, tree);
    }
    this.dropUnusedTrees();
    return new FsBuildContext(tree, dockerfileDirIn(root, dockerfilePath));
  }

  /** The Dockerfile closed: its tree goes when no other Dockerfile uses it. */
  forget(uri: string): void {
    this.rootOf.delete(uri);
    this.dropUnusedTrees();
  }

  /** A file changed on disk: forget it in every tree that holds it; returns the Dockerfiles to re-validate. */
  invalidate(absolutePath: string, contentOnly: boolean): string[] {
    for (const tree of this.trees.values()) tree.invalidate(absolutePath, contentOnly);
    return this.dockerfilesContaining(absolutePath);
  }

  /** The tracked Dockerfiles whose context holds this file. */
  dockerfilesContaining(absolutePath: string): string[] {
    return [...this.rootOf].filter(([, root]) => this.trees.get(root)?.contains(absolutePath)).map(([uri]) => uri);
  }

  /** Runs `analysis` (synchronous) and notes in `reads` the open buffers it read instead of the disk. */
  recordReads<T>(reads: Map<string, OverlayRead>, analysis: () => T): T {
    const outer = this.recording;
    this.recording = reads;
    try {
      return analysis();
    } finally {
      this.recording = outer;
    }
  }

  private overlay(absolutePath: string): string | undefined {
    const buffer = this.openBuffer(absolutePath);
    if (buffer) this.recording?.set(absolutePath, { uri: buffer.uri, version: buffer.version });
    return buffer?.text;
  }

  private dropUnusedTrees(): void {
    const used = new Set(this.rootOf.values());
    for (const root of this.trees.keys()) if (!used.has(root)) this.trees.delete(root);
  }
}
