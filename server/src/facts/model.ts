// The facts every rule reads: stages, their bases, the runtime chain and the
// COPY --from links. Built once per analysis from the parse layer.
import type { Copy, From, Instruction } from 'dockerfile-ast';
import type { BaseImageInfo } from './base-images';
import type { Artifact, BuildCommand } from './builds';
import type { ParsedDockerfile } from '../parse/dockerfile';
import type { BuildContext } from '../context/build-context';
import type { BuildSources } from './sources';

export interface Stage {
  index: number;
  /** `AS name`, lowercased (stage names are case-insensitive). */
  name: string | undefined;
  from: From;
  /** The FROM argument with pre-FROM ARG defaults substituted; undefined when a variable has no default. */
  baseRef: string | undefined;
  /** The stage this one is FROM-based on. */
  parent: Stage | undefined;
  /** The image at the end of the parent chain; undefined when unresolvable. */
  rootImage: string | undefined;
  base: BaseImageInfo;
  /** Instructions after FROM, up to the next FROM. */
  instructions: Instruction[];
}

export interface CopyLink {
  copy: Copy;
  /** The stage named by --from; undefined when --from names an image. */
  source: Stage | undefined;
  sourceRef: string;
  into: Stage;
  sources: string[];
  destination: string;
}

export interface Facts {
  doc: ParsedDockerfile;
  context: BuildContext | undefined;
  stages: Stage[];
  target: Stage | undefined;
  /** The target and the stages it is FROM-based on, root-most first. */
  runtimeChain: Stage[];
  /** Stages outside the runtime chain whose files reach it through COPY --from (directly or via other builders). */
  builders: Stage[];
  copyLinks: CopyLink[];
  /** Build commands of every stage (go build, cc -o, make, cargo…), in document order. */
  builds: BuildCommand[];
  /** Build outputs that end up in the target: through COPY --from, or built in the runtime chain. */
  artifacts: Artifact[];
  /** What each native build (go build/install, C link) compiles from the build context; empty without a context. */
  sources: ReadonlyMap<BuildCommand, BuildSources>;
}

export interface FactsOptions {
  /** The build context's files; without it, sources are "not visible". */
  context?: BuildContext;
  /** `--target` / the target setting; the last stage when unset or unknown. */
  target?: string;
}
