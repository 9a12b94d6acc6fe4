// The "Image" view in the Dockerfile Slim activity-bar container. It follows the active
// Dockerfile, builds it on request (one build at a time), and shows the last report,
// problem and size history of that Dockerfile. The webview only renders PanelState.
import * as vscode from 'vscode';
import { DESCRIBE_DOCKERFILE_REQUEST, type DockerfileDescription, type StageSummary } from '../../../server/src/shared/protocol';
import type { Ctx } from '../ctx';
import { canRunEngine } from '../engine/vscode';
import { buildAndInspect, FlowError } from './build-flow';
import { panelHtml } from './html';
import { SizeHistory, type SizeMark } from './size-history';
import type { BuildReport, PanelProblem, PanelState, WebviewMessage } from './state';
import { comparisonView, historyView, reportView, type SizeComparison } from './view';

export const VIEW_ID = 'dockerfileSlim.panel';
const BUILDING_CONTEXT = 'dockerfileSlim.building';
const STAGES_DELAY_MS = 300;

interface Running {
  uri: string;
  controller: AbortController;
  busy: NonNullable<PanelState['busy']>;
}

export interface BuildOptions {
  target?: string;
  /** Marks the size history entry ("Slim this image" builds before and after). */
  mark?: SizeMark;
  /** Build this earlier text of the Dockerfile; the panel keeps showing the current text's report. */
  earlierText?: string;
}

