// Owns the language client: start, stop, restart. Features register through it
// and keep working across restarts.
import * as vscode from 'vscode';
import { LanguageClient, type LanguageClientOptions, type ServerOptions, TransportKind } from 'vscode-languageclient/node';
import type { Middleware } from 'vscode-languageclient';
import { DOCKER_EXTENSION_IDS, type InitializationOptions } from '../../server/src/shared/protocol';

export class Ctx {
  private client: LanguageClient | undefined;
  private readonly middlewares: Middleware[] = [];
  private readonly clientCreated = new vscode.EventEmitter<LanguageClient>();
  /** Each new client, before it starts (a restart makes a new one): its onDidChangeState reports the server from Starting on. */
  readonly onDidCreateClient = this.clientCreated.event;

  constructor(readonly extension: vscode.ExtensionContext, readonly log: vscode.LogOutputChannel) {}

  /** Features add middleware before the first start. */
  addMiddleware(middleware: Middleware): void {
    this.middlewares.push(middleware);
  }

  async start(): Promise<void> {
    const serverModule = this.extension.asAbsolutePath('dist/server.js');
    const serverOptions: ServerOptions = {
      run: { module: serverModule, transport: TransportKind.ipc },
      debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
    };
    const clientOptions: LanguageClientOptions = {
      // Dockerfiles are linted; the build-context sources are synced too, so their unsaved
      // text is analysed and their diagnostics (a Makefile's LDFLAGS) get quick fixes.
      documentSelector: [
        { language: 'dockerfile', scheme: 'file' },
        { language: 'dockerfile', scheme: 'untitled' },
        ...['go', 'go.mod', 'makefile', 'shellscript', 'c', 'cpp'].map((language) => ({ language, scheme: 'file' })),
        { pattern: '**/go.mod', scheme: 'file' },
      ],
      synchronize: { configurationSection: 'dockerfileSlim' },
      initializationOptions: { dockerExtensionInstalled: dockerExtensionInstalled() } satisfies InitializationOptions,
      outputChannel: this.log,
      middleware: Object.assign({}, ...this.middlewares),
    };
    this.client = new LanguageClient('dockerfileSlim', 'Dockerfile Slim', serverOptions, clientOptions);
    this.clientCreated.fire(this.client);
    await this.client.start();
  }

  /** A custom request to the server; undefined while it is not running. */
  async request<R>(method: string, params: unknown): Promise<R | undefined> {
    const client = this.client;
    if (!client?.isRunning()) return undefined;
    return (await client.sendRequest<R | null>(method, params)) ?? undefined;
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.stop();
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }
}

export function dockerExtensionInstalled(): boolean {
  return DOCKER_EXTENSION_IDS.some((id) => vscode.extensions.getExtension(id) !== undefined);
}
