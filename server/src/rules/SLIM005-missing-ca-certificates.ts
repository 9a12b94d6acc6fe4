// SLIM005: a Go or C program shipped in an image without a CA bundle. Its TLS
// connections fail with "x509: certificate signed by unknown authority". Silent when
// the program's sources are visible and use no TLS client, a warning when they do,
// info while they are not visible.
import type { Copy, Instruction } from 'dockerfile-ast';
import { copyFromValue, textOf, type ParsedDockerfile } from '../parse/dockerfile';
import { commandsOf, globPattern, hasGlob, isNativeBuild, type Artifact } from '../facts/builds';
import { copyPaths } from '../facts/extract';
import type { Facts, Stage } from '../facts/model';
import { tlsEvidence } from '../facts/sources';
import { chainOf } from '../facts/queries';
import { lineAfter, packageInstall, stageLabel } from './go-c-builds';
import type { FileEdit, FindingSeverity, Fix, Range, Rule } from './types';

const CERTS_FILE = '/etc/ssl/certs/ca-certificates.crt';
const APT_INSTALL = 'apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*';
const APK_INSTALL = 'apk add --no-cache ca-certificates';

export const rule: Rule = {
  meta: {
    code: 'SLIM005',
    name: 'missing-ca-certificates',
    severity: 'warning',
    fixable: true,
    summary: 'The image ships a Go or C program but no CA certificate bundle, so its TLS connections fail.',
  },
  check(facts) {
    const target = facts.target;
    if (!target || target.base.caBundle !== 'no') return [];
    const shipped = facts.artifacts.filter((artifact) => isNativeBuild(artifact.build) && artifact.tlsUse !== 'no');
    if (shipped.length === 0 || hasCaBundle(facts.doc, facts.runtimeChain)) return [];
    const artifact = shipped.find((candidate) => candidate.tlsUse === 'yes') ?? shipped[0];
    return [
      {
        code: 'SLIM005',
        range: rangeOf(facts, artifact),
        message: messageOf(facts, artifact),
        fixes: fixesOf(facts, artifact),
        severity: severityOf(shipped),
      },
    ];
  },
};

/** Warning once sources show TLS use; info while they are not visible. */
function severityOf(artifacts: readonly Artifact[]): FindingSeverity | undefined {
  return artifacts.some((artifact) => artifact.tlsUse === 'yes') ? undefined : 'info';
}

function rangeOf(facts: Facts, artifact: Artifact): Range {
  if (artifact.link) return artifact.link.copy.getRange();
  const from = facts.runtimeChain[0].from;
  return from.getImageRange() ?? from.getRange();
}

// ---------------------------------------------------------------------------
// Does the chain get a bundle some other way?

const CERT_TEXT = /ca-certificates|cacert|ca-bundle|\/etc\/ssl|\/etc\/pki|SSL_CERT_(FILE|DIR)/i;
const CERT_DIRS = ['/etc/ssl', '/etc/pki', '/etc/ca-certificates', '/usr/share/ca-certificates', '/usr/local/share/ca-certificates'];

function hasCaBundle(doc: ParsedDockerfile, chain: readonly Stage[]): boolean {
  return chain.some((stage) => stage.instructions.some((instruction) => providesCerts(doc, instruction)) || aptMayPullCerts(doc, stage));
}

function providesCerts(doc: ParsedDockerfile, instruction: Instruction): boolean {
  switch (instruction.getKeyword()) {
    case 'RUN':
    case 'ENV':
      return CERT_TEXT.test(textOf(doc, instruction.getRange()));
    case 'COPY':
    case 'ADD':
      return copiesCerts(instruction as Copy, copyFromValue(instruction) !== undefined);
    default:
      return false;
  }
}

/** `copy` may be an ADD: both have the same source and destination arguments. */
function copiesCerts(copy: Copy, fromStage: boolean): boolean {
  const { sources, destination } = copyPaths(copy);
  const destinationPath = normalize(destination);
  if (isCertPath(destinationPath)) return true;
  // A folder from the build context copied over / or /etc may hold certificates: unknown, so assume it does.
  if (!fromStage) return destinationPath === '/' || destinationPath === '/etc';
  return sources.some((source) => {
    const path = normalize(source.startsWith('/') ? source : '/' + source);
    if (hasGlob(path)) return CERT_LOCATIONS.some((location) => globPattern(path).test(location));
    return path === '/' || path === '/etc' || isCertPath(path);
  });
}