export class ImagePanel implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private followed: vscode.TextDocument | undefined;
  private stages: StageSummary[] = [];
  private running: Running | undefined;
  private readonly targets = new Map<string, string>();
  private readonly reports = new Map<string, BuildReport>();
  private readonly problems = new Map<string, PanelProblem>();
  private readonly comparisons = new Map<string, SizeComparison>();
  private readonly history: SizeHistory;
  private readonly disposables: vscode.Disposable[] = [];
  private stagesTimer: NodeJS.Timeout | undefined;

  constructor(private readonly ctx: Ctx) {
    this.history = new SizeHistory(ctx.extension.workspaceState);
    this.disposables.push(
      // Focus moving to the panel (no editor) keeps the Dockerfile it shows.
      vscode.window.onDidChangeActiveTextEditor((editor) => editor && this.follow(editor.document)),
      vscode.workspace.onDidChangeTextDocument(({ document }) => {
        if (document === this.followed) this.scheduleStages();
      }),
      vscode.workspace.onDidCloseTextDocument((document) => {
        if (document === this.followed) this.follow(undefined);
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.render()),
    );
    this.follow(vscode.window.activeTextEditor?.document);
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const mediaRoot = vscode.Uri.joinPath(this.ctx.extension.extensionUri, 'media');
    view.webview.options = { enableScripts: true, localResourceRoots: [mediaRoot] };
    view.webview.html = panelHtml(view.webview, this.ctx.extension.extensionUri);
    view.webview.onDidReceiveMessage((message: WebviewMessage) => void this.receive(message), undefined, this.disposables);
    view.onDidChangeVisibility(() => this.render(), undefined, this.disposables);
    view.onDidDispose(() => (this.view = undefined), undefined, this.disposables);
  }

  /** The Dockerfile a command without an argument acts on: the active one, else the one shown. */
  currentDockerfile(): vscode.TextDocument | undefined {
    const active = vscode.window.activeTextEditor?.document;
    return active && isDockerfile(active) ? active : this.followed;
  }

  /** Builds DOCUMENT and shows the result here; undefined when it failed or was cancelled (the panel says why). */
  async build(document: vscode.TextDocument, options: BuildOptions = {}): Promise<BuildReport | undefined> {
    const uri = document.uri.toString();
    const permission = canRunEngine();
    if (!permission.ok) {
      this.problems.set(uri, { message: permission.reason });
      this.render();
      return undefined;
    }
    if (this.running) {
      void vscode.window.showInformationMessage('A build is already running; cancel it or wait for it to finish.');
      return undefined;
    }
    const target = options.target ?? this.targets.get(uri) ?? '';
    this.follow(document);
    const running: Running = { uri, controller: new AbortController(), busy: { phase: 'building', detail: 'starting' } };
    this.running = running;
    this.problems.delete(uri);
    await setBuilding(true);
    this.render();
    try {
      const report = await buildAndInspect(this.ctx, document, {
        target,
        earlierText: options.earlierText,
        signal: running.controller.signal,
        onStatus: (phase, detail) => {
          running.busy = { phase, detail };
          this.render();
        },
      });
      if (options.earlierText === undefined) this.reports.set(uri, report);
      await this.history.add(uri, { time: report.builtAt, size: report.size, imageId: report.imageId, target: report.target, ...(options.mark ? { mark: options.mark } : {}) });
      return report;
    } catch (error) {
      const failure = FlowError.from(error);
      this.problems.set(uri, failure.problem);
      if (!failure.cancelled) this.ctx.log.error(`Build of ${vscode.workspace.asRelativePath(document.uri)} failed: ${failure.problem.message}`);
      return undefined;
    } finally {
      this.running = undefined;
      await setBuilding(false);
      this.render();
    }
  }

  /** Shows a before/after comparison ("Slim this image") above the report. */
  compare(document: vscode.TextDocument, comparison: SizeComparison): void {
    this.comparisons.set(document.uri.toString(), comparison);
    this.render();
  }

  cancel(): void {
    this.running?.controller.abort();
  }

  /** Shows the view (opening its container) and follows DOCUMENT. */
  async reveal(document?: vscode.TextDocument): Promise<void> {
    if (document) this.follow(document);
    await vscode.commands.executeCommand(`${VIEW_ID}.focus`);
  }

  dispose(): void {
    this.cancel();
    clearTimeout(this.stagesTimer);
    for (const disposable of this.disposables) disposable.dispose();
  }

  private follow(document: vscode.TextDocument | undefined): void {
    if (document && !isDockerfile(document)) return;
    if (document === this.followed) return;
    this.followed = document;
    this.stages = [];
    this.render();
    void this.refreshStages();
  }

  private scheduleStages(): void {
    clearTimeout(this.stagesTimer);
    this.stagesTimer = setTimeout(() => void this.refreshStages(), STAGES_DELAY_MS);
    // The shown report turns stale with the first edit; without one, nothing changes until the stages do.
    if (this.followed && this.reports.has(this.followed.uri.toString())) this.render();
  }

  private async refreshStages(): Promise<void> {
    const document = this.followed;
    if (!document) return;
    const uri = document.uri.toString();
    const description = await this.ctx.request<DockerfileDescription>(DESCRIBE_DOCKERFILE_REQUEST, { uri }).catch(() => undefined);
    if (document !== this.followed || !description) return;
    this.stages = description.stages;
    if (!this.targets.has(uri) && description.configuredTarget) this.targets.set(uri, description.configuredTarget);
    this.render();
  }

  private async receive(message: WebviewMessage): Promise<void> {
    const document = this.followed;
    switch (message.type) {
      case 'ready':
        return this.render();
      case 'build':
        if (document) await this.build(document, { target: String(message.target ?? '') });
        return;
      case 'cancel':
        return this.cancel();
      case 'target':
        if (document) this.targets.set(document.uri.toString(), String(message.target ?? ''));
        return this.render();
      case 'reveal':
        if (document && Number.isInteger(message.line)) await revealLine(document, message.line);
        return;
      case 'manageTrust':
        await vscode.commands.executeCommand('workbench.trust.manage');
        return;
    }
  }

  private render(): void {
    if (!this.view?.visible) return;
    void this.view.webview.postMessage({ type: 'state', state: this.state() });
  }

  private state(): PanelState {
    const document = this.followed;
    if (!document) return { stages: [], target: '', history: [] };
    const uri = document.uri.toString();
    const report = this.reports.get(uri);
    const permission = canRunEngine();
    return {
      dockerfile: { uri, label: vscode.workspace.asRelativePath(document.uri) },
      ...(permission.ok ? (document.uri.scheme === 'file' ? {} : { blocked: 'Only a Dockerfile saved on disk can be built.' }) : { blocked: permission.reason }),
      stages: this.stages,
      target: this.targets.get(uri) ?? '',
      ...(this.running?.uri === uri ? { busy: this.running.busy } : {}),
      ...(this.problems.has(uri) ? { problem: this.problems.get(uri) } : {}),
      ...(report ? { report: reportView(report, document.version) } : {}),
      ...(this.comparisons.has(uri) ? { comparison: comparisonView(this.comparisons.get(uri)!) } : {}),
      history: historyView(this.history.entries(uri)),
    };
  }
}

function isDockerfile(document: vscode.TextDocument): boolean {
  return document.languageId === 'dockerfile';
}

async function revealLine(document: vscode.TextDocument, line: number): Promise<void> {
  const position = new vscode.Position(Math.min(line, document.lineCount - 1), 0);
  const editor = await vscode.window.showTextDocument(document, { selection: new vscode.Range(position, position), preserveFocus: false });
  editor.revealRange(editor.selection, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

async function setBuilding(building: boolean): Promise<void> {
  await vscode.commands.executeCommand('setContext', BUILDING_CONTEXT, building);
}
