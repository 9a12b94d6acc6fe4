// Which build-context files each native build compiles, and what they say: Go
// imports (TLS clients, `import "C"`), the go.mod's versions, C calls to glibc's NSS
// functions. Only files the build's stage copied count. Per-file facts are cached by
// text (sources/*.ts), so a re-analysis after a Dockerfile edit reads but parses nothing.
import path from 'node:path';
import type { Range } from 'vscode-languageserver-textdocument';
import { dockerfileRelative, type BuildContext } from '../context/build-context';
import type { ParsedDockerfile } from '../parse/dockerfile';
import { cFileFacts, type CCall } from '../sources/c';
import { constraintHolds, constraintTags, fileNameMatches, goFileFacts, platformTags, type GoFileFacts, type Platform } from '../sources/go';
import { boundedCache } from '../sources/cache';
import { parseGoMod, type GoModFile, type GoModVersion } from '../sources/gomod';
import type { Provision } from './base-images';
import { globPattern, hasGlob, isNativeBuild, resolvePath, type BuildCommand } from './builds';
import type { Facts, Stage } from './model';
import { stageFiles, type StageFiles } from './stage-files';

/** A place in a build-context file, relative to the Dockerfile's folder (as `Finding.path`). */
export interface SourceLocation {
  path: string;
  range: Range;
}

export interface GoImportSite extends SourceLocation {
  importPath: string;
  /** The importing package: its import path when the module is known, else its folder (Dockerfile-relative). */
  importer: string;
}

export interface CgoSite extends SourceLocation {
  /** The package whose file has `import "C"` (as `GoImportSite.importer`). */
  package: string;
}

export interface GoModFacts {
  /** Relative to the Dockerfile's folder. */
  path: string;
  module: string | undefined;
  go: GoModVersion | undefined;
  toolchain: GoModVersion | undefined;
}

export interface CallSite extends SourceLocation {
  name: string;
}

export interface BuildSources {
  /** Every source the build compiles was found in the stage (Go: every package and module-local import; C: every source argument). */
  visible: boolean;
  /** The context files read (context-relative): Go files, go.mod, C sources. */
  files: readonly string[];
  /** Go: every import of the compiled package graph outside the module (standard library and dependencies). */
  goImports: ReadonlySet<string>;
  /** Go: the first place each of `goImports` is imported. */
  goImportSites: ReadonlyMap<string, GoImportSite>;
  /** Go: `import "C"` in files the build compiles whenever cgo is on (files constrained on `cgo` or an unknown tag are left out). */
  cgo: CgoSite[];
  /** Go: the go.mod of the main module (the nearest one at or above the build's directory in the stage). */
  goMod: GoModFacts | undefined;
  /** C: calls to glibc NSS functions (sources/c.ts NSS_FUNCTIONS). */
  nssCalls: CallSite[];
  /** C: calls into TLS libraries. */
  tlsCalls: CallSite[];
}

/**
 * Imports that mean "this program makes TLS connections", matched as a path prefix
 * (`net/http` covers `net/http/httputil`): the standard library's TLS clients, gRPC,
 * cloud SDKs, and database / message-queue drivers that connect over TLS.
 */
export const TLS_IMPORTS: readonly string[] = [
  'net/http',
  'crypto/tls',
  'net/smtp',
  'golang.org/x/net/http2',
  'golang.org/x/oauth2',
  'google.golang.org/grpc',
  'google.golang.org/api',
  'cloud.google.com/go',
  'github.com/aws',
  'github.com/Azure/azure-sdk-for-go',
  'github.com/jackc/pgx',
  'github.com/lib/pq',
  'github.com/go-sql-driver/mysql',
  'go.mongodb.org/mongo-driver',
  'github.com/redis/go-redis',
  'github.com/go-redis/redis',
  'github.com/nats-io/nats.go',
  'github.com/segmentio/kafka-go',
  'github.com/IBM/sarama',
  'github.com/Shopify/sarama',
  'github.com/minio/minio-go',
];

