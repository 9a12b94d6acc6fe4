// The language server: LSP wiring only. Analysis, diagnostics, code actions and
// settings are plain-data modules; this file connects them to the client.
import {
  CodeActionKind,
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
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
import { changedFolders, readClientFeatures, type ClientFeatures } from './client-features';
import { fixAllAction, quickFixes, wantsKind, type ActionTarget } from './codeActions';
import { documentationTarget } from './commands';
import { documentDiagnostics, isSlimDiagnostic, type SlimDiagnostic } from './diagnostics';
import { describeError, guarded } from './guard';
import { initShellParser } from './parse/shell';
import { Scheduler, validationDelay } from './scheduler';
import { SettingsCache } from './settings';
import { FIX_ALL_KIND, SHOW_DOCUMENTATION_COMMAND, WORKSPACE_CONFIG_FILE } from './shared/protocol';

const SETTINGS_SECTION = 'dockerfileSlim';

// `dockerfile-slim-server` without a transport flag talks over stdio, as most editors expect.
if (!process.argv.some((arg) => /^--(stdio|node-ipc|socket|pipe)\b/.test(arg))) process.argv.push('--stdio');

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const scheduler = new Scheduler();
/** What was last published per document: quick fixes apply to that version's text only. */
const published = new Map<string, { version: number; slim: SlimDiagnostic[] }>();

let client: ClientFeatures = readClientFeatures({ processId: null, rootUri: null, capabilities: {}, workspaceFolders: null } satisfies InitializeParams);
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
  pushedSettings = client.initialSettings;
  base.setClientCapabilities(params.capabilities);
  try {
    await initShellParser();
  } catch (error) {
    logError(`tree-sitter-bash did not load; rules that read shell commands will report errors: ${describeError(error)}`);
  }
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
      executeCommandProvider: { commands: [SHOW_DOCUMENTATION_COMMAND] },
      completionProvider: { resolveProvider: true, triggerCharacters: ['=', ' ', '$', '-'] },
      hoverProvider: true,
      documentFormattingProvider: true,
      documentRangeFormattingProvider: true,
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'dockerfile-slim' },
  };
});

connection.onInitialized(
  guarded(logError, 'initialized', undefined, async () => {
    if (client.workspaceFolderEvents) connection.workspace.onDidChangeWorkspaceFolders(guarded(logError, 'workspace folders', undefined, workspaceFoldersChanged));
    if (client.configurationRegistration) await connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION });
    if (client.watchedFilesRegistration) {
      await connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: `**/${WORKSPACE_CONFIG_FILE}` }] });
    }
  }),
);

function workspaceFoldersChanged(event: WorkspaceFoldersChangeEvent): void {
  client.workspaceFolders = changedFolders(client.workspaceFolders, event);
  settingsChanged();
}

// Validation: scheduled after each change, published only if the document and settings did not move on meanwhile.

function scheduleValidation(document: TextDocument): void {
  scheduler.schedule(document.uri, validationDelay(document.lineCount, document.getText().length), () => void validate(document.uri));
}

const validate = guarded(logError, 'validation', undefined, async (uri: string) => {
  const opened = documents.get(uri);
  if (!opened) return;
  const { version } = opened;
  const generation = settings.generation;
  const { editor, resolved } = await settings.get(uri);
  const document = documents.get(uri);
  // Stale: a newer validation is already scheduled.
  if (!document || document.version !== version || settings.generation !== generation) return;
  const withBase = base.baseValidationEnabled(editor.baseValidation, client.dockerExtensionInstalled);
  const { diagnostics, errors } = documentDiagnostics(document.getText(), { target: resolved.target, rules: resolved.rules }, withBase);
  errors.forEach(logOnce);
  published.set(uri, { version, slim: diagnostics.filter(isSlimDiagnostic) });
  await connection.sendDiagnostics({ uri, version, diagnostics });
});

function settingsChanged(options: { configFileChanged?: boolean } = {}): void {
  settings.clear(options);
  documents.all().forEach(scheduleValidation);
}

documents.onDidChangeContent((event) => scheduleValidation(event.document));

documents.onDidClose(({ document: { uri } }) => {
  scheduler.cancel(uri);
  settings.forget(uri);
  published.delete(uri);
  void connection.sendDiagnostics({ uri, diagnostics: [] });
});

connection.onDidChangeConfiguration(
  guarded(logError, 'configuration change', undefined, (params) => {
    const pushed = (params.settings as Record<string, unknown> | null | undefined)?.[SETTINGS_SECTION];
    if (pushed !== undefined) pushedSettings = pushed;
    settingsChanged();
  }),
);

connection.onDidChangeWatchedFiles(guarded(logError, 'watched files', undefined, () => settingsChanged({ configFileChanged: true })));

// Code actions and commands.

function actionTarget(document: TextDocument, version: number): ActionTarget {
  return { uri: document.uri, version, documentChanges: client.documentChanges };
}

connection.onCodeAction(
  guarded(logError, 'code actions', [], async ({ textDocument, context }) => {
    const document = documents.get(textDocument.uri);
    if (!document) return [];
    const quick = wantsKind(context.only, CodeActionKind.QuickFix) ? await quickFixActions(document, context.diagnostics) : [];
    const all = wantsKind(context.only, FIX_ALL_KIND) ? await fixAllActions(document.uri) : [];
    return [...quick, ...all];
  }),
);

/** From the diagnostics' data, for the version they were published for. */
const quickFixActions = guarded(logError, 'quick fixes', [], (document: TextDocument, diagnostics: Diagnostic[]) => {
  const last = published.get(document.uri);
  return quickFixes(actionTarget(document, last?.version ?? document.version), document.getText(), diagnostics, last?.slim);
});

/** Re-analyses the current text (fixes interact), with the document's settings. */
const fixAllActions = guarded(logError, 'fix all', [], async (uri: string): Promise<CodeAction[]> => {
  const { resolved } = await settings.get(uri);
  const document = documents.get(uri);
  const action = document && fixAllAction(actionTarget(document, document.version), document.getText(), { target: resolved.target, rules: resolved.rules });
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

// Standard Dockerfile features (dockerfile-language-service).

const textOf = (uri: string) => documents.get(uri)?.getText();

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
