// Inline expectations in fixture Dockerfiles: a comment line of carets under the
// offending line, then the rule code.
//
//   CMD /app --port 80
//   #   ^^^^^^^^^^^^^^ SLIM001
//
// A `#` directly followed by carets counts as a caret itself (a range starting at
// column 0). Several expectation lines may follow one source line.

export interface Expectation {
  code: string;
  line: number;
  start: number;
  end: number;
}

const EXPECTATION = /^#( *)(\^+)\s+(SLIM\d{3})\s*$/;

export function readExpectations(text: string): Expectation[] {
  const lines = text.split(/\r?\n/);
  const expectations: Expectation[] = [];
  let sourceLine = -1;
  lines.forEach((line, index) => {
    const match = EXPECTATION.exec(line);
    if (!match) {
      sourceLine = index;
      return;
    }
    const start = match[1].length === 0 ? 0 : 1 + match[1].length;
    const end = 1 + match[1].length + match[2].length;
    expectations.push({ code: match[3], line: sourceLine, start, end });
  });
  return expectations;
}

/** The same shape from a finding: multi-line ranges are marked to the end of their first line. */
export function asExpectation(text: string, finding: { code: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } }): Expectation {
  const { start, end } = finding.range;
  const firstLineLength = text.split(/\r?\n/)[start.line]?.length ?? 0;
  return { code: finding.code, line: start.line, start: start.character, end: end.line === start.line ? end.character : firstLineLength };
}

export function formatExpectation(e: Expectation): string {
  return `${e.code} at ${e.line + 1}:${e.start}-${e.end}`;
}
