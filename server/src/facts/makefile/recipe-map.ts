// Mapping shell offsets of a recipe line back to its file.
import type { Range } from 'vscode-languageserver-textdocument';
import type { VariableOrigin } from '../builds/types';
import { rangeIn } from '../scripts';
import type { Segment } from './expand';
import type { Span } from './statements';
import type { RecipeLine } from './types';

/** The file range of expanded offsets `start`–`end`; undefined when that text is not written in a file (a built-in recipe). */
export function recipeRange(line: RecipeLine, start: number, end: number): Range | undefined {
  const span = recipeSpan(line, start, end);
  return span && line.file ? rangeIn(line.file, span.start, span.end) : undefined;
}

/** Where a command at `start`–`end` is reported: its range, or for a built-in recipe the rule line that asked for it. */
export function recipeLocation(line: RecipeLine, start: number, end: number): Range | undefined {
  const range = recipeRange(line, start, end);
  if (range || !line.file || !line.anchor) return range;
  return rangeIn(line.file, line.anchor.start, line.anchor.end);
}

/** The written text of expanded offsets `start`–`end`. */
export function recipeSource(line: RecipeLine, start: number, end: number): string {
  const span = recipeSpan(line, start, end);
  return span && line.file ? line.file.text.slice(span.start, span.end) : line.text.slice(start, end);
}

/** The variables whose expansion produced expanded offsets `start`–`end`. */
export function recipeOrigins(line: RecipeLine, start: number, end: number): VariableOrigin[] {
  const names = line.segments.filter((segment) => segment.reads && segment.out < end && segment.outEnd > start).flatMap((segment) => segment.reads ?? []);
  return [...new Set(names)].map((name) => line.originOf(name));
}

function recipeSpan(line: RecipeLine, start: number, end: number): Span | undefined {
  const first = line.segments.find((segment) => segment.outEnd > start || (segment.out === start && segment.outEnd === start));
  const last = [...line.segments].reverse().find((segment) => segment.out < end || (segment.out === end && segment.outEnd === end));
  if (!first || !last || first.src < 0 || last.src < 0) return undefined;
  const from = sameLength(first) ? first.src + Math.max(0, start - first.out) : first.src;
  const to = sameLength(last) ? last.src + Math.min(last.outEnd, end) - last.out : last.srcEnd;
  return { start: from, end: Math.max(from, to) };
}

function sameLength(segment: Segment): boolean {
  return segment.outEnd - segment.out === segment.srcEnd - segment.src;
}
