// A small LSP client over stdio for tests: spawns the built server (dist/server.js),
// answers its requests (configuration, registrations, showDocument) and records
// what it sends. Waits are on specific messages with a timeout, never on sleeps.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  IPCMessageReader,
  IPCMessageWriter,
  StreamMessageReader,
  StreamMessageWriter,
  type ClientCapabilities,
  type ConfigurationParams,
  type LogMessageParams,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type Registration,
  type RegistrationParams,
  type ShowDocumentParams,
  type ShowMessageParams,
  type TextDocumentContentChangeEvent,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';

export const DIST_SERVER = path.join(__dirname, '..', '..', 'dist', 'server.js');
export const DEFAULT_TIMEOUT_MS = 10_000;

/** What a capable editor (VS Code-like) announces. */
export const FULL_CAPABILITIES: ClientCapabilities = {
  workspace: {
    configuration: true,
    workspaceFolders: true,
    didChangeConfiguration: { dynamicRegistration: true },
    didChangeWatchedFiles: { dynamicRegistration: true },
    workspaceEdit: { documentChanges: true },
  },
  window: { showDocument: { support: true } },
  textDocument: {
    synchronization: { dynamicRegistration: false },
    publishDiagnostics: { versionSupport: true, codeDescriptionSupport: true, dataSupport: true, relatedInformation: true },
    codeAction: {
      codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source', 'source.fixAll'] } },
      isPreferredSupport: true,
      dataSupport: true,
    },
    completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] } },
    hover: { contentFormat: ['markdown', 'plaintext'] },
  },
};

export interface StartOptions {
  capabilities?: ClientCapabilities;
  initializationOptions?: unknown;
  /** Folder paths. */
  workspaceFolders?: string[];
  /** The `dockerfileSlim` section returned to workspace/configuration. */
  settings?: unknown;
  /** `stdio` (default, any editor) or `node-ipc` (what VS Code's client uses). */
  transport?: 'stdio' | 'node-ipc';
}

export interface Published extends PublishDiagnosticsParams {
  /** Order of arrival, to wait for a publish newer than one already seen. */
  seq: number;
}

interface Waiter {
  check: () => void;
}

export function fileUri(file: string): string {
  return pathToFileURL(file).toString();
}

