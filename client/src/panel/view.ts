// PanelState's display parts, computed here once (sizes and changes as text) so the
// webview script only renders. No `vscode` import.
import { formatBytes } from '../../../server/src/image/inspect';
import type { SizeEntry } from './size-history';
import type { BuildReport, PanelState, ReportView } from './state';

export interface SizeComparison {
  before: number;
  after: number;
  /** The result of starting the slimmed image once, when the user enabled it. */
  proof?: { text: string; ok: boolean };
}

export function comparisonView({ before, after, proof }: SizeComparison): NonNullable<PanelState['comparison']> {
  return { beforeText: formatBytes(before), afterText: formatBytes(after), changeText: sizeChange(before, after), smaller: after < before, ...(proof ? { proof } : {}) };
}

/** `−98.7%`, `+3.0%`. */
export function sizeChange(before: number, after: number): string {
  const change = before > 0 ? ((after - before) / before) * 100 : 0;
  // Whole percents read best, except near 0 and 100 where they would round away the difference.
  const magnitude = Math.abs(change);
  const percent = magnitude >= 10 && magnitude < 99.5 ? magnitude.toFixed(0) : magnitude.toFixed(1);
  return `${change <= 0 ? '−' : '+'}${percent}%`;
}

export function reportView(report: BuildReport, version: number): ReportView {
  const sum = (own: boolean) => report.layers.reduce((total, layer) => total + (layer.own === own ? layer.size : 0), 0);
  return {
    ...report,
    stale: report.version !== version,
    sizeText: formatBytes(report.size),
    baseSizeText: formatBytes(sum(false)),
    ownSizeText: formatBytes(sum(true)),
    layers: report.layers.map((layer) => ({ ...layer, sizeText: formatBytes(layer.size) })),
  };
}

export function historyView(entries: readonly SizeEntry[]): PanelState['history'] {
  return entries.map((entry, index) => {
    const previous = entries[index - 1];
    const changed = previous !== undefined && previous.size !== entry.size;
    return { ...entry, sizeText: formatBytes(entry.size), ...(changed ? { changeText: sizeChange(previous.size, entry.size), smaller: entry.size < previous.size } : {}) };
  });
}
