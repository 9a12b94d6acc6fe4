// Places SLIM9xx findings of a built image on the Dockerfile instruction that caused
// them: config findings on the last CMD/ENTRYPOINT/HEALTHCHECK/USER of the runtime
// chain, layer findings on the RUN/COPY/ADD whose history line made the layer, else on
// the COPY whose destination holds the file. Layers the chain did not make came from the
// base image: their findings go on the FROM that names it. The Dockerfile may be
// malformed or edited since the build, so nothing here throws; what cannot be placed is
// left out.
import type { Copy, From, Instruction } from 'dockerfile-ast';
import type { Range } from 'vscode-languageserver-textdocument';
import { copyPaths, extractFacts } from '../facts/extract';
import { resolvePath, workdirAt } from '../facts/builds';
import type { Facts, Stage } from '../facts/model';
import { commandOf, parseDockerfile, type ParsedDockerfile } from '../parse/dockerfile';
import type { ImageFinding } from './inspect';

/**
 * One line of the image's history. Either one entry per layer (as `InspectedLayer[]`),
 * or the full history with `emptyLayer` set on the entries that made no layer.
 */
export interface HistoryLine {
  createdBy?: string;
  emptyLayer?: boolean;
}

export interface LocatedFinding {
  finding: ImageFinding;
  /** 0-based LSP range in the Dockerfile: the instruction's command, destination or image. */
  range: Range;
}

export interface LocateOptions {
  /** `--target`; the last stage when unset or unknown. */
  target?: string;
}

interface ChainInstruction {
  stage: Stage;
  instruction: Instruction;
}

export function locateFindings(dockerfileText: string, findings: readonly ImageFinding[], history: readonly HistoryLine[], options: LocateOptions = {}): LocatedFinding[] {
  let locator: Locator;
  try {
    locator = new Locator(dockerfileText, history, options);
  } catch {
    return [];
  }
  return findings.flatMap((finding) => {
    try {
      const instruction = locator.locate(finding);
      const range = instruction && rangeOf(locator.doc, instruction);
      return range ? [{ finding, range }] : [];
    } catch {
      return [];
    }
  });
}

export interface LayerPlace {
  /** Made by the runtime chain (false: it came with the base image). */
  own: boolean;
  /** The instruction that made it, when known. */
  range?: Range;
}

/** For each history line: whether the runtime chain made it, and the instruction that did. */
export function locateLayers(dockerfileText: string, history: readonly HistoryLine[], options: LocateOptions = {}): LayerPlace[] {
  try {
    return new Locator(dockerfileText, history, options).layers();
  } catch {
    return history.map(() => ({ own: false }));
  }
}

class Locator {
  readonly doc: ParsedDockerfile;
  private readonly facts: Facts;
  private readonly chain: ChainInstruction[];
  private readonly history: readonly HistoryLine[];
  /** History index → the chain instruction that wrote it; missing = not made by the chain. */
  private readonly madeBy: Map<number, ChainInstruction>;

  constructor(text: string, history: readonly HistoryLine[], options: LocateOptions) {
    this.doc = parseDockerfile(text);
    this.facts = extractFacts(this.doc, { target: options.target });
    this.chain = this.facts.runtimeChain.flatMap((stage) => stage.instructions.map((instruction) => ({ stage, instruction })));
    this.history = Array.isArray(history) ? history : [];
    this.madeBy = alignHistory(this.doc, this.history, this.chain);
  }

  /** Lines before the first one the chain made are the base image's; those after it are the chain's, matched or not. */
  layers(): LayerPlace[] {
    const firstOwn = Math.min(...this.madeBy.keys());
    return this.history.map((_, index) => {
      const instruction = this.madeBy.get(index)?.instruction;
      const range = instruction && rangeOf(this.doc, instruction);
      return { own: index >= firstOwn, ...(range ? { range } : {}) };
    });
  }

  locate(finding: ImageFinding): Instruction | undefined {
    if (!this.facts.target) return undefined;
    if (finding.instruction) return this.lastInChain(finding.instruction) ?? this.baseFrom();
    const entry = this.historyIndexOf(finding);
    if (entry !== undefined) return this.madeBy.get(entry)?.instruction ?? this.baseFrom();
    if (finding.createdBy) return this.matchingInstruction(finding.createdBy) ?? this.baseFrom();
    // No history for the layer: a file path can still name its COPY.
    return finding.path ? this.copyHolding(finding.path) : undefined;
  }

  /** Without a history to align: the last instruction of the chain whose text matches the line. */
  private matchingInstruction(createdBy: string): Instruction | undefined {
    const step = parseHistoryLine(createdBy);
    if (!step.kind) return undefined;
    return [...this.chain].reverse().find((item) => sameKind(item.instruction, step) && textMatches(this.doc, item, step))?.instruction;
  }

