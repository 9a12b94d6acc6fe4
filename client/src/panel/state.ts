// What the extension sends the panel's webview and what the webview sends back. The
// webview script (media/panel.js) renders PanelState as it is; it holds no state of its own.
import type { StageSummary } from '../../../server/src/shared/protocol';
import type { SizeEntry } from './size-history';

export interface LayerRow {
  size: number;
  /** The instruction that made it, shortened for display. */
  label: string;
  /** Made by this Dockerfile; false: part of the base image. */
  own: boolean;
  /** 0-based line of the instruction that made it, when placed. */
  line?: number;
}

export interface FindingRow {
  code: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  path?: string;
  layer?: number;
  line?: number;
}

export interface BuildReport {
  imageId: string;
  size: number;
  target?: string;
  /** The Dockerfile version that was built. */
  version: number;
  builtAt: number;
  durationMs: number;
  engine: 'docker' | 'podman';
  layers: LayerRow[];
  findings: FindingRow[];
}

export interface PanelProblem {
  message: string;
  nextStep?: string;
  /** What the engine printed, as it printed it. */
  engineText?: string;
}

export interface PanelState {
  /** The Dockerfile the panel follows; undefined until one is opened. */
  dockerfile?: { uri: string; label: string };
  /** Why nothing can be built here (untrusted workspace, not on disk); undefined when building is allowed. */
  blocked?: string;
  stages: StageSummary[];
  /** The chosen target; '' = the last stage. */
  target: string;
  busy?: { phase: 'building' | 'inspecting'; detail: string };
  problem?: PanelProblem;
  report?: ReportView;
  /** The last "Slim this image" run: the original's and the slimmed image's sizes. */
  comparison?: { beforeText: string; afterText: string; changeText: string; smaller: boolean; proof?: { text: string; ok: boolean } };
  /** Oldest first; `changeText` against the build before it. */
  history: (SizeEntry & { sizeText: string; changeText?: string; smaller?: boolean })[];
}

/** A report as shown: sizes formatted once, here, for the script. */
export interface ReportView extends BuildReport {
  /** The Dockerfile changed since this build. */
  stale: boolean;
  sizeText: string;
  baseSizeText: string;
  ownSizeText: string;
  layers: (LayerRow & { sizeText: string })[];
}

export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'build'; target: string }
  | { type: 'cancel' }
  | { type: 'target'; target: string }
  | { type: 'reveal'; line: number }
  | { type: 'manageTrust' };