export function isTlsImport(importPath: string): boolean {
  return TLS_IMPORTS.some((prefix) => importPath === prefix || importPath.startsWith(prefix + '/'));
}

/** Whether the build's program makes TLS connections, as far as its sources tell. */
export function tlsUseOf(build: BuildCommand, sources: BuildSources | undefined): Provision {
  if (!sources) return 'unknown';
  if (tlsEvidence(sources)) return 'yes';
  // A C program may link a TLS library through flags or headers the calls do not show.
  return build.kind !== 'c-link' && sources.visible ? 'no' : 'unknown';
}

export interface TlsEvidence {
  /** The import path or the C function. */
  what: string;
  /** Go: the importing package. */
  importer: string | undefined;
  location: SourceLocation;
}

export function tlsEvidence(sources: BuildSources): TlsEvidence | undefined {
  for (const [importPath, site] of sources.goImportSites) {
    if (isTlsImport(importPath)) return { what: importPath, importer: site.importer, location: { path: site.path, range: site.range } };
  }
  const call = sources.tlsCalls[0];
  return call && { what: call.name, importer: undefined, location: { path: call.path, range: call.range } };
}

/** Builds in the stages `docker build` runs for the target (BuildKit skips the others): the runtime chain and its builders. */
export function buildsForTarget(facts: Facts): BuildCommand[] {
  const built = new Set([...facts.runtimeChain, ...facts.builders]);
  return facts.builds.filter((build) => built.has(build.stage));
}

/** What each native build compiles; empty without a build context (sources are then "not visible"). */
export function extractSources(doc: ParsedDockerfile, context: BuildContext | undefined, builds: readonly BuildCommand[]): Map<BuildCommand, BuildSources> {
  const result = new Map<BuildCommand, BuildSources>();
  if (!context) return result;
  const readers = new Map<Stage, StageSources>();
  for (const build of builds) {
    if (!isNativeBuild(build)) continue;
    let reader = readers.get(build.stage);
    if (!reader) readers.set(build.stage, (reader = new StageSources(context, stageFiles(doc, context, build.stage))));
    result.set(build, build.kind === 'c-link' ? reader.cSources(build) : reader.goSources(build));
  }
  return result;
}

// ---------------------------------------------------------------------------
// Go.

interface GoModule {
  /** Stage folder of the go.mod. */
  root: string;
  file: GoModFile;
  facts: GoModFacts;
  contextFile: string;
  text: string;
}

/** A package the build compiles: a folder, or the .go files named on the command line; undefined when it cannot be resolved. */
type GoPackage = { dir: string; files: string[] | undefined } | undefined;

/** What one package contributes to a build, for one module and platform. */
interface PackageSummary {
  visible: boolean;
  files: string[];
  /** Imports outside the module, each with its first site in the package. */
  external: Map<string, GoImportSite>;
  /** Module-local packages it imports. */
  local: GoPackage[];
  cgo: CgoSite[];
}

/** Package summaries by package, module, platform and file list; valid while the files' texts are the same. */
const packageCache = boundedCache<{ texts: (string | undefined)[]; summary: PackageSummary }>(4096);

/** The sources of one stage: its files by folder, and what its packages say (memoised: builds share packages). */
class StageSources {
  /** Stage folder → its `.go` files: [stage path, context path]. */
  private readonly goFiles = new Map<string, [string, string][]>();
  /** Stage folders that hold .go files, sorted. */
  private readonly goDirs: string[];
  private readonly modules = new Map<string, GoModule | undefined>();
  private readonly summaries = new Map<string, PackageSummary>();
  private readonly relative = new Map<string, string>();

  constructor(
    private readonly context: BuildContext,
    private readonly files: StageFiles,
  ) {
    for (const entry of files) {
      if (!entry[0].endsWith('.go')) continue;
      const dir = path.posix.dirname(entry[0]);
      const list = this.goFiles.get(dir);
      if (list) list.push(entry);
      else this.goFiles.set(dir, [entry]);
    }
    this.goDirs = [...this.goFiles.keys()].sort();
  }

