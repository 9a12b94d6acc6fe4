// SLIM204: go.mod asks for a newer Go than the builder's golang:X.Y image has. The
// golang images set GOTOOLCHAIN=local, so Go 1.21+ refuses the build; older Go
// rejects newer go.mod syntax or fails on newer language features.
// Reported on the go.mod line and summarised on the builder's FROM image.
import type { From } from 'dockerfile-ast';
import { parseImageRef } from '../facts/base-images';
import type { BuildCommand } from '../facts/builds';
import type { Facts, Stage } from '../facts/model';
import { chainOf } from '../facts/queries';
import { buildsForTarget, type GoModFacts } from '../facts/sources';
import { offsetAt, textOf } from '../parse/dockerfile';
import { isNewer, parseGoVersion, type GoModVersion, type GoVersion } from '../sources/gomod';
import { isGoBuild, replaceAt } from './go-c-builds';
import type { FileEdit, Finding, Fix, Range, Rule } from './types';

export const rule: Rule = {
  meta: {
    code: 'SLIM204',
    name: 'go-version-mismatch',
    severity: 'error',
    fixable: true,
    summary: "go.mod's go or toolchain version is newer than the builder's golang image: the build fails.",
  },
  check(facts) {
    const findings: Finding[] = [];
    const reported = new Set<string>();
    for (const build of buildsForTarget(facts)) {
      if (!isGoBuild(build)) continue;
      const goMod = facts.sources.get(build)?.goMod;
      const builder = goMod && builderOf(build);
      if (!goMod || !builder || switchesToolchain(build, builder.version)) continue;
      const needed = neededVersion(goMod, builder.version);
      if (!needed) continue;
      const key = `${goMod.path}\0${builder.stage.index}`;
      if (reported.has(key)) continue;
      reported.add(key);
      const newTag = tagFor(needed, builder);
      const fixes = fixesOf(facts, builder, newTag);
      findings.push({ code: 'SLIM204', path: goMod.path, range: needed.directive.range, message: fileMessage(needed, builder, newTag), fixes });
      findings.push({ code: 'SLIM204', range: builder.range, message: summaryMessage(goMod, needed, builder, newTag), fixes });
    }
    return findings;
  },
};

interface Builder {
  /** The chain's root stage: its FROM names the golang image. */
  stage: Stage;
  from: From;
  image: string;
  /** The tag's version part (`1.21`, `1.21.5`), as written in the resolved tag. */
  versionText: string;
  version: GoVersion;
  /** What follows the version in the tag: `-alpine`, `-bookworm`, or ''. */
  variant: string;
  range: Range;
}

/** The golang image the build runs in, with a version tag (`golang:1`, `latest` or no tag say nothing). */
function builderOf(build: BuildCommand): Builder | undefined {
  const stage = chainOf(build.stage)[0];
  const image = stage.rootImage;
  if (!image) return undefined;
  const ref = parseImageRef(image);
  if (ref.name !== 'golang' || ref.tag === undefined) return undefined;
  const match = /^(\d+\.\d+(?:\.\d+)?(?:(?:rc|beta)\d+)?)(-.*)?$/.exec(ref.tag);
  const version = match && parseGoVersion(match[1]);
  if (!match || !version) return undefined;
  const from = stage.from;
  return { stage, from, image, versionText: match[1], version, variant: match[2] ?? '', range: from.getImageRange() ?? from.getRange() };
}

/** GOTOOLCHAIN=auto (or a named toolchain) lets Go 1.21+ download the newer toolchain itself. */
function switchesToolchain(build: BuildCommand, builder: GoVersion): boolean {
  if (!build.env.has('GOTOOLCHAIN')) return false;
  const value = build.env.get('GOTOOLCHAIN');
  if (value === undefined) return true;
  const supported = builder.major > 1 || builder.minor >= 21;
  return supported && value !== '' && !/^local$/.test(value);
}

interface Needed {
  directive: GoModVersion;
  kind: 'go' | 'toolchain';
  version: GoVersion;
}

