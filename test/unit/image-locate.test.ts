// Placing SLIM9xx findings on the Dockerfile instruction that caused them, with history
// lines as the classic builder and BuildKit (docker 20.10) record them.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { locateFindings, locateLayers, parseHistoryLine, type HistoryLine } from '../../server/src/image/locate';
import type { ImageFinding } from '../../server/src/image/inspect';
import { imageRule } from '../../server/src/image/rules';
import { parseDockerfile, textOf } from '../../server/src/parse/dockerfile';

function finding(code: string, extra: Partial<ImageFinding> = {}): ImageFinding {
  const meta = imageRule(code);
  return { code, name: meta.name, severity: meta.severity, message: 'm', ...extra };
}

/** The text each placed finding's range covers, and its line. */
function placed(text: string, findings: ImageFinding[], history: HistoryLine[], target?: string): { line: number; text: string }[] {
  const doc = parseDockerfile(text);
  return locateFindings(text, findings, history, { target }).map(({ range }) => ({ line: range.start.line, text: textOf(doc, range) }));
}

function one(text: string, f: ImageFinding, history: HistoryLine[], target?: string): { line: number; text: string } | undefined {
  return placed(text, [f], history, target)[0];
}

const lines = (...entries: string[]): HistoryLine[] => entries.map((createdBy) => ({ createdBy }));

// Recorded with `/usr/bin/docker history --no-trunc` (oldest first) after building it.
const DOCKERFILE = `FROM busybox:latest AS build
RUN echo built > /out.txt

FROM busybox:latest
WORKDIR /srv
RUN mkdir -p /data && \\
    echo one > /data/x
COPY app.txt ./
COPY --from=build /out.txt /opt/out.txt
ENV A=1
USER nobody
CMD ["/bin/sh", "-c", "cat /srv/app.txt"]
`;

const CLASSIC = lines(
  '',
  '/bin/sh -c #(nop) WORKDIR /srv',
  '/bin/sh -c mkdir -p /data &&     echo one > /data/x',
  '/bin/sh -c #(nop) COPY file:cf33861e70c36d3d015bab2d73b5df44e7325c971d7b354073356ec9d5393c23 in ./ ',
  '/bin/sh -c #(nop) COPY file:3f41dc334973c55d8b9d0463feb387b3eee2b7f381825155e7f85f452aa61c28 in /opt/out.txt ',
  '/bin/sh -c #(nop)  ENV A=1',
  '/bin/sh -c #(nop)  USER nobody',
  '/bin/sh -c #(nop)  CMD ["/bin/sh" "-c" "cat /srv/app.txt"]',
);

const BUILDKIT = lines(
  '',
  'WORKDIR /srv',
  'RUN /bin/sh -c mkdir -p /data &&     echo one > /data/x # buildkit',
  'COPY app.txt ./ # buildkit',
  'COPY /out.txt /opt/out.txt # buildkit',
  'ENV A=1',
  'USER nobody',
  'CMD ["/bin/sh" "-c" "cat /srv/app.txt"]',
);

describe('history lines', () => {
  test('classic builder and BuildKit lines are understood', () => {
    assert.deepEqual(parseHistoryLine('/bin/sh -c #(nop) COPY file:abc in /app '), { kind: 'COPY', text: '/app', whole: 'file:abc in /app' });
    assert.equal(parseHistoryLine('/bin/sh -c #(nop) ADD multi:abc in /srv/ ').text, '/srv/');
    assert.equal(parseHistoryLine('COPY /out/app /app # buildkit').text, '/app');
    assert.equal(parseHistoryLine('COPY --chown=1000 a b /dest/ # buildkit').text, '/dest/');
    assert.deepEqual(parseHistoryLine('RUN /bin/sh -c apt-get update # buildkit'), { kind: 'RUN', text: 'apt-get update', whole: '/bin/sh -c apt-get update' });
    assert.equal(parseHistoryLine('/bin/sh -c apt-get   update').text, 'apt-get update');
    assert.equal(parseHistoryLine('|2 V=1 W=x /bin/sh -c make V=$V').text, 'make V=$V');
    assert.equal(parseHistoryLine('RUN |1 V=1 /bin/sh -c make # buildkit').text, 'make');
    for (const metadata of ['/bin/sh -c #(nop)  CMD ["/app"]', 'CMD ["/app"]', 'ENV A=1', '/bin/sh -c #(nop) WORKDIR /srv', '', undefined]) {
      assert.equal(parseHistoryLine(metadata).kind, undefined, String(metadata));
    }
  });
});