  goSources(build: BuildCommand): BuildSources {
    const dir = build.flags.has('C') ? resolvePath(build.cwd, build.flags.get('C')) : build.cwd;
    // `go install pkg@version` builds outside the current module.
    const remote = build.packages.length > 0 && build.packages.every((pkg) => pkg?.includes('@'));
    const module = dir === undefined || remote ? undefined : this.moduleAt(dir);
    const platform = platformOf(build);
    const sources = { visible: dir !== undefined, files: [] as string[], goImports: new Set<string>(), goImportSites: new Map<string, GoImportSite>(), cgo: [] as CgoSite[] };
    if (module) sources.files.push(module.contextFile);
    const queue: GoPackage[] = dir === undefined ? [] : this.packagesOf(build, dir, module);
    const seen = new Set<string>();
    for (let i = 0; i < queue.length; i++) {
      const pkg = queue[i];
      if (!pkg) {
        sources.visible = false;
        continue;
      }
      const key = pkg.files ? pkg.files.join('\0') : pkg.dir;
      if (seen.has(key)) continue;
      seen.add(key);
      const summary = this.summary(pkg, module, platform);
      if (!summary.visible) sources.visible = false;
      sources.files.push(...summary.files);
      sources.cgo.push(...summary.cgo);
      for (const [importPath, site] of summary.external) {
        sources.goImports.add(importPath);
        if (!sources.goImportSites.has(importPath)) sources.goImportSites.set(importPath, site);
      }
      queue.push(...summary.local);
    }
    return { ...sources, goMod: module?.facts, nssCalls: [], tlsCalls: [] };
  }

  /** The package arguments: `.` (the default), `./cmd/x`, `./...`, files, or import paths of the main module. */
  private packagesOf(build: BuildCommand, dir: string, module: GoModule | undefined): GoPackage[] {
    const args = build.packages.length > 0 ? build.packages : ['.'];
    if (args.every((arg) => arg?.endsWith('.go'))) return [{ dir, files: args.map((arg) => resolvePath(dir, arg) ?? '') }];
    return args.flatMap((arg): GoPackage[] => {
      if (arg === undefined || arg.includes('@') || arg.endsWith('.go')) return [undefined];
      const local = arg.startsWith('.') || arg.startsWith('/') ? resolvePath(dir, arg) : module && moduleDir(module, arg);
      if (local === undefined) return [undefined];
      if (!local.includes('...')) return [{ dir: local, files: undefined }];
      const found = this.matchingDirs(local, module);
      return found.length > 0 ? found.map((d) => ({ dir: d, files: undefined })) : [undefined];
    });
  }

  /** The folders a `dir/...` pattern matches: those with .go files, minus vendor, testdata, `_x`, `.x` and nested modules. */
  private matchingDirs(pattern: string, module: GoModule | undefined): string[] {
    const base = pattern.slice(0, pattern.indexOf('...')).replace(/\/$/, '') || '/';
    const prefix = base === '/' ? '/' : base + '/';
    return this.goDirs.filter((dir) => {
      if (dir !== base && !dir.startsWith(prefix)) return false;
      const below = dir === base ? [] : dir.slice(prefix.length).split('/');
      if (below.some((element) => element === 'vendor' || element === 'testdata' || element.startsWith('_') || element.startsWith('.'))) return false;
      return !below.some((_, n) => {
        const sub = path.posix.join(base, ...below.slice(0, n + 1));
        return sub !== module?.root && this.files.has(path.posix.join(sub, 'go.mod'));
      });
    });
  }