/** The newest of go.mod's `go` and `toolchain` versions when it is newer than the builder's. */
function neededVersion(goMod: GoModFacts, builder: GoVersion): Needed | undefined {
  const candidates: Needed[] = [];
  for (const kind of ['go', 'toolchain'] as const) {
    const directive = goMod[kind];
    const version = directive && parseGoVersion(directive.version);
    if (directive && version && isNewer(version, builder)) candidates.push({ directive, kind, version });
  }
  return candidates.sort((a, b) => (isNewer(a.version, b.version) ? -1 : isNewer(b.version, a.version) ? 1 : 0))[0];
}

/** The tag to use: the needed major.minor (with its patch when the current tag pins one), then the variant. */
function tagFor(needed: Needed, builder: Builder): string {
  const { major, minor, patch } = needed.version;
  const version = builder.version.patch !== undefined && patch !== undefined ? `${major}.${minor}.${patch}` : `${major}.${minor}`;
  return version + builder.variant;
}

function fixesOf(facts: Facts, builder: Builder, newTag: string): Fix[] {
  if (parseImageRef(builder.image).digest) return [];
  const edit = tagEdit(facts, builder, newTag.slice(0, newTag.length - builder.variant.length));
  return edit ? [{ title: `Use golang:${newTag}`, edits: [edit] }] : [];
}

/** Replaces the version part of the tag where it is written: in the FROM, or in the default of the ARG the FROM uses. */
function tagEdit(facts: Facts, builder: Builder, version: string): FileEdit | undefined {
  const written = textOf(facts.doc, builder.range);
  const colon = written.lastIndexOf(':');
  if (colon > written.lastIndexOf('/') && written.startsWith(builder.versionText, colon + 1)) {
    return replaceAt(facts.doc, offsetAt(facts.doc, builder.range.start) + colon + 1, builder.versionText.length, version);
  }
  for (const name of written.match(/\$\{?(\w+)/g)?.map((reference) => reference.replace(/^\$\{?/, '')) ?? []) {
    for (const arg of facts.doc.ast.getInitialARGs()) {
      const property = arg.getProperties().find((candidate) => candidate.getName() === name);
      const range = property?.getValueRange();
      if (!range) continue;
      const value = textOf(facts.doc, range);
      const index = value.indexOf(builder.versionText);
      if (index >= 0 && !/\d/.test(value[index + builder.versionText.length] ?? '')) {
        return replaceAt(facts.doc, offsetAt(facts.doc, range.start) + index, builder.versionText.length, version);
      }
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Messages.

function failure(needed: Needed, builder: Builder): string {
  const required = needed.directive.version;
  const running = builder.version.patch === undefined ? `${builder.versionText}.x` : builder.versionText;
  if (builder.version.major > 1 || builder.version.minor >= 21) {
    return needed.kind === 'go'
      ? `the golang image sets GOTOOLCHAIN=local, so the build stops with \`go: go.mod requires go >= ${required} (running go ${running}; GOTOOLCHAIN=local)\``
      : `the golang image sets GOTOOLCHAIN=local, so the build ignores the toolchain go.mod asks for and compiles with Go ${running} instead`;
  }
  return needed.kind === 'go'
    ? needed.version.patch !== undefined
      ? `Go ${running} rejects the three-part version: \`invalid go version '${required}': must match format 1.23\``
      : `Go ${running} compiles it as far as it can and fails on newer syntax or APIs (\`note: module requires Go ${required}\`)`
    : `Go ${running} does not know the toolchain directive: the build stops with \`unknown directive: toolchain\``;
}

function fileMessage(needed: Needed, builder: Builder, newTag: string): string {
  const what = needed.kind === 'go' ? `go.mod requires Go ${needed.directive.version}` : `go.mod asks for toolchain go${needed.directive.version}`;
  return `${what}, but the Dockerfile builds with ${builder.image} (Go ${builder.versionText}): ${failure(needed, builder)}. Build with golang:${newTag}.`;
}

function summaryMessage(goMod: GoModFacts, needed: Needed, builder: Builder, newTag: string): string {
  const where = `${goMod.path}:${needed.directive.range.start.line + 1}`;
  return `${builder.image} has Go ${builder.versionText}, older than the \`${textAt(needed)}\` in go.mod: ${failure(needed, builder)}. Use golang:${newTag}. (see ${where})`;
}

function textAt(needed: Needed): string {
  return needed.kind === 'go' ? `go ${needed.directive.version}` : `toolchain go${needed.directive.version}`;
}
