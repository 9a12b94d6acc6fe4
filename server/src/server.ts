// The language server: LSP wiring only. Analysis, diagnostics, code actions and
// settings are plain-data modules; this file connects them to the client.
import { pathToFileURL } from 'node:url';
import {
  CodeActionKind,
  CompletionRequest,
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DocumentFormattingRequest,
  DocumentRangeFormattingRequest,
  HoverRequest,
  MessageType,
  ProposedFeatures,
  ShowMessageNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type CodeAction,
  type Diagnostic,
  type InitializeParams,
  type InitializeResult,
  type WorkspaceFoldersChangeEvent,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import * as base from './base-validation';
import { changedFolders, filePathOf, readClientFeatures, type ClientFeatures } from './client-features';
import { fixAllAction, otherFileQuickFixes, quickFixes, wantsKind, type ActionTarget } from './codeActions';
import { documentationTarget } from './commands';
import type { FsBuildContext } from './context/fs-context';
import { ContextStore, type OverlayRead } from './contexts';
import { documentDiagnostics, isSlimDiagnostic, type SlimDiagnostic } from './diagnostics';
import { describeError, guarded } from './guard';
import { DOCKERFILE_SELECTOR, dockerfileOnlyRegistrations, isDockerfileDocument, type DockerfileOnlyRegistrations } from './languages';
import { loadGrammars } from './parse/grammars';
import { initShellParser } from './parse/shell';
import { PublishedDiagnostics, type FileDiagnostics, type Publish } from './published';
import { CONTEXT_EDIT_DELAY_MS, Scheduler, validationDelay } from './scheduler';
import { SettingsCache } from './settings';
import { placeImageReport, stageSummaries } from './image-report';
import { slimKeepingLineEndings } from './slim';
import {
  DESCRIBE_DOCKERFILE_REQUEST,
  FIX_ALL_KIND,
  IMAGE_REPORT_REQUEST,
  SHOW_DOCUMENTATION_COMMAND,
  SLIM_REQUEST,
  type DescribeDockerfileParams,
  type DockerfileDescription,
  type ImageReportParams,
  type ImageReportPlacement,
  type SlimParams,
  type SlimResponse,
} from './shared/protocol';
import { classifyChanges, fileWatchers } from './watch';

const SETTINGS_SECTION = 'dockerfileSlim';

// `dockerfile-slim-server` without a transport flag talks over stdio, as most editors expect.
if (!process.argv.some((arg) => /^--(stdio|node-ipc|socket|pipe)\b/.test(arg))) process.argv.push('--stdio');

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const scheduler = new Scheduler();
/** What was last published per Dockerfile and per other file: quick fixes apply to those versions only. */
const published = new PublishedDiagnostics();
/** Open documents by file path: their unsaved text overlays the build context. */
const openPaths = new Map<string, string>();
/** A built image's SLIM9xx diagnostics per Dockerfile, for the version that was built: any edit drops them. */
const imageDiagnostics = new Map<string, { version: number; diagnostics: Diagnostic[] }>();

let client: ClientFeatures = readClientFeatures({ processId: null, rootUri: null, capabilities: {}, workspaceFolders: null } satisfies InitializeParams);
let dynamicFeatures: DockerfileOnlyRegistrations = { hover: false, completion: false, formatting: false, rangeFormatting: false };
/** Settings pushed by the client (initializationOptions, didChangeConfiguration) when it cannot answer pulls. */
let pushedSettings: unknown;

const logError = (message: string) => {
  try {
    connection.console.error(message);
  } catch {
    // The connection itself is failing: stderr is all that is left.
    process.stderr.write(`${message}\n`);
  }
};
const loggedOnce = new Set<string>();
/** Analysis errors repeat on every keystroke: log each once (within reason). */
const logOnce = (message: string) => {
  if (loggedOnce.has(message)) return;
  if (loggedOnce.size > 1000) loggedOnce.clear();
  loggedOnce.add(message);
  logError(message);
};
const showMessage = (type: MessageType, message: string) => void connection.sendNotification(ShowMessageNotification.type, { type, message });

const contexts = new ContextStore(
  (absolutePath) => {
    const uri = openPaths.get(absolutePath);
    const document = uri === undefined ? undefined : documents.get(uri);
    return document && { uri: document.uri, version: document.version, text: document.getText() };
  },
  { log: logOnce },
);

process.on('uncaughtException', (error) => logError(`Uncaught exception: ${describeError(error)}`));
process.on('unhandledRejection', (reason) => logError(`Unhandled rejection: ${describeError(reason)}`));

const settings = new SettingsCache({
  editorSettings: async (uri) => {
    if (!client.configurationPull) return pushedSettings;
    return (await connection.workspace.getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION })) ?? pushedSettings;
  },
  workspaceFolders: () => client.workspaceFolders,
  showError: (message) => showMessage(MessageType.Warning, message),
  log: logError,
});