  /** The nearest go.mod at or above a stage folder. */
  private moduleAt(dir: string): GoModule | undefined {
    if (this.modules.has(dir)) return this.modules.get(dir);
    const contextFile = this.files.get(path.posix.join(dir, 'go.mod'));
    const text = contextFile === undefined ? undefined : this.context.readFile(contextFile);
    let module: GoModule | undefined;
    if (contextFile !== undefined && text !== undefined) {
      const file = parseGoMod(text);
      const facts = { path: this.dockerfileRelative(contextFile), module: file.module, go: file.go, toolchain: file.toolchain };
      module = { root: dir, file, facts, contextFile, text };
    } else if (dir !== '/' && dir !== '.') {
      module = this.moduleAt(path.posix.dirname(dir));
    }
    this.modules.set(dir, module);
    return module;
  }

  /** A package's summary: memoised for this analysis, and across analyses while its files' texts stay the same. */
  private summary(pkg: NonNullable<GoPackage>, module: GoModule | undefined, platform: Platform): PackageSummary {
    const localKey = `${module?.root}\0${platform.goos}\0${platform.goarch}\0${platform.tags.join(',')}\0${pkg.files ? pkg.files.join('\0') : pkg.dir}`;
    let summary = this.summaries.get(localKey);
    if (summary) return summary;
    const entries: (readonly [string, string | undefined])[] = pkg.files ? pkg.files.map((file) => [file, this.files.get(file)] as const) : (this.goFiles.get(pkg.dir) ?? []);
    const key = [this.context.dockerfileDir, module?.text, localKey, ...entries.flat()].join('\0');
    const texts = entries.map(([, contextFile]) => (contextFile === undefined ? undefined : this.context.readFile(contextFile)));
    const cached = packageCache.get(key);
    summary = cached && cached.texts.every((text, index) => text === texts[index]) ? cached.summary : this.summarise(pkg, entries, texts, module, platform);
    if (summary !== cached?.summary) packageCache.set(key, { texts, summary });
    this.summaries.set(localKey, summary);
    return summary;
  }

  private summarise(pkg: NonNullable<GoPackage>, entries: readonly (readonly [string, string | undefined])[], texts: readonly (string | undefined)[], module: GoModule | undefined, platform: Platform): PackageSummary {
    const summary: PackageSummary = { visible: entries.length > 0, files: [], external: new Map(), local: [], cgo: [] };
    const name = packageName(module, pkg.dir);
    entries.forEach(([stagePath, contextFile], index) => {
      const nameMatches = pkg.files ? true : fileNameMatches(path.posix.basename(stagePath), platform);
      if (contextFile === undefined) summary.visible = false;
      if (contextFile === undefined || nameMatches === false) return;
      const text = texts[index];
      const facts = text === undefined ? undefined : goFileFacts(text);
      if (!facts) {
        summary.visible = false;
        return;
      }
      const constraint = facts.buildConstraint === undefined ? true : constraintHolds(facts.buildConstraint, platformTags(platform));
      if (constraint === false || facts.packageName?.endsWith('_test')) return;
      summary.files.push(contextFile);
      const file = this.dockerfileRelative(contextFile);
      if (facts.cgo && nameMatches === true && alwaysWithCgo(facts, platform)) summary.cgo.push({ path: file, range: facts.cgo, package: name });
      for (const imported of facts.imports) {
        const dir = module && moduleDir(module, imported.path);
        if (dir !== undefined) summary.local.push({ dir, files: undefined });
        else if (!summary.external.has(imported.path)) summary.external.set(imported.path, { path: file, range: imported.range, importPath: imported.path, importer: name });
      }
    });
    return summary;
  }

  private dockerfileRelative(contextFile: string): string {
    let relative = this.relative.get(contextFile);
    if (relative === undefined) this.relative.set(contextFile, (relative = dockerfileRelative(this.context, contextFile)));
    return relative;
  }

  // C.

