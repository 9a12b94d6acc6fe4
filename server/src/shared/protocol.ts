// Types and names shared by the client, the server and the CLI. Never import `vscode` here.

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