/** What a wildcard source must match to bring the bundle along. */
const CERT_LOCATIONS = ['/etc', '/etc/ssl', '/etc/ssl/certs', CERTS_FILE];

function isCertPath(path: string): boolean {
  return CERT_DIRS.some((dir) => path === dir || path.startsWith(dir + '/')) || /ca-certificates|cacert|ca-bundle/.test(path);
}

function normalize(path: string): string {
  const collapsed = path.replace(/\/+/g, '/').replace(/\/\.(?=\/|$)/g, '');
  return collapsed.length > 1 ? collapsed.replace(/\/$/, '') : collapsed;
}

/** apt installs recommended packages by default, and curl, wget, git and others recommend ca-certificates. */
function aptMayPullCerts(doc: ParsedDockerfile, stage: Stage): boolean {
  return commandsOf(doc, stage).some((command) => {
    const install = packageInstall(command);
    return install?.manager === 'apt' && !install.cross && install.recommends;
  });
}

// ---------------------------------------------------------------------------
// Message and fixes.

function messageOf(facts: Facts, artifact: Artifact): string {
  const image = facts.target?.rootImage ?? 'the base image';
  const remedy = installsInRuntime(facts) ? `Install them: \`RUN ${APT_INSTALL}\`.` : `Copy the bundle from a build stage: \`COPY --from=${artifact.link?.sourceRef ?? '<builder>'} ${CERTS_FILE} /etc/ssl/certs/\`.`;
  const missing = `${image} has no CA bundle (/etc/ssl/certs) and nothing installs or copies one`;
  const evidence = artifact.tlsUse === 'yes' ? evidenceOf(facts, artifact) : undefined;
  if (evidence) {
    return (
      `${describe(artifact)} makes TLS connections (${evidence}) but ships in an image without CA certificates: ${missing}. ` +
      `Its TLS connections (HTTPS, TLS databases, cloud APIs) fail with \`x509: certificate signed by unknown authority\`. ${remedy}`
    );
  }
  return (
    `${describe(artifact)} ships in an image without CA certificates: ${missing}. ` +
    `If the program makes TLS connections (HTTPS, TLS databases, cloud APIs) they fail with \`x509: certificate signed by unknown authority\`. ${remedy}`
  );
}

/** "package `example.com/app` imports `net/http` at main.go:5", or the C call that shows it. */
function evidenceOf(facts: Facts, artifact: Artifact): string | undefined {
  const sources = facts.sources.get(artifact.build);
  const evidence = sources && tlsEvidence(sources);
  if (!evidence) return undefined;
  const at = `${evidence.location.path}:${evidence.location.range.start.line + 1}`;
  return evidence.importer !== undefined ? `package \`${evidence.importer}\` imports \`${evidence.what}\` at ${at}` : `it calls \`${evidence.what}\` at ${at}`;
}

function describe(artifact: Artifact): string {
  const language = artifact.build.kind === 'c-link' ? (/\+\+/.test(artifact.build.tool) ? 'The C++ program' : 'The C program') : 'The Go binary';
  return artifact.path ? `${language} \`${artifact.path}\`` : `${language} built in stage ${stageLabel(artifact.build.stage)}`;
}

/** A Debian or Ubuntu runtime can install the bundle itself. */
function installsInRuntime(facts: Facts): boolean {
  return facts.runtimeChain[0]?.base.class === 'glibc';
}

function fixesOf(facts: Facts, artifact: Artifact): Fix[] {
  const runtimeRoot = facts.runtimeChain[0];
  if (installsInRuntime(facts)) {
    return [{ title: 'Install ca-certificates', edits: [lineAfter(facts.doc, runtimeRoot.from, 'RUN', APT_INSTALL)] }];
  }
  const link = artifact.link;
  if (!link?.source) return [];
  const edits: FileEdit[] = [lineAfter(facts.doc, link.copy, 'COPY', `--from=${link.sourceRef} ${CERTS_FILE} /etc/ssl/certs/`)];
  const builderChain = chainOf(link.source);
  const builderBase = builderChain[0].base;
  if (builderBase.caBundle === 'no' && !hasCaBundle(facts.doc, builderChain)) {
    const install = builderBase.class === 'glibc' ? APT_INSTALL : builderBase.class === 'musl' && builderBase.shell === 'yes' && !/busybox/.test(builderChain[0].rootImage ?? '') ? APK_INSTALL : undefined;
    if (!install) return [];
    edits.push(lineAfter(facts.doc, builderChain[0].from, 'RUN', install));
  }
  return [{ title: `Copy the CA bundle from ${link.sourceRef}`, edits }];
}