  cSources(build: BuildCommand): BuildSources {
    const sources: BuildSources & { files: string[] } = { visible: build.cwd !== undefined, files: [], goImports: new Set(), goImportSites: new Map(), cgo: [], goMod: undefined, nssCalls: [], tlsCalls: [] };
    const args = build.words.slice(1);
    let found = 0;
    for (let i = 0; i < args.length; i++) {
      const value = args[i].value;
      if (value !== undefined && C_FILE_VALUE_FLAGS.has(value)) {
        i++;
        continue;
      }
      if (value === undefined) {
        sources.visible = false;
        continue;
      }
      if (!C_SOURCE.test(value)) continue;
      const matched = this.cFiles(build.cwd, value);
      if (matched.length === 0) sources.visible = false;
      for (const contextFile of matched) {
        found++;
        this.readCFile(sources, contextFile);
      }
    }
    if (found === 0) sources.visible = false;
    return sources;
  }

  /** The context files a source argument names in the stage (a wildcard may match several). */
  private cFiles(cwd: string | undefined, arg: string): string[] {
    const stagePath = resolvePath(cwd, arg);
    if (stagePath === undefined) return [];
    if (!hasGlob(stagePath)) {
      const contextFile = this.files.get(stagePath);
      return contextFile === undefined ? [] : [contextFile];
    }
    const pattern = globPattern(stagePath);
    return [...this.files].filter(([file]) => pattern.test(file)).map(([, contextFile]) => contextFile);
  }

  private readCFile(sources: BuildSources & { files: string[] }, contextFile: string): void {
    const text = this.context.readFile(contextFile);
    const facts = text === undefined ? undefined : cFileFacts(text);
    if (!facts) {
      sources.visible = false;
      return;
    }
    sources.files.push(contextFile);
    const file = this.dockerfileRelative(contextFile);
    const at = (call: CCall): CallSite => ({ path: file, range: call.range, name: call.name });
    sources.nssCalls.push(...facts.nssCalls.map(at));
    sources.tlsCalls.push(...facts.tlsCalls.map(at));
  }
}

function platformOf(build: BuildCommand): Platform {
  const goos = build.env.get('GOOS');
  return { goos: goos || 'linux', goarch: build.env.has('GOARCH') ? build.env.get('GOARCH') || undefined : undefined, tags: build.tags, cgo: undefined };
}

/** The stage folder of an import path inside the main module or a module it replaces with a local folder. */
function moduleDir(module: GoModule, importPath: string): string | undefined {
  const within = (prefix: string) => importPath === prefix || importPath.startsWith(prefix + '/');
  const { file, root } = module;
  for (const replace of file.replaces) {
    if (/^\.{0,2}\//.test(replace.to) && within(replace.from)) return resolvePath(resolvePath(root, replace.to), '.' + importPath.slice(replace.from.length));
  }
  if (file.module && within(file.module)) return resolvePath(root, '.' + importPath.slice(file.module.length));
  return undefined;
}

function packageName(module: GoModule | undefined, dir: string): string {
  if (!module?.file.module) return dir;
  const relative = path.posix.relative(module.root, dir);
  return relative === '' ? module.file.module : relative.startsWith('..') ? dir : `${module.file.module}/${relative}`;
}

/** A cgo file the build needs whenever cgo is on: no constraint, or one that holds and does not mention `cgo` (then a `!cgo` fallback may exist). */
function alwaysWithCgo(facts: GoFileFacts, platform: Platform): boolean {
  const expression = facts.buildConstraint;
  if (expression === undefined) return true;
  if (constraintTags(expression).includes('cgo')) return false;
  return constraintHolds(expression, platformTags({ ...platform, cgo: true })) === true;
}

// ---------------------------------------------------------------------------
// C arguments.

const C_SOURCE = /\.(c|cc|cp|cpp|cxx|c\+\+|C)$/;
/** Flags whose value is the next argument and might look like a source file. */
const C_FILE_VALUE_FLAGS = new Set(['-o', '-MF', '-MT', '-MQ', '-include', '-imacros', '-x', '-Xlinker', '-T']);