connection.onInitialize(async (params): Promise<InitializeResult> => {
  client = readClientFeatures(params);
  dynamicFeatures = dockerfileOnlyRegistrations(params.capabilities);
  pushedSettings = client.initialSettings;
  base.setClientCapabilities(params.capabilities);
  try {
    await initShellParser();
  } catch (error) {
    logError(`tree-sitter-bash did not load; rules that read shell commands will report errors: ${describeError(error)}`);
  }
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
      executeCommandProvider: { commands: [SHOW_DOCUMENTATION_COMMAND] },
      // Registered for Dockerfiles only when the client allows it: it also syncs Go, C and Makefiles.
      completionProvider: dynamicFeatures.completion ? undefined : COMPLETION_OPTIONS,
      hoverProvider: !dynamicFeatures.hover,
      documentFormattingProvider: !dynamicFeatures.formatting,
      documentRangeFormattingProvider: !dynamicFeatures.rangeFormatting,
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'dockerfile-slim' },
  };
});

connection.onInitialized(
  guarded(logError, 'initialized', undefined, async () => {
    if (client.workspaceFolderEvents) connection.workspace.onDidChangeWorkspaceFolders(guarded(logError, 'workspace folders', undefined, workspaceFoldersChanged));
    if (client.configurationRegistration) await connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION });
    if (client.watchedFilesRegistration) await connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: fileWatchers() });
    await registerDockerfileOnlyFeatures();
  }),
);

const COMPLETION_OPTIONS = { resolveProvider: true, triggerCharacters: ['=', ' ', '$', '-'] };

async function registerDockerfileOnlyFeatures(): Promise<void> {
  const documentSelector = DOCKERFILE_SELECTOR;
  if (dynamicFeatures.hover) await connection.client.register(HoverRequest.type, { documentSelector });
  if (dynamicFeatures.completion) await connection.client.register(CompletionRequest.type, { documentSelector, ...COMPLETION_OPTIONS });
  if (dynamicFeatures.formatting) await connection.client.register(DocumentFormattingRequest.type, { documentSelector });
  if (dynamicFeatures.rangeFormatting) await connection.client.register(DocumentRangeFormattingRequest.type, { documentSelector });
}

function workspaceFoldersChanged(event: WorkspaceFoldersChangeEvent): void {
  client.workspaceFolders = changedFolders(client.workspaceFolders, event);
  settingsChanged();
}

// Validation: scheduled after each change, published only if the document and settings did not move on meanwhile.

/** The open Dockerfile at `uri`; other synced documents (Go, C, Makefiles, scripts) are build-context sources. */
function dockerfile(uri: string): TextDocument | undefined {
  const document = documents.get(uri);
  return document && isDockerfileDocument(document) ? document : undefined;
}

function scheduleValidation(document: TextDocument): void {
  scheduler.schedule(document.uri, validationDelay(document.lineCount, document.getText().length), () => void validate(document.uri));
}

/** Re-validates the open Dockerfiles whose context holds these files (after `delayMs`, coalescing bursts). */
function revalidateDockerfiles(uris: Iterable<string>, delayMs: number): void {
  for (const uri of uris) if (dockerfile(uri)) scheduler.schedule(uri, delayMs, () => void validate(uri));
}

