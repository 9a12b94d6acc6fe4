// The custom requests the VS Code client sends, over stdio to the built server: the
// stages for the panel's target choice, a built image's report (its SLIM9xx findings
// published on the Dockerfile version that was built, gone after an edit), and
// "Slim this image" (with the build context on disk, CRLF kept, refusals explained).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ImageFinding } from '../../server/src/image/inspect';
import {
  DESCRIBE_DOCKERFILE_REQUEST,
  IMAGE_REPORT_REQUEST,
  SLIM_REQUEST,
  type DockerfileDescription,
  type ImageReportPlacement,
  type SlimResponse,
} from '../../server/src/shared/protocol';
import { fileUri, LspClient } from '../support/lsp-client';
import { assertBuilt } from './support';

const SLIM_FIXTURES = path.join(__dirname, '..', 'fixtures', 'slim');
const BUILT = `FROM gcc:12 AS build
RUN gcc -o /app main.c

FROM debian:bookworm-slim
COPY --from=build /app /usr/local/bin/app
RUN rm -f /usr/lib/libgreet.so
CMD ["app"]
`;
// As the classic builder records it, one entry per layer (the base image's first).
const LAYERS = [{ createdBy: '/bin/sh -c #(nop) ADD file:1 in / ' }, { createdBy: '/bin/sh -c #(nop) COPY file:2 in /usr/local/bin/app ' }, { createdBy: '/bin/sh -c rm -f /usr/lib/libgreet.so' }];
const MISSING_LIBRARY: ImageFinding = { code: 'SLIM902', name: 'missing-shared-library', severity: 'error', message: '/usr/local/bin/app needs libgreet.so', path: '/usr/local/bin/app', layer: 1, createdBy: LAYERS[1].createdBy };

let client: LspClient;
before(async () => {
  assertBuilt();
  client = await LspClient.start();
});
after(() => client?.stop());

describe('panel requests', () => {
  test('describeDockerfile: the stages, their lines and images', async () => {
    const uri = 'file:///tmp/dockerfile-slim-test/panel/describe/Dockerfile';
    await client.open(uri, BUILT, 1);
    const description = await client.request<DockerfileDescription>(DESCRIBE_DOCKERFILE_REQUEST, { uri });
    assert.deepEqual(description.stages, [
      { index: 0, name: 'build', line: 0, image: 'gcc:12' },
      { index: 1, line: 3, image: 'debian:bookworm-slim' },
    ]);
    assert.equal(description.version, 1);
    assert.equal(description.configuredTarget, '');
    assert.equal(await client.request(DESCRIBE_DOCKERFILE_REQUEST, { uri: 'file:///not/open/Dockerfile' }), null);
  });

  test('imageReport: findings published on the built version, layers placed, cleared by an edit', async () => {
    const uri = 'file:///tmp/dockerfile-slim-test/panel/report/Dockerfile';
    await client.open(uri, BUILT, 1);
    await client.waitForVersion(uri, 1);
    const placement = await client.request<ImageReportPlacement>(IMAGE_REPORT_REQUEST, { uri, version: 1, findings: [MISSING_LIBRARY], layers: LAYERS });
    assert.equal(placement.published, true);
    assert.equal(placement.findings[0]?.start.line, 4, 'on the COPY that put the program there');
    assert.deepEqual(placement.layers.map((layer) => [layer.own, layer.range?.start.line ?? null]), [[false, null], [true, 4], [true, 5]]);
    const shown = await client.waitForDiagnostics(uri, (published) => published.diagnostics.some((d) => d.code === 'SLIM902'));
    const slim902 = shown.diagnostics.find((d) => d.code === 'SLIM902')!;
    assert.equal(slim902.range.start.line, 4);
    assert.equal(slim902.severity, 1);
    assert.match(slim902.codeDescription?.href ?? '', /SLIM902\.md$/);

    await client.change(uri, 2, [{ range: { start: { line: 6, character: 0 }, end: { line: 6, character: 0 } }, text: '# edited\n' }]);
    const edited = await client.waitForVersion(uri, 2);
    assert.ok(!edited.diagnostics.some((d) => d.code === 'SLIM902'), 'cleared once the Dockerfile changed');
    const stale = await client.request<ImageReportPlacement>(IMAGE_REPORT_REQUEST, { uri, version: 1, findings: [MISSING_LIBRARY], layers: LAYERS });
    assert.equal(stale.published, false, 'a report of an older version is placed but not published');
  });

  test('slim: the slimmed text with the context on disk; CRLF kept; a refusal says why', async () => {
    const dockerfile = path.join(SLIM_FIXTURES, 'go-plain', 'Dockerfile');
    const text = readFileSync(dockerfile, 'utf8');
    const uri = fileUri(dockerfile);
    await client.open(uri, text, 1);
    const slimmed = await client.request<SlimResponse>(SLIM_REQUEST, { uri, runtime: 'auto' });
    assert.equal(slimmed.kind, 'slimmed');
    assert.equal(slimmed.kind === 'slimmed' && slimmed.text, readFileSync(path.join(SLIM_FIXTURES, 'go-plain', 'Dockerfile.slim'), 'utf8'));

    await client.change(uri, 2, [{ text: text.replace(/\n/g, '\r\n') }]);
    const crlf = await client.request<SlimResponse>(SLIM_REQUEST, { uri });
    assert.ok(crlf.kind === 'slimmed' && !/(^|[^\r])\n/.test(crlf.text) && crlf.text.includes('\r\n'), 'CRLF throughout');

    const node = path.join(SLIM_FIXTURES, 'node-native', 'Dockerfile');
    await client.open(fileUri(node), readFileSync(node, 'utf8'), 1);
    const refused = await client.request<SlimResponse>(SLIM_REQUEST, { uri: fileUri(node) });
    assert.equal(refused.kind, 'refused');
    assert.ok(refused.kind === 'refused' && refused.reasons.some((reason) => /Node\.js/.test(reason)), JSON.stringify(refused));
  });
});
