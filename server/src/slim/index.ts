// "Slim this image": a single-stage toolchain image becomes a build stage and a runtime
// stage on the smallest base its program runs on; then every preferred fix is applied
// until none is left (exec form, cgo off or static linking, -s -w, CA certificates,
// a non-root user), in the Dockerfile and the Makefiles and scripts the build runs.
// Multi-stage files are improved in place. Pure: text and build context in, text out.
import { analyze, type AnalysisOptions } from '../analyze';
import { dockerfileRelative, type BuildContext } from '../context/build-context';
import { applyEdits, fixAllFiles, preferredFix, usesCrlfThroughout } from '../fixes';
import { isNativeBuild } from '../facts/builds';
import type { Facts } from '../facts/model';
import type { FileEdit } from '../rules/types';
import type { Severity } from '../shared/protocol';
import { narrowWholeStageCopies } from './narrow';
import { refusalReasons } from './refusals';
import type { SlimRuntime } from './runtime';
import { ownBuilds, planSplit } from './split';

export type { SlimRuntime } from './runtime';
export { SLIM_RUNTIMES } from './runtime';

export interface SlimInput {
  /** The Dockerfile's path (for messages); files it changes are returned relative to its folder. */
  path: string;
  text: string;
  context?: BuildContext;
  runtime?: SlimRuntime;
  target?: string;
  /** Severity overrides: rules turned `off` apply no fix. */
  rules?: Record<string, Severity>;
}

export type SlimResult =
  | {
      kind: 'slimmed';
      text: string;
      /** Other files the fixes changed (Makefiles, scripts), by path relative to the Dockerfile's folder. */
      otherFiles: { path: string; text: string }[];
      /** The final stage's base image. */
      runtimeBase: string;
      /** What was done, one short line each. */
      changes: string[];
      /** Error-level problems no fix can solve that the slimmed file still has (`SLIM011: …`). */
      remaining: string[];
    }
  | { kind: 'unchanged'; reason: string }
  | { kind: 'refused'; reasons: string[] };

const MAX_PASSES = 10;

/** slimDockerfile for a file that may use CRLF throughout: slimmed as LF text, its line endings kept. */
export function slimKeepingLineEndings(input: SlimInput): SlimResult {
  const crlf = usesCrlfThroughout(input.text);
  const result = slimDockerfile(crlf ? { ...input, text: input.text.replace(/\r\n/g, '\n') } : input);
  return crlf && result.kind === 'slimmed' ? { ...result, text: result.text.replace(/\r?\n/g, '\r\n') } : result;
}

export function slimDockerfile(input: SlimInput): SlimResult {
  const options: AnalysisOptions = { context: input.context, target: input.target, rules: input.rules };
  const facts = analyze(input.text, options).facts;
  const first = firstStep(facts, input.runtime ?? 'auto');
  if ('reasons' in first) return { kind: 'refused', reasons: first.reasons };
  const prepared = applyEdits(input.text, first.edits);
  // After a split the new runtime stage, the last, is the target.
  const target = first.split ? undefined : input.target;
  const fixed = applyPreferredFixes(prepared, withoutUnneededCertificates(prepared, { ...options, target }));
  if (fixed.text === input.text && fixed.files.size === 0) {
    return { kind: 'unchanged', reason: 'Already slim: the program is built in its own stage, and no preferred fix applies.' };
  }
  const after = analyze(fixed.text, { ...options, target, context: fixed.context });
  return {
    kind: 'slimmed',
    text: fixed.text,
    otherFiles: [...fixed.files].map(([path, text]) => ({ path, text })),
    runtimeBase: after.facts.runtimeChain[0]?.rootImage ?? 'unknown',
    changes: [...first.changes, ...fixed.titles],
    remaining: after.findings.filter((finding) => finding.severity === 'error').map((finding) => `${finding.code}: ${firstSentence(finding.message)}`),
  };
}

interface FirstStep {
  edits: FileEdit[];
  changes: string[];
  split: boolean;
}

/** Split a stage that builds and ships its own program; else narrow whole-stage copies; else say why not. */
function firstStep(facts: Facts, runtime: SlimRuntime): FirstStep | { reasons: string[] } {
  const target = facts.target;
  if (!target) return { reasons: ['The Dockerfile has no FROM instruction.'] };
  if (target.base.toolchain || ownBuilds(facts).some(isNativeBuild)) {
    const split = planSplit(facts, runtime);
    if ('reasons' in split) return split;
    const { stageName, runtimeImage, linkage } = split.plan;
    const kind = linkage === 'static' ? 'static binary' : `dynamic ${linkage} binary`;
    return { edits: split.plan.edits, changes: [`Split into build stage \`${stageName}\` and runtime stage on ${runtimeImage} (${kind})`], split: true };
  }
  if (!facts.artifacts.some((artifact) => isNativeBuild(artifact.build))) return { reasons: refusalReasons(facts) };
  const narrowing = narrowWholeStageCopies(facts);
  if (narrowing.reasons.length > 0) return { reasons: narrowing.reasons };
  return { edits: narrowing.edits, changes: narrowing.changes, split: false };
}

interface FixedFiles {
  text: string;
  files: Map<string, string>;
  titles: string[];
  context: BuildContext | undefined;
}

/** fixAllFiles one pass at a time, noting the titles of the fixes each pass applies. */
function applyPreferredFixes(text: string, options: AnalysisOptions): FixedFiles {
  const result: FixedFiles = { text, files: new Map(), titles: [], context: options.context };
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const passOptions = { ...options, context: result.context };
    const titles = analyze(result.text, passOptions).findings.flatMap((finding) => preferredFix(finding)?.title ?? []);
    const step = fixAllFiles(result.text, passOptions, 1);
    if (step.passes === 0) break;
    result.text = step.text;
    for (const [file, changed] of step.files) result.files.set(file, changed);
    result.context = options.context && withChanges(options.context, result.files);
    for (const title of titles) if (!result.titles.includes(title)) result.titles.push(title);
  }
  return result;
}

/** The context with the files changed so far (keys relative to the Dockerfile's folder). */
function withChanges(context: BuildContext, changed: ReadonlyMap<string, string>): BuildContext {
  return { ...context, files: () => context.files(), readFile: (relativePath) => changed.get(dockerfileRelative(context, relativePath)) ?? context.readFile(relativePath) };
}

/** CA certificates only for a program whose sources show a TLS client: SLIM005 also fires (as info) when they are not visible. */
function withoutUnneededCertificates(text: string, options: AnalysisOptions): AnalysisOptions {
  const { artifacts } = analyze(text, { ...options, rules: { ...options.rules, SLIM005: 'off' } }).facts;
  return artifacts.some((artifact) => artifact.tlsUse === 'yes') ? options : { ...options, rules: { ...options.rules, SLIM005: 'off' } };
}

function firstSentence(message: string): string {
  const end = message.search(/\.(\s|$)/);
  return end < 0 ? message : message.slice(0, end + 1);
}