let grammars: Promise<void> | undefined;
/** Go, C and Makefile grammars: loaded before the first analysis with a build context, never without one. */
function grammarsLoaded(): Promise<void> {
  grammars ??= loadGrammars(['bash', 'go', 'c', 'make']).catch((error) => logError(`tree-sitter grammars did not load; sources are not visible to the rules: ${describeError(error)}`));
  return grammars;
}

/** The grammars a build context needs; untitled documents have no context and need none. */
async function grammarsFor(uri: string): Promise<void> {
  if (filePathOf(uri)) await grammarsLoaded();
}

/** The build context of a Dockerfile on disk; untitled documents have none. */
function contextOf(uri: string, configured: string | undefined): FsBuildContext | undefined {
  const file = filePathOf(uri);
  return file ? contexts.forDockerfile(uri, file, configured) : undefined;
}

const validate = guarded(logError, 'validation', undefined, async (uri: string) => {
  const opened = dockerfile(uri);
  if (!opened) return;
  const { version } = opened;
  const generation = settings.generation;
  const { editor, resolved } = await settings.get(uri);
  await grammarsFor(uri);
  const document = dockerfile(uri);
  // Stale: a newer validation is already scheduled.
  if (!document || document.version !== version || settings.generation !== generation) return;
  const context = contextOf(uri, resolved.context);
  const withBase = base.baseValidationEnabled(editor.baseValidation, client.dockerExtensionInstalled);
  const reads = new Map<string, OverlayRead>();
  const { diagnostics, elsewhere, errors } = contexts.recordReads(reads, () =>
    documentDiagnostics(document.getText(), { target: resolved.target, rules: resolved.rules, context }, withBase),
  );
  errors.forEach(logOnce);
  const image = imageDiagnostics.get(uri);
  if (image?.version === version) diagnostics.push(...image.diagnostics);
  const others = published.set(uri, { version, slim: diagnostics.filter(isSlimDiagnostic), elsewhere: placed(uri, context, elsewhere), reads });
  await sendAll([{ uri, version, diagnostics }, ...others]);
});

/** Diagnostics in other files, by absolute path, each remembering its Dockerfile. */
function placed(dockerfileUri: string, context: FsBuildContext | undefined, byRelativePath: Map<string, SlimDiagnostic[]>): Map<string, FileDiagnostics> {
  const files = new Map<string, FileDiagnostics>();
  if (!context) return files;
  for (const [relative, diagnostics] of byRelativePath) {
    const absolutePath = context.absoluteFromDockerfile(relative);
    files.set(absolutePath, {
      uri: openPaths.get(absolutePath) ?? pathToFileURL(absolutePath).toString(),
      diagnostics: diagnostics.map((diagnostic) => ({ ...diagnostic, data: { ...diagnostic.data, dockerfile: dockerfileUri } })),
    });
  }
  return files;
}

/** Sent together, so no other message (a close) is handled between them. */
async function sendAll(publishes: readonly Publish[]): Promise<void> {
  await Promise.all(publishes.map((publish) => connection.sendDiagnostics(publish)));
}

function settingsChanged(options: { configFileChanged?: boolean } = {}): void {
  settings.clear(options);
  documents.all().filter(isDockerfileDocument).forEach(scheduleValidation);
}

documents.onDidOpen(({ document }) => {
  const file = filePathOf(document.uri);
  if (file) openPaths.set(file, document.uri);
});

documents.onDidChangeContent(({ document }) => {
  imageDiagnostics.delete(document.uri);
  if (isDockerfileDocument(document)) scheduleValidation(document);
  else contextBufferChanged(document.uri);
});

/** An open source's unsaved text overlays the context: the Dockerfiles that read it are re-validated (debounced). */
function contextBufferChanged(uri: string, diskChanged = false): void {
  const file = filePathOf(uri);
  if (!file) return;
  const affected = diskChanged ? contexts.invalidate(file, true) : contexts.dockerfilesContaining(file);
  revalidateDockerfiles(affected, CONTEXT_EDIT_DELAY_MS);
}

