// Types and names shared by the client, the server and the CLI. Never import `vscode` here.
import type { Range } from 'vscode-languageserver-textdocument';
import type { ImageFinding } from '../image/inspect';
import type { SlimResult, SlimRuntime } from '../slim';

export type Severity = 'off' | 'info' | 'warning' | 'error';
export const SEVERITIES: readonly Severity[] = ['off', 'info', 'warning', 'error'];

export type BaseValidation = 'auto' | 'on' | 'off';

/** Editor settings under `dockerfileSlim.*`; empty strings mean "not set". */
export interface EditorSettings {
  rules: Record<string, Severity>;
  target: string;
  context: string;
  baseValidation: BaseValidation;
}

export const DEFAULT_EDITOR_SETTINGS: EditorSettings = { rules: {}, target: '', context: '', baseValidation: 'auto' };

/** The workspace file `.dockerfile-slim.json`. */
export interface WorkspaceConfig {
  rules?: Record<string, Severity>;
  target?: string;
  context?: string;
}
export const WORKSPACE_CONFIG_FILE = '.dockerfile-slim.json';

/** Client → server, in `initializationOptions`. Other LSP clients may send only `settings`. */
export interface InitializationOptions {
  /** Docker's or Container Tools' extension is installed: it already reports base syntax problems. */
  dockerExtensionInstalled: boolean;
  /** `dockerfileSlim` settings, for clients that cannot answer `workspace/configuration`. */
  settings?: unknown;
}

/** The extensions whose Dockerfile validation duplicates dockerfile-language-service's. */
export const DOCKER_EXTENSION_IDS = ['docker.docker', 'ms-azuretools.vscode-containers', 'ms-azuretools.vscode-docker'];

export const DIAGNOSTIC_SOURCE = 'dockerfile-slim';
export const FIX_ALL_KIND = 'source.fixAll.dockerfileSlim';

/** Server command (workspace/executeCommand), argument: the rule code. Opens the bundled docs page. */
export const SHOW_DOCUMENTATION_COMMAND = 'dockerfileSlim.showRuleDocumentation';

/** Client → server request: an open Dockerfile's stages, for the panel's target choice. */
export const DESCRIBE_DOCKERFILE_REQUEST = 'dockerfileSlim/describeDockerfile';
export interface DescribeDockerfileParams {
  uri: string;
}
export interface StageSummary {
  index: number;
  /** `AS name`, lowercased; undefined for an unnamed stage. */
  name?: string;
  /** 0-based line of its FROM. */
  line: number;
  /** The image it is based on, as written (variables substituted when they have defaults). */
  image?: string;
}
export interface DockerfileDescription {
  /** The document version described. */
  version: number;
  stages: StageSummary[];
  /** The target the settings or `.dockerfile-slim.json` choose; empty: the last stage. */
  configuredTarget: string;
  /** The build context folder the settings choose (absolute path); undefined for untitled documents. */
  context?: string;
}

/**
 * Client → server request, after a build: places the image's SLIM9xx findings and its
 * layers on the Dockerfile, and publishes the findings as diagnostics of that document
 * version until the Dockerfile changes (an empty `findings` clears them).
 */
export const IMAGE_REPORT_REQUEST = 'dockerfileSlim/imageReport';
export interface ImageReportParams {
  uri: string;
  /** The document version that was built (saved before the build). */
  version: number;
  target?: string;
  findings: ImageFinding[];
  /** One entry per layer, base first: the history line that made it. */
  layers: { createdBy?: string }[];
}
export interface ImageReportPlacement {
  /** Per finding: where it sits in the Dockerfile, or null. */
  findings: (Range | null)[];
  /** Per layer: made by this Dockerfile (else the base image), and the instruction that made it. */
  layers: { own: boolean; range: Range | null }[];
  /** Whether the findings were published (false when the document changed since the build). */
  published: boolean;
}

/**
 * Client → server request ("Slim this image"): the open Dockerfile slimmed with its
 * settings and build context. Nothing is applied; the client shows and applies it.
 */
export const SLIM_REQUEST = 'dockerfileSlim/slim';
export interface SlimParams {
  uri: string;
  /** Default `auto`: the base follows how the program is linked. */
  runtime?: SlimRuntime;
}
type Slimmed = Extract<SlimResult, { kind: 'slimmed' }>;
export type SlimResponse =
  | Exclude<SlimResult, Slimmed>
  /** `text` replaces the document of `version`; other files (Makefiles, scripts) by URI. */
  | (Omit<Slimmed, 'otherFiles'> & { version: number; otherFiles: { uri: string; text: string }[] });
export type { SlimRuntime };