export class LspClient {
  /** The answer to workspace/configuration for `dockerfileSlim`; tests change it, then notify. */
  settings: unknown;
  readonly published: Published[] = [];
  readonly messages: ShowMessageParams[] = [];
  readonly logs: LogMessageParams[] = [];
  readonly shownDocuments: ShowDocumentParams[] = [];
  readonly registrations: Registration[] = [];
  readonly configurationRequests: ConfigurationParams[] = [];
  /** The client's copy of each open document. */
  readonly documents = new Map<string, TextDocument>();
  stderr = '';
  private readonly waiters = new Set<Waiter>();
  private exited = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly connection: ProtocolConnection,
  ) {
    // The server may be gone before the client stops writing: not a test failure by itself.
    child.stdin!.on('error', () => undefined);
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    child.on('exit', () => {
      this.exited = true;
      this.poke();
    });
    this.answerServerRequests();
    this.recordNotifications();
  }

  static async start(options: StartOptions = {}): Promise<LspClient> {
    const ipc = options.transport === 'node-ipc';
    const child = ipc
      ? spawn(process.execPath, [DIST_SERVER, '--node-ipc'], { stdio: ['pipe', 'pipe', 'pipe', 'ipc'] })
      : spawn(process.execPath, [DIST_SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const connection = ipc
      ? createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child))
      : createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new LspClient(child, connection);
    client.settings = options.settings;
    connection.listen();
    const folders = options.workspaceFolders ?? [];
    await client.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: folders[0] ? fileUri(folders[0]) : null,
      workspaceFolders: folders.map((folder) => ({ uri: fileUri(folder), name: path.basename(folder) })),
      capabilities: options.capabilities ?? FULL_CAPABILITIES,
      initializationOptions: options.initializationOptions,
    });
    await client.connection.sendNotification('initialized', {});
    return client;
  }

  get alive(): boolean {
    return !this.exited && this.child.exitCode === null;
  }

  private answerServerRequests(): void {
    this.connection.onRequest('workspace/configuration', (params: ConfigurationParams) => {
      this.configurationRequests.push(params);
      this.poke();
      return params.items.map((item) => (item.section === 'dockerfileSlim' ? (this.settings ?? null) : null));
    });
    this.connection.onRequest('client/registerCapability', (params: RegistrationParams) => {
      this.registrations.push(...params.registrations);
      this.poke();
      return null;
    });
    this.connection.onRequest('client/unregisterCapability', () => null);
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.onRequest('window/showMessageRequest', (params: ShowMessageParams) => {
      this.messages.push(params);
      this.poke();
      return null;
    });
    this.connection.onRequest('window/showDocument', (params: ShowDocumentParams) => {
      this.shownDocuments.push(params);
      this.poke();
      return { success: true };
    });
  }

  private recordNotifications(): void {
    let seq = 0;
    this.connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      this.published.push({ ...params, seq: ++seq });
      this.poke();
    });
    this.connection.onNotification('window/showMessage', (params: ShowMessageParams) => {
      this.messages.push(params);
      this.poke();
    });
    this.connection.onNotification('window/logMessage', (params: LogMessageParams) => {
      this.logs.push(params);
      this.poke();
    });
  }

  /** Re-checks every waiter after anything arrives. */
  private poke(): void {
    for (const waiter of [...this.waiters]) waiter.check();
  }

  /** Resolves with the first defined value of `probe`, checked now and after each message; rejects after `timeoutMs`. */
  waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const finish = (settle: () => void) => {
        this.waiters.delete(waiter);
        clearTimeout(timer);
        settle();
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}${this.diagnosis()}`))), timeoutMs);
      const waiter: Waiter = {
        check: () => {
          try {
            const value = probe();
            if (value !== undefined) finish(() => resolve(value));
            else if (!this.alive) finish(() => reject(new Error(`server exited while waiting for ${what}${this.diagnosis()}`)));
          } catch (error) {
            finish(() => reject(error));
          }
        },
      };
      this.waiters.add(waiter);
      waiter.check();
    });
  }

  private diagnosis(): string {
    return `\nserver stderr:\n${this.stderr}\nserver log:\n${this.logs.map((log) => log.message).join('\n')}`;
  }

  /** The newest publish for `uri` (after `afterSeq`) that satisfies `accept`. */
  waitForDiagnostics(uri: string, accept: (published: Published) => boolean = () => true, afterSeq = 0, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Published> {
    return this.waitFor(`diagnostics for ${uri}`, () => this.published.filter((p) => p.uri === uri && p.seq > afterSeq && accept(p)).at(-1), timeoutMs);
  }

  /** Diagnostics published for exactly this document version. */
  waitForVersion(uri: string, version: number, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Published> {
    return this.waitForDiagnostics(uri, (p) => p.version === version, 0, timeoutMs);
  }

  get lastSeq(): number {
    return this.published.at(-1)?.seq ?? 0;
  }

  async open(uri: string, text: string, version = 1, languageId = 'dockerfile'): Promise<void> {
    this.documents.set(uri, TextDocument.create(uri, languageId, version, text));
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  /** Sends the changes and applies them to the client's copy too. */
  async change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): Promise<void> {
    const document = this.documents.get(uri);
    if (!document) throw new Error(`${uri} is not open`);
    this.documents.set(uri, TextDocument.update(document, changes, version));
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
  }

  async close(uri: string): Promise<void> {
    this.documents.delete(uri);
    await this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  text(uri: string): string {
    const document = this.documents.get(uri);
    if (!document) throw new Error(`${uri} is not open`);
    return document.getText();
  }

  /**
   * Applies a workspace edit to one open document as an editor would: refuses it when
   * its version is not the document's, then sends the edits as incremental changes
   * (last position first, so each keeps its original coordinates). Returns the new version.
   */
  async applyEdit(edit: WorkspaceEdit): Promise<number> {
    const perDocument = [
      ...(edit.documentChanges ?? []).map((change) => {
        if (!('textDocument' in change)) throw new Error('only text edits are supported');
        return { uri: change.textDocument.uri, version: change.textDocument.version, edits: change.edits as TextEdit[] };
      }),
      ...Object.entries(edit.changes ?? {}).map(([uri, edits]) => ({ uri, version: null, edits })),
    ];
    if (perDocument.length !== 1) throw new Error(`expected edits to one document, got ${perDocument.length}`);
    const [{ uri, version, edits }] = perDocument;
    const document = this.documents.get(uri);
    if (!document) throw new Error(`${uri} is not open`);
    if (version !== null && version !== document.version) throw new Error(`edit is for version ${version}, document is at ${document.version}`);
    const ordered = [...edits].sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character);
    const next = document.version + 1;
    await this.change(uri, next, ordered.map((e) => ({ range: e.range, text: e.newText })));
    return next;
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  notify(method: string, params: unknown): Promise<void> {
    return this.connection.sendNotification(method, params);
  }

  /** Orderly shutdown; kills the server if it does not exit in time. */
  async stop(): Promise<void> {
    if (this.alive) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      try {
        await withTimeout(this.connection.sendRequest('shutdown'), 5000);
        await this.connection.sendNotification('exit');
        await withTimeout(exited, 5000);
      } catch {
        this.child.kill('SIGKILL');
      }
    }
    this.connection.dispose();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