// Clients without file watching still see a saved source.
documents.onDidSave(({ document }) => {
  if (!isDockerfileDocument(document)) contextBufferChanged(document.uri, true);
});

documents.onDidClose(({ document }) => {
  const { uri } = document;
  const file = filePathOf(uri);
  if (file && openPaths.get(file) === uri) openPaths.delete(file);
  if (!isDockerfileDocument(document)) {
    // The disk's text applies again (unsaved changes were dropped, or saved meanwhile).
    contextBufferChanged(uri, true);
    return;
  }
  scheduler.cancel(uri);
  imageDiagnostics.delete(uri);
  settings.forget(uri);
  contexts.forget(uri);
  void sendAll([{ uri, diagnostics: [] }, ...published.forget(uri)]);
});

connection.onDidChangeConfiguration(
  guarded(logError, 'configuration change', undefined, (params) => {
    const pushed = (params.settings as Record<string, unknown> | null | undefined)?.[SETTINGS_SECTION];
    if (pushed !== undefined) pushedSettings = pushed;
    settingsChanged();
  }),
);

connection.onDidChangeWatchedFiles(
  guarded(logError, 'watched files', undefined, ({ changes }) => {
    const { configChanged, contextChanges } = classifyChanges(changes);
    if (configChanged) settingsChanged({ configFileChanged: true });
    const affected = new Set(contextChanges.flatMap(({ absolutePath, contentOnly }) => contexts.invalidate(absolutePath, contentOnly)));
    if (!configChanged) revalidateDockerfiles(affected, 0);
  }),
);

// Code actions and commands.

function actionTarget(uri: string, version: number, others?: ReadonlyMap<string, OverlayRead>): ActionTarget {
  return { uri, version, documentChanges: client.documentChanges, others };
}

connection.onCodeAction(
  guarded(logError, 'code actions', [], async ({ textDocument, context }) => {
    const document = dockerfile(textDocument.uri);
    if (!document) return wantsKind(context.only, CodeActionKind.QuickFix) ? otherFileActions(textDocument.uri, context.diagnostics) : [];
    const quick = wantsKind(context.only, CodeActionKind.QuickFix) ? await quickFixActions(document, context.diagnostics) : [];
    const all = wantsKind(context.only, FIX_ALL_KIND) ? await fixAllActions(document.uri) : [];
    return [...quick, ...all];
  }),
);

/** From the diagnostics' data, for the version they were published for. */
const quickFixActions = guarded(logError, 'quick fixes', [], (document: TextDocument, diagnostics: Diagnostic[]) => {
  const last = published.get(document.uri);
  return quickFixes(actionTarget(document.uri, last?.version ?? document.version, last?.reads), document.getText(), diagnostics, last?.slim);
});

/** Fixes of diagnostics shown in a Makefile, a script or a source: they belong to the Dockerfile that reported them. */
const otherFileActions = guarded(logError, 'quick fixes', [], (uri: string, diagnostics: Diagnostic[]) => {
  const file = filePathOf(uri);
  if (!file) return [];
  return otherFileQuickFixes(diagnostics, (diagnostic) => {
    const source = published.sourceOf(file, diagnostic);
    return source && { target: actionTarget(source.dockerfileUri, source.record.version, source.record.reads), diagnostic: source.diagnostic };
  });
});

/** Re-analyses the current texts (fixes interact), with the document's settings and build context. */
const fixAllActions = guarded(logError, 'fix all', [], async (uri: string): Promise<CodeAction[]> => {
  const { resolved } = await settings.get(uri);
  await grammarsFor(uri);
  const document = dockerfile(uri);
  if (!document) return [];
  const reads = new Map<string, OverlayRead>();
  const options = { target: resolved.target, rules: resolved.rules, context: contextOf(uri, resolved.context) };
  const action = contexts.recordReads(reads, () => fixAllAction(actionTarget(uri, document.version, reads), document.getText(), options));
  return action ? [action] : [];
});

