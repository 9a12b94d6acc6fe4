// "Slim this image" against its fixtures (test/unit/slim-cases.ts): each case gives its
// expected text (and other files), refusal reasons or "unchanged"; slimming a slimmed
// file changes nothing.
import { test, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { analyze } from '../../server/src/analyze';
import { memoryContext } from '../../server/src/context/build-context';
import { applyEdits } from '../../server/src/fixes';
import { loadGrammars } from '../../server/src/parse/grammars';
import { RULES } from '../../server/src/rules';
import { slimDockerfile, type SlimInput, type SlimResult } from '../../server/src/slim';
import { CASES, readSlimCases, ROOT, type SlimCase } from './slim-cases';

before(() => loadGrammars(['bash', 'go', 'c', 'make']));

function slim(files: Record<string, string>, extra: Partial<SlimInput> = {}): SlimResult {
  return slimDockerfile({ path: 'Dockerfile', text: files.Dockerfile, context: memoryContext(files), ...extra });
}

const cases = readSlimCases();

test('the cases cover every kind of result and every bundled example', () => {
  const kinds = new Set(cases.map((c) => c.kind));
  assert.deepEqual([...kinds].sort(), ['refused', 'slimmed', 'unchanged']);
  const examples = readdirSync(path.join(ROOT, 'examples')).map((name) => `examples/${name}`);
  assert.deepEqual(cases.flatMap((c) => c.spec.source ?? []).sort(), examples.sort());
});

for (const slimCase of cases) {
  const { name, spec, kind, files, expected } = slimCase;
  describe(`slim ${name}`, () => {
    test('gives the expected result', () => {
      const result = slim(files, { runtime: spec.runtime });
      assert.equal(result.kind, kind, JSON.stringify(result));
      if (result.kind === 'slimmed') {
        const changed = Object.fromEntries([['Dockerfile', result.text], ...result.otherFiles.map((file) => [file.path, file.text])]);
        assert.deepEqual(changed, expected);
        if (spec.runtimeBase) assert.equal(result.runtimeBase, spec.runtimeBase);
        assert.ok(result.changes.length > 0, 'says what it changed');
        assert.deepEqual(result.remaining.filter((line) => !line.startsWith('SLIM011')), [], 'no error left but one the examples keep on purpose');
      } else if (result.kind === 'refused') {
        assert.ok(result.reasons.length >= 1);
        assert.equal(result.reasons.length, (spec.reasons ?? result.reasons).length);
        spec.reasons?.forEach((reason, index) => assert.ok(result.reasons[index].includes(reason), `reason ${index}: ${result.reasons[index]}`));
        for (const reason of result.reasons) assert.match(reason, /^[A-Z`].*[.)]$/s, 'a sentence');
      }
    });

    if (expected.Dockerfile) {
      test('slimming the slimmed file changes nothing', () => {
        const result = slim({ ...files, ...expected }, { runtime: spec.runtime });
        assert.equal(result.kind, 'unchanged', JSON.stringify(result));
      });

      test('the slimmed file has no preferred fix left and no error', () => {
        const all = { ...files, ...expected };
        const findings = analyze(expected.Dockerfile, { context: memoryContext(all) }).findings;
        assert.deepEqual(findings.filter((finding) => finding.severity === 'error' && finding.code !== 'SLIM011').map((finding) => finding.code), []);
      });
    }
  });
}

describe('runtime choice', () => {
  const goCase = cases.find((c) => c.name === 'go-plain') as SlimCase;
  const cgoCase = cases.find((c) => c.name === 'go-cgo') as SlimCase;
  const cCase = cases.find((c) => c.name === 'c-make') as SlimCase;

  test('distroless: static-debian12 for a static Go program, base for cgo, cc for C', () => {
    const base = (files: Record<string, string>) => {
      const result = slim(files, { runtime: 'distroless' });
      return result.kind === 'slimmed' ? result.runtimeBase : result.kind;
    };
    assert.equal(base(goCase.files), 'gcr.io/distroless/static-debian12');
    assert.equal(base(cgoCase.files), 'gcr.io/distroless/base-debian12');
    assert.equal(base(cCase.files), 'gcr.io/distroless/cc-debian12');
  });

  test('alpine: a static Go program runs there; a glibc-linked one is refused with the reason', () => {
    const go = slim({ ...goCase.files, Dockerfile: goCase.files.Dockerfile.replace('RUN go build', 'RUN CGO_ENABLED=0 go build') }, { runtime: 'alpine' });
    assert.equal(go.kind === 'slimmed' && go.runtimeBase, 'alpine:3.20');
    const cgo = slim(cgoCase.files, { runtime: 'alpine' });
    assert.equal(cgo.kind, 'refused');
    assert.match(cgo.kind === 'refused' ? cgo.reasons[0] : '', /linked against glibc .* alpine has musl/);
  });

  test('without the sources, cgo stays on and the program gets a glibc runtime (never a guess that breaks it)', () => {
    const result = slimDockerfile({ path: 'Dockerfile', text: goCase.files.Dockerfile });
    assert.equal(result.kind === 'slimmed' && result.runtimeBase, 'gcr.io/distroless/base-debian12');
  });
});

describe('honest limits', () => {
  const refused = (text: string, files: Record<string, string> = {}) => {
    const result = slim({ ...files, Dockerfile: text });
    assert.equal(result.kind, 'refused', JSON.stringify(result));
    return result.kind === 'refused' ? result.reasons : [];
  };

  test('each reason names what prevents it', () => {
    assert.match(refused('FROM golang:1.19\nRUN make\nCMD ["/app"]\n')[0], /Makefile that is not in the build context/);
    assert.match(refused('FROM golang:1.19\nRUN go build -o /app .\nCMD ["/other"]\n')[0], /runs `\/other`, not the program/);
    assert.match(refused('FROM golang:1.19\nRUN go build -o /app .\nCMD /app | tee log\n')[0], /needs a shell/);
    assert.match(refused('FROM golang:1.19\nRUN go build -o /app . && go build -o /tool ./tool\nCMD ["/app"]\n')[0], /builds 2 programs/);
    assert.match(refused('FROM golang:1.19\nRUN go build -o /app .\nUSER app\nCMD ["/app"]\n')[0], /USER app names a user/);
    assert.match(refused('FROM golang:1.19\nRUN go build -o /app .\nHEALTHCHECK CMD curl -f localhost\nCMD ["/app"]\n')[0], /HEALTHCHECK runs/);
    assert.match(refused('FROM maven:3.9-eclipse-temurin-21\nCOPY . .\nRUN mvn -B package\nCMD ["java", "-jar", "target/app.jar"]\n')[0], /not a Go or C build/);
    assert.match(refused('FROM golang:1.19\nRUN go version\nCMD ["go", "test", "./..."]\n')[0], /builds no program of its own/);
    assert.match(refused('FROM golang:1.19 AS base\nCOPY . .\nFROM base\nRUN go install ./cmd/tool\nENTRYPOINT ["tool"]\n')[0], /split it by hand/);
    assert.match(refused('FROM golang:1.19 AS b\nRUN go build -o /app .\nFROM scratch\nCOPY --from=b / /\nCOPY x /x\nENTRYPOINT ["/x"]\n')[0], /copies a whole stage/);
  });

  test('a refusal several things cause lists each', () => {
    const reasons = refused('FROM golang:1.19\nRUN go build -o /app .\nHEALTHCHECK CMD curl -f localhost\nUSER app\nCMD ["/app"]\n');
    assert.equal(reasons.length, 2);
  });
});

describe('the split keeps what the program needs', () => {
  test('comments move with CMD; build-only ENV stays in the build stage; LABEL, runtime ENV, EXPOSE, STOPSIGNAL are copied', () => {
    const text = [
      'FROM golang:1.19',
      'LABEL org.opencontainers.image.title=api',
      'ENV CGO_ENABLED=0 GOFLAGS=-trimpath PORT=8080',
      'ENV GOPROXY=off',
      'WORKDIR /src',
      'RUN go build -ldflags="-s -w" -o /out/api .',
      'STOPSIGNAL SIGINT',
      'EXPOSE 8080',
      '# slim-ignore=SLIM010',
      'CMD ["/out/api"]',
      '',
    ].join('\n');
    const result = slim({ Dockerfile: text });
    assert.equal(result.kind, 'slimmed');
    const runtimeStage = result.kind === 'slimmed' ? result.text.slice(result.text.indexOf('FROM scratch')) : '';
    assert.equal(
      runtimeStage,
      'FROM scratch\nCOPY --from=build /out/api /api\nLABEL org.opencontainers.image.title=api\nENV PORT=8080\nSTOPSIGNAL SIGINT\nEXPOSE 8080\nUSER 65532:65532\n# slim-ignore=SLIM010\nCMD ["/api"]\n',
    );
  });

  test('CRLF files get CRLF lines in the new stage', () => {
    const result = slimDockerfile({ path: 'Dockerfile', text: 'FROM golang:1.19\r\nRUN CGO_ENABLED=0 go build -ldflags="-s -w" -o /app .\r\nUSER 65532\r\nCMD ["/app"]\r\n', runtime: 'scratch' });
    assert.equal(result.kind === 'slimmed' && result.text, 'FROM golang:1.19 AS build\r\nRUN CGO_ENABLED=0 go build -ldflags="-s -w" -o /app .\r\nUSER 65532\r\n\r\nFROM scratch\r\nCOPY --from=build /app /app\r\nUSER 65532\r\nCMD ["/app"]\r\n');
  });
});

test('SLIM006 offers the same split (onto distroless) as its manual fix', () => {
  const text = 'FROM golang:1.19\nWORKDIR /src\nRUN CGO_ENABLED=0 go build -ldflags="-s -w" -o /usr/local/bin/app .\nUSER 65532\nCMD ["app"]\n';
  const onlySlim006 = Object.fromEntries(RULES.filter((rule) => rule.meta.code !== 'SLIM006').map((rule) => [rule.meta.code, 'off' as const]));
  const [finding] = analyze(text, { rules: onlySlim006 }).findings;
  const split = applyEdits(text, finding.fixes[0].edits);
  const slimmed = slimDockerfile({ path: 'Dockerfile', text, runtime: 'distroless' });
  assert.equal(slimmed.kind === 'slimmed' && slimmed.text, split);
});

test('a rule turned off applies no fix', () => {
  const text = readFileSync(path.join(CASES, 'go-plain', 'Dockerfile'), 'utf8');
  const files = { Dockerfile: text, 'go.mod': 'module x\n\ngo 1.19\n', 'main.go': 'package main\n\nfunc main() {}\n' };
  const result = slim(files, { rules: { SLIM203: 'off' } });
  assert.ok(result.kind === 'slimmed' && !result.text.includes('-s -w'));
});