describe('layer findings', () => {
  for (const [builder, history] of [
    ['classic builder', CLASSIC],
    ['BuildKit', BUILDKIT],
  ] as const) {
    test(`${builder}: by the layer's history line`, () => {
      const layers = history.filter((line) => !/^(\/bin\/sh -c #\(nop\)\s+)?(WORKDIR|ENV|USER|CMD)\b/.test(line.createdBy ?? ''));
      const at = (layer: number) => finding('SLIM902', { path: '/x', layer, createdBy: layers[layer].createdBy });
      assert.deepEqual(one(DOCKERFILE, at(1), history), { line: 5, text: 'mkdir -p /data && \\\n    echo one > /data/x' });
      assert.deepEqual(one(DOCKERFILE, at(2), history), { line: 7, text: 'app.txt ./' });
      assert.deepEqual(one(DOCKERFILE, at(3), history), { line: 8, text: '/out.txt /opt/out.txt' });
      // The base image's layer: the FROM that names it.
      assert.deepEqual(one(DOCKERFILE, at(0), history), { line: 3, text: 'busybox:latest' });
    });

    test(`${builder}: by position when only the layer index is known`, () => {
      const flagged = history.map((line) => ({ ...line, emptyLayer: /^(\/bin\/sh -c #\(nop\)\s+)?(WORKDIR|ENV|USER|CMD)\b/.test(line.createdBy ?? '') }));
      assert.deepEqual(one(DOCKERFILE, finding('SLIM901', { path: '/opt/out.txt', layer: 3 }), flagged), { line: 8, text: '/out.txt /opt/out.txt' });
      assert.deepEqual(one(DOCKERFILE, finding('SLIM901', { path: '/bin/x', layer: 0 }), flagged), { line: 3, text: 'busybox:latest' });
    });
  }

  test('history lines made by the same text are told apart by position', () => {
    const text = 'FROM debian:bookworm-slim\nCOPY a /app/\nRUN rm -rf /app/a\nCOPY a /app/\n';
    const history = lines('', '/bin/sh -c #(nop) COPY file:1 in /app/ ', '/bin/sh -c rm -rf /app/a', '/bin/sh -c #(nop) COPY file:1 in /app/ ');
    const early = finding('SLIM907', { path: '/app/a', layer: 1, createdBy: '/bin/sh -c #(nop) COPY file:1 in /app/ ' });
    assert.equal(one(text, early, history)?.line, 1);
    assert.equal(one(text, { ...early, layer: 3 }, history)?.line, 3);
  });

  test('the runtime chain spans the stages the target is FROM-based on; builder stages are not in it', () => {
    const text = [
      'FROM golang:1.19 AS build',
      'RUN go build -o /out/app .',
      'FROM debian:bookworm-slim AS base',
      'RUN apt-get update && apt-get install -y --no-install-recommends libfoo1',
      'FROM base AS final',
      'COPY --from=build /out/app /usr/local/bin/app',
      'CMD ["app"]',
      '',
    ].join('\n');
    const history = lines(
      '/bin/sh -c #(nop) ADD file:debian in / ',
      '/bin/sh -c #(nop)  CMD ["bash"]',
      'RUN /bin/sh -c apt-get update && apt-get install -y --no-install-recommends libfoo1 # buildkit',
      'COPY /out/app /usr/local/bin/app # buildkit',
      'CMD ["app"]',
    );
    const fromRun = finding('SLIM907', { layer: 1, createdBy: history[2].createdBy });
    assert.deepEqual(one(text, fromRun, history)?.line, 3);
    const fromCopy = finding('SLIM902', { path: '/usr/local/bin/app', layer: 2, createdBy: history[3].createdBy });
    assert.deepEqual(one(text, fromCopy, history), { line: 5, text: '/out/app /usr/local/bin/app' });
    // debian's own ADD is not the chain's: the image named by the chain's root FROM.
    const fromBase = finding('SLIM907', { layer: 0, createdBy: history[0].createdBy });
    assert.deepEqual(one(text, fromBase, history), { line: 2, text: 'debian:bookworm-slim' });
  });

  test('--target picks the chain', () => {
    const text = 'FROM debian:bookworm-slim AS one\nRUN touch /a\nFROM busybox:latest AS two\nRUN touch /a\n';
    const history = lines('', '/bin/sh -c touch /a');
    const f = finding('SLIM907', { layer: 1, createdBy: '/bin/sh -c touch /a' });
    assert.equal(one(text, f, history, 'one')?.line, 1);
    assert.equal(one(text, f, history)?.line, 3);
  });

  test('a RUN whose text no longer matches pairs by position; a custom SHELL prefix still matches', () => {
    const text = 'FROM debian:bookworm-slim\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN curl -fsSL x | tar -x\nENV A=1\nRUN make $A\n';
    const history = lines('', '/bin/sh -c #(nop)  SHELL [/bin/bash -o pipefail -c]', '/bin/bash -o pipefail -c curl -fsSL x | tar -x', '/bin/sh -c #(nop)  ENV A=1', '/bin/bash -o pipefail -c make 1');
    assert.equal(one(text, finding('SLIM907', { layer: 1, createdBy: history[2].createdBy }), history)?.line, 2);
    assert.equal(one(text, finding('SLIM907', { layer: 2, createdBy: history[4].createdBy }), history)?.line, 4);
  });

  test('a createdBy without a history to align: text match, else the base image', () => {
    const text = 'FROM debian:bookworm-slim\nWORKDIR /srv\nCOPY bin/ ./bin/\n';
    assert.equal(one(text, finding('SLIM902', { path: '/srv/bin/x', createdBy: 'COPY bin/ ./bin/ # buildkit' }), [])?.line, 2);
    assert.equal(one(text, finding('SLIM902', { path: '/usr/bin/x', createdBy: '/bin/sh -c apt-get install -y x' }), [])?.line, 0);
  });
});

describe('layers: base image part and the instruction that made each', () => {
  for (const [builder, history] of [
    ['classic builder', CLASSIC],
    ['BuildKit', BUILDKIT],
  ] as const) {
    test(builder, () => {
      const doc = parseDockerfile(DOCKERFILE);
      const layers = locateLayers(DOCKERFILE, history).map(({ own, range }) => ({ own, line: range?.start.line, text: range && textOf(doc, range) }));
      assert.deepEqual(layers.slice(0, 5), [
        { own: false, line: undefined, text: undefined },
        // A metadata line before the chain's first layer reads like the base image's own (`CMD ["sh"]`).
        { own: false, line: undefined, text: undefined },
        { own: true, line: 5, text: 'mkdir -p /data && \\\n    echo one > /data/x' },
        { own: true, line: 7, text: 'app.txt ./' },
        { own: true, line: 8, text: '/out.txt /opt/out.txt' },
      ]);
      assert.equal(layers.length, history.length);
    });
  }

  test('a history the Dockerfile did not make is all base image; malformed input does not throw', () => {
    assert.deepEqual(locateLayers(DOCKERFILE, lines('', '/bin/sh -c apt-get update')), [{ own: false }, { own: false }]);
    assert.deepEqual(locateLayers('FROM', lines('x')), [{ own: false }]);
  });
});

describe('file findings without history: the COPY whose destination holds the path', () => {
  const text = [
    'FROM golang:1.19 AS build',
    'RUN go build -o /out/app .',
    'FROM debian:bookworm-slim',
    'WORKDIR /srv',
    'COPY conf/ ./conf/',
    'COPY --from=build /out/app bin/app',
    'ADD lib.tar /opt/lib',
    'COPY ["static", "/srv/www/"]',
    '',
  ].join('\n');
  const at = (path: string) => one(text, finding('SLIM902', { path }), []);

  test('destinations resolved against WORKDIR, files and folders', () => {
    assert.deepEqual(at('/srv/bin/app'), { line: 5, text: '/out/app bin/app' });
    assert.deepEqual(at('/srv/conf/x.yaml'), { line: 4, text: 'conf/ ./conf/' });
    assert.equal(at('/opt/lib/libfoo.so.1')?.line, 6);
    assert.equal(at('/srv/www/index.html')?.line, 7);
  });

  test('nothing copied there: not placed', () => {
    assert.equal(at('/usr/lib/libc.so.6'), undefined);
    assert.equal(at('/srv/bin/application'), undefined);
  });

  test('an unknown WORKDIR does not guess', () => {
    assert.equal(one('FROM example.com/custom\nCOPY app ./app\n', finding('SLIM902', { path: '/app' }), []), undefined);
    assert.equal(one('FROM example.com/custom\nCOPY app /app\n', finding('SLIM902', { path: '/app' }), [])?.line, 1);
  });
});

describe('config findings', () => {
  test('the last instruction of that kind in the runtime chain', () => {
    const text = 'FROM debian:bookworm-slim AS base\nUSER app\nCMD /start\nFROM base\nCMD ["/app"]\nHEALTHCHECK --interval=5s CMD curl -f localhost\n';
    assert.deepEqual(one(text, finding('SLIM904', { instruction: 'CMD' }), []), { line: 4, text: '["/app"]' });
    assert.deepEqual(one(text, finding('SLIM905', { instruction: 'USER' }), []), { line: 1, text: 'app' });
    assert.deepEqual(one(text, finding('SLIM903', { instruction: 'HEALTHCHECK' }), []), { line: 5, text: 'curl -f localhost' });
    // A config finding about a file still points at the instruction that names it.
    assert.deepEqual(one(text, finding('SLIM904', { instruction: 'CMD', path: '/app', layer: 3 }), []), { line: 4, text: '["/app"]' });
  });

  test('set by the base image: the FROM', () => {
    const text = 'FROM debian:bookworm-slim\nRUN true\n';
    assert.deepEqual(one(text, finding('SLIM904', { instruction: 'ENTRYPOINT' }), []), { line: 0, text: 'debian:bookworm-slim' });
  });
});

describe('never throws', () => {
  test('malformed Dockerfile and history', () => {
    const f = finding('SLIM902', { path: '/a', layer: 2, createdBy: 'COPY a /a # buildkit' });
    for (const text of ['', 'RUN x\n', 'FROM\nCOPY\n', 'FROM a\nRUN <<EOF\n', 'FROM scratch\nCOPY [\n', '\u0000\ufffd']) {
      assert.doesNotThrow(() => locateFindings(text, [f, finding('SLIM903', { instruction: 'CMD' })], lines('', 'COPY a /a # buildkit')));
    }
    const bad = [null, { createdBy: 5 }, {}] as unknown as HistoryLine[];
    assert.doesNotThrow(() => locateFindings('FROM a\nCOPY a /a\n', [f], bad));
    assert.doesNotThrow(() => locateFindings('FROM a\nCOPY a /a\n', [f], undefined as unknown as HistoryLine[]));
    assert.deepEqual(locateFindings('', [f], []), []);
  });
});