connection.onExecuteCommand(
  guarded(logError, 'command', null, async (params) => {
    if (params.command === SHOW_DOCUMENTATION_COMMAND) await showDocumentation(params.arguments?.[0]);
    return null;
  }),
);

/** Opens the bundled page in the client; clients that cannot open documents get its path. */
async function showDocumentation(argument: unknown): Promise<void> {
  const target = documentationTarget(argument);
  if ('error' in target) return showMessage(MessageType.Warning, target.error);
  if (client.showDocument) {
    const result = await connection.window.showDocument({ uri: target.uri, takeFocus: true });
    if (result.success) return;
  }
  showMessage(MessageType.Info, `Documentation for ${target.code}: ${target.file}`);
}

// The side panel: stages to build, a built image's report placed on the Dockerfile.

connection.onRequest(
  DESCRIBE_DOCKERFILE_REQUEST,
  guarded(logError, 'describe Dockerfile', null, async ({ uri }: DescribeDockerfileParams): Promise<DockerfileDescription | null> => {
    const document = dockerfile(uri);
    if (!document) return null;
    const { resolved } = await settings.get(uri);
    const context = contextOf(uri, resolved.context)?.root;
    return { version: document.version, stages: stageSummaries(document.getText()), configuredTarget: resolved.target ?? '', ...(context ? { context } : {}) };
  }),
);

connection.onRequest(
  IMAGE_REPORT_REQUEST,
  guarded(logError, 'image report', null, (params: ImageReportParams): ImageReportPlacement | null => {
    const document = dockerfile(params.uri);
    if (!document) return null;
    const { diagnostics, ...placement } = placeImageReport(document.getText(), params);
    const current = document.version === params.version;
    if (current) imageDiagnostics.set(params.uri, { version: params.version, diagnostics });
    else imageDiagnostics.delete(params.uri);
    void validate(params.uri);
    return { ...placement, published: current };
  }),
);

// "Slim this image": computed here with the document's settings and build context, applied by the client.

connection.onRequest(
  SLIM_REQUEST,
  guarded(logError, 'slim', null, async ({ uri, runtime }: SlimParams): Promise<SlimResponse | null> => {
    const { resolved } = await settings.get(uri);
    await grammarsFor(uri);
    const document = dockerfile(uri);
    if (!document) return null;
    const context = contextOf(uri, resolved.context);
    const result = slimKeepingLineEndings({ path: filePathOf(uri) ?? uri, text: document.getText(), context, runtime, target: resolved.target, rules: resolved.rules });
    if (result.kind !== 'slimmed') return result;
    const otherFiles = result.otherFiles.flatMap((file) => {
      const absolutePath = context?.absoluteFromDockerfile(file.path);
      return absolutePath ? [{ uri: openPaths.get(absolutePath) ?? pathToFileURL(absolutePath).toString(), text: file.text }] : [];
    });
    return { ...result, version: document.version, otherFiles };
  }),
);

// Standard Dockerfile features (dockerfile-language-service).

const textOf = (uri: string) => dockerfile(uri)?.getText();

connection.onCompletion(
  guarded(logError, 'completion', [], async ({ textDocument, position }) => {
    const text = textOf(textDocument.uri);
    return text === undefined ? [] : await base.completion(text, position);
  }),
);
connection.onCompletionResolve((item) => guarded(logError, 'completion resolve', item, base.resolveCompletion)(item));

connection.onHover(
  guarded(logError, 'hover', null, ({ textDocument, position }) => {
    const text = textOf(textDocument.uri);
    return text === undefined ? null : base.hover(text, position);
  }),
);

connection.onDocumentFormatting(
  guarded(logError, 'formatting', [], ({ textDocument, options }) => {
    const text = textOf(textDocument.uri);
    return text === undefined ? [] : base.format(text, options);
  }),
);

connection.onDocumentRangeFormatting(
  guarded(logError, 'range formatting', [], ({ textDocument, range, options }) => {
    const text = textOf(textDocument.uri);
    return text === undefined ? [] : base.formatRange(text, range, options);
  }),
);

connection.onShutdown(() => scheduler.cancelAll());

documents.listen(connection);
connection.listen();