  private lastInChain(keyword: string): Instruction | undefined {
    return [...this.chain].reverse().find((item) => item.instruction.getKeyword() === keyword)?.instruction;
  }

  /** The FROM that names the base image (the root of the runtime chain). */
  private baseFrom(): From | undefined {
    return this.facts.runtimeChain[0]?.from;
  }

  /** The history line of the finding's layer: its createdBy text (nearest the layer's position when repeated), else its position. */
  private historyIndexOf(finding: ImageFinding): number | undefined {
    const position = finding.layer === undefined ? undefined : this.layerEntry(finding.layer);
    if (finding.createdBy === undefined) return position;
    const same = this.history.flatMap((line, index) => (line?.createdBy === finding.createdBy ? [index] : []));
    if (same.length === 0) return undefined;
    if (position === undefined || same.length === 1) return same[same.length - 1];
    return same.reduce((best, index) => (Math.abs(index - position) < Math.abs(best - position) ? index : best));
  }

  /** The index in `history` of layer number LAYER, skipping lines that made no layer. */
  private layerEntry(layer: number): number | undefined {
    let seen = -1;
    for (let index = 0; index < this.history.length; index++) {
      if (this.history[index]?.emptyLayer) continue;
      if (++seen === layer) return index;
    }
    return undefined;
  }

  /** The last COPY/ADD of the chain whose destination is PATH or a folder above it. */
  private copyHolding(path: string): Instruction | undefined {
    const target = resolvePath('/', path);
    if (!target) return undefined;
    for (const { stage, instruction } of [...this.chain].reverse()) {
      const keyword = instruction.getKeyword();
      if (keyword !== 'COPY' && keyword !== 'ADD') continue;
      const destination = resolvePath(workdirAt(this.doc, stage, instruction), copyPaths(instruction as Copy).destination);
      if (destination && holds(destination, target)) return instruction;
    }
    return undefined;
  }
}

function holds(directory: string, path: string): boolean {
  return directory === '/' || path === directory || path.startsWith(directory + '/');
}

// ---------------------------------------------------------------------------
// History lines ↔ instructions.

type LayerKind = 'RUN' | 'COPY' | 'ADD';
const LAYER_KINDS = new Set<string>(['RUN', 'COPY', 'ADD']);

interface HistoryStep {
  /** RUN, COPY, ADD; undefined for metadata-only lines and lines not understood. */
  kind: LayerKind | undefined;
  /** RUN: the command; COPY/ADD: the destination. Whitespace collapsed. */
  text: string;
  /** RUN: the line before the command was stripped (a custom SHELL's prefix stays in it). */
  whole: string;
}

/**
 * Pairs history lines with the chain's layer-making instructions, both walked from the
 * end: the last lines of the history are the chain's own. A line pairs with the nearest
 * earlier instruction of its kind whose text matches; failing that, with the next
 * instruction of its kind when only metadata instructions lie between (the text may
 * differ by variables or SHELL). Lines left over once the chain is used up are the base
 * image's.
 */
function alignHistory(doc: ParsedDockerfile, history: readonly HistoryLine[], chain: readonly ChainInstruction[]): Map<number, ChainInstruction> {
  const madeBy = new Map<number, ChainInstruction>();
  let next = chain.length - 1;
  for (let index = history.length - 1; index >= 0 && next >= 0; index--) {
    const step = parseHistoryLine(history[index]?.createdBy);
    if (!step.kind) continue;
    const matched = findMatch(doc, chain, next, step);
    if (matched === undefined) continue;
    madeBy.set(index, chain[matched]);
    next = matched - 1;
  }
  return madeBy;
}

function findMatch(doc: ParsedDockerfile, chain: readonly ChainInstruction[], from: number, step: HistoryStep): number | undefined {
  for (let k = from; k >= 0; k--) {
    if (sameKind(chain[k].instruction, step) && textMatches(doc, chain[k], step)) return k;
  }
  for (let k = from; k >= 0; k--) {
    const keyword = chain[k].instruction.getKeyword();
    if (sameKind(chain[k].instruction, step)) return k;
    if (LAYER_KINDS.has(keyword)) return undefined;
  }
  return undefined;
}

function sameKind(instruction: Instruction, step: HistoryStep): boolean {
  const keyword = instruction.getKeyword();
  if (step.kind === 'RUN') return keyword === 'RUN';
  return keyword === 'COPY' || keyword === 'ADD';
}

function textMatches(doc: ParsedDockerfile, item: ChainInstruction, step: HistoryStep): boolean {
  const { instruction } = item;
  if (step.kind === 'RUN') {
    const command = runText(doc, instruction);
    return command !== undefined && (step.text === command || step.whole.endsWith(` -c ${command}`));
  }
  const destination = copyPaths(instruction as Copy).destination;
  if (collapse(destination) === step.text || trimSlash(destination) === trimSlash(step.text)) return true;
  const workdir = workdirAt(doc, item.stage, instruction);
  const resolved = resolvePath(workdir, destination);
  return resolved !== undefined && resolved === resolvePath(workdir, step.text);
}

