// What the Image panel shows, computed before the webview renders it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { comparisonView, historyView, reportView, sizeChange } from '../../client/src/panel/view';
import type { BuildReport } from '../../client/src/panel/state';

test('size changes read as whole percents, except near 0 and 100', () => {
  assert.equal(sizeChange(726_000_000, 1_220_000), '−99.8%');
  assert.equal(sizeChange(100, 40), '−60%');
  assert.equal(sizeChange(1000, 1030), '+3.0%');
  assert.equal(sizeChange(0, 5), '−0.0%');
});

test('a report: total, base image part and own part, stale once the Dockerfile moved on', () => {
  const report: BuildReport = {
    imageId: 'sha256:1', size: 75_000_000, version: 3, builtAt: 0, durationMs: 1, engine: 'docker',
    layers: [{ size: 74_800_000, label: 'base', own: false }, { size: 15_100, label: 'COPY a /a', own: true, line: 9 }, { size: 9_200, label: 'RUN ldconfig', own: true, line: 11 }],
    findings: [],
  };
  const view = reportView(report, 3);
  assert.deepEqual([view.sizeText, view.baseSizeText, view.ownSizeText, view.stale], ['75.0 MB', '74.8 MB', '24.3 kB', false]);
  assert.deepEqual(view.layers.map((layer) => layer.sizeText), ['74.8 MB', '15.1 kB', '9.2 kB']);
  assert.equal(reportView(report, 4).stale, true);
});

test('history: each build against the one before it; before/after marks kept', () => {
  const entries = historyView([
    { time: 1, size: 726_000_000, imageId: 'a', mark: 'before' },
    { time: 2, size: 1_220_000, imageId: 'b', mark: 'after' },
    { time: 3, size: 1_220_000, imageId: 'b' },
  ]);
  assert.deepEqual(entries.map(({ sizeText, changeText, smaller, mark }) => ({ sizeText, changeText, smaller, mark })), [
    { sizeText: '726 MB', changeText: undefined, smaller: undefined, mark: 'before' },
    { sizeText: '1.2 MB', changeText: '−99.8%', smaller: true, mark: 'after' },
    { sizeText: '1.2 MB', changeText: undefined, smaller: undefined, mark: undefined },
  ]);
  assert.deepEqual(comparisonView({ before: 726_000_000, after: 1_220_000, proof: { text: 'starts', ok: true } }), {
    beforeText: '726 MB', afterText: '1.2 MB', changeText: '−99.8%', smaller: true, proof: { text: 'starts', ok: true },
  });
});
