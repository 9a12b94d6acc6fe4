// Inline expectations in fixture files: a comment line of carets under the
// offending line, then the rule code. In Dockerfiles, Makefiles and scripts the
// comment is `#`; in Go and C sources (and go.mod) it is `//`.
//
//   CMD /app --port 80
//   #   ^^^^^^^^^^^^^^ SLIM001
//
// A marker directly followed by carets counts as carets itself (`#^^^` marks a range
// from the line's first column, `//^^^^` likewise). Several expectation lines may
// follow one source line. Indentation before the marker counts as columns.

export interface Expectation {
  path: string;
  code: string;
  line: number;
  start: number;
  end: number;
}

const EXPECTATION = /^(\s*)(#|\/\/)( *)(\^+)\s+(SLIM\d{3})\s*$/;

export function readExpectations(text: string, path = 'Dockerfile'): Expectation[] {
  const lines = text.split(/\r\n|\r|\n/);
  const expectations: Expectation[] = [];
  let sourceLine = -1;
  lines.forEach((line, index) => {
    const match = EXPECTATION.exec(line);
    if (!match) {
      sourceLine = index;
      return;
    }
    const [, indent, marker, spaces, carets, code] = match;
    const caretsStart = indent.length + marker.length + spaces.length;
    const start = spaces.length === 0 ? indent.length : caretsStart;
    expectations.push({ path, code, line: sourceLine, start, end: caretsStart + carets.length });
  });
  return expectations;
}

/** The same shape from a finding: multi-line ranges are marked to the end of their first line. */
export function asExpectation(
  text: string,
  finding: { code: string; path?: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } },
): Expectation {
  const { start, end } = finding.range;
  const firstLineLength = text.split(/\r\n|\r|\n/)[start.line]?.length ?? 0;
  return { path: finding.path ?? 'Dockerfile', code: finding.code, line: start.line, start: start.character, end: end.line === start.line ? end.character : firstLineLength };
}

export function formatExpectation(e: Expectation): string {
  return `${e.path}: ${e.code} at ${e.line + 1}:${e.start}-${e.end}`;
}