/** A RUN's command as the engine records it: continuations joined, comment lines dropped, whitespace collapsed. */
function runText(doc: ParsedDockerfile, instruction: Instruction): string | undefined {
  const command = commandOf(doc, instruction);
  if (!command) return undefined;
  const escape = doc.escapeChar.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
  const joined = command.text
    .split(/\r\n|\r|\n/)
    .filter((line, index) => index === 0 || !/^\s*#/.test(line))
    .join('\n')
    .replace(new RegExp(`${escape}\\r?\\n`, 'g'), '');
  return collapse(joined);
}

/**
 * Classic builder: `/bin/sh -c #(nop) COPY file:abc in /app `, `/bin/sh -c #(nop)  CMD …`,
 * `/bin/sh -c apt-get …`, `|1 V=2 /bin/sh -c …` (with build args).
 * BuildKit: `COPY /out/app /app # buildkit`, `RUN /bin/sh -c apt-get … # buildkit`, `CMD […]`.
 */
export function parseHistoryLine(createdBy: string | undefined): HistoryStep {
  const text = collapse((createdBy ?? '').replace(/\s+# buildkit\s*$/, ''));
  const nop = /^\/bin\/sh -c #\(nop\) ?(.*)$/.exec(text);
  if (nop) return instructionStep(nop[1].trim());
  const keyword = /^([A-Za-z]+)\s/.exec(text)?.[1].toUpperCase();
  if (keyword && /^[A-Z]+$/.test(keyword) && text.slice(0, keyword.length) === keyword) return instructionStep(text);
  if (text === '') return { kind: undefined, text: '', whole: '' };
  // A classic RUN: the shell and its command, maybe after the build args.
  return runStep(text);
}

function instructionStep(text: string): HistoryStep {
  const space = text.indexOf(' ');
  const keyword = (space < 0 ? text : text.slice(0, space)).toUpperCase();
  const rest = space < 0 ? '' : text.slice(space + 1).trim();
  if (keyword === 'RUN') return runStep(rest);
  if (keyword === 'COPY' || keyword === 'ADD') return { kind: keyword, text: copyDestination(rest), whole: rest };
  return { kind: undefined, text: rest, whole: rest };
}

function runStep(text: string): HistoryStep {
  const command = stripBuildArgs(text);
  const shell = /^\/bin\/sh -c (.*)$/.exec(command);
  return { kind: 'RUN', text: shell ? shell[1] : command, whole: command };
}

/** `|2 A=1 B=2 /bin/sh -c make` → `/bin/sh -c make`. */
function stripBuildArgs(text: string): string {
  const count = /^\|(\d+) /.exec(text);
  if (!count) return text;
  let rest = text.slice(count[0].length);
  for (let i = 0; i < Number(count[1]); i++) {
    const assignment = /^[A-Za-z_][A-Za-z0-9_]*=\S* ?/.exec(rest);
    if (!assignment) break;
    rest = rest.slice(assignment[0].length);
  }
  return rest;
}

/** Classic: `file:abc in /app` → `/app`; BuildKit: `--chown=1 a b /app` or `["a", "/app"]` → `/app`. */
function copyDestination(rest: string): string {
  const classic = / in (\S.*)$/.exec(rest);
  if (/^(file|dir|multi):\S+ in /.test(rest) && classic) return classic[1].trim();
  if (rest.startsWith('[')) {
    try {
      const values: unknown = JSON.parse(rest);
      if (Array.isArray(values) && typeof values[values.length - 1] === 'string') return values[values.length - 1] as string;
    } catch {
      // Not JSON: take the last word.
    }
  }
  const words = rest.split(' ');
  return words[words.length - 1] ?? '';
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function trimSlash(path: string): string {
  const trimmed = collapse(path);
  return trimmed.length > 1 ? trimmed.replace(/\/+$/, '') : trimmed;
}

// ---------------------------------------------------------------------------
// Ranges.

/** The smallest range that names the instruction's part in the image. */
function rangeOf(doc: ParsedDockerfile, instruction: Instruction): Range | undefined {
  const keyword = instruction.getKeyword();
  if (keyword === 'FROM') return (instruction as From).getImageRange() ?? instruction.getRange();
  const command = commandOf(doc, instruction);
  if (command) return command.range;
  const args = instruction.getArguments().filter((arg) => !arg.getValue().startsWith('--'));
  if (args.length === 0) return instruction.getRange();
  return { start: args[0].getRange().start, end: args[args.length - 1].getRange().end };
}
