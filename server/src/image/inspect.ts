// The built-image checks (SLIM901–SLIM907) over a saved image: its config (Cmd,
// Entrypoint, Healthcheck, User, Env) and its file system after all layers. Where the
// answer depends on something not read (a file's text out of reach, `$PLATFORM` in a
// RUNPATH, a relative path), the check stays silent: a wrong error costs more trust
// than a missed one.
import type { Severity } from '../shared/protocol';
import type { FindingSeverity } from '../rules/types';
import type { ArchiveLayer, ImageArchive, ImageConfig } from './archive';
import { ET_DYN, ET_EXEC, type ElfInfo } from './elf';
import { ImageFs, type FsFile, type LayerWaste } from './layers';
import { baseName, displayPath, displayText, joinPath, normalizePath, parentPath, toBytePath } from './names';
import { imageRule } from './rules';
import { globPattern } from '../glob';

export type ConfigField = 'CMD' | 'ENTRYPOINT' | 'HEALTHCHECK' | 'USER';

export interface ImageFinding {
  code: string;
  name: string;
  severity: FindingSeverity;
  /** What is wrong, why it matters, what to do. File names in it are escaped. */
  message: string;
  /** The file it is about, escaped for display (displayPath); undefined for a config problem with no file. */
  path?: string;
  /** Index in `layers` of the layer that put the file there. */
  layer?: number;
  diffId?: string;
  /** The layer's (or the config field's) history line, when the image records it. */
  createdBy?: string;
  /** For config problems: the Dockerfile instruction that set the field. */
  instruction?: ConfigField;
}

export interface InspectedLayer {
  index: number;
  diffId?: string;
  /** The instruction that made the layer (history `created_by`), when known. */
  createdBy?: string;
  /** The history's comment (e.g. `Imported from -`), when it has one. */
  comment?: string;
  /** Bytes of its files, as `docker history` counts them. */
  size: number;
  /** Entries in its tar (files, directories, links, whiteouts). */
  entries: number;
}

export interface ImageAnalysis {
  layers: InspectedLayer[];
  findings: ImageFinding[];
  /** Sum of the layers' sizes. */
  size: number;
  architecture?: string;
  os?: string;
  /** What was looked at: files in the final file system, ELF files among them, Go programs. */
  stats: { files: number; elfFiles: number; goPrograms: number };
}

export interface AnalyzeOptions {
  /** Per-code severity overrides (`off` drops the finding), as in `.dockerfile-slim.json`. */
  rules?: Record<string, Severity>;
  /** SLIM907 reports a layer only when at least this many of its bytes are wasted (default 1 MiB). */
  wastedBytesThreshold?: number;
}

export const DEFAULT_WASTED_THRESHOLD = 1 << 20;
/** Docker's PATH when the image sets none. */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const DEFAULT_SHELL = ['/bin/sh', '-c'];

/** ELF e_machine for the config's `architecture`. */
const MACHINES: Record<string, number> = { amd64: 62, arm64: 183, '386': 3, arm: 40, ppc64le: 21, ppc64: 21, s390x: 22, riscv64: 243, mips64le: 8, mips64: 8, loong64: 258 };
/** Debian's multiarch directory names by e_machine (32-bit ARM: hard float). */
const MULTIARCH: Record<number, string> = { 62: 'x86_64-linux-gnu', 183: 'aarch64-linux-gnu', 3: 'i386-linux-gnu', 40: 'arm-linux-gnueabihf', 21: 'powerpc64le-linux-gnu', 22: 's390x-linux-gnu', 243: 'riscv64-linux-gnu' };
/** Names musl's loader answers itself (ldso/dynlink.c: "c.pthread.rt.m.dl.util.xnet."). */
const MUSL_BUILTIN = /^lib(c|pthread|rt|m|dl|util|xnet)\./;
/** Go's crypto/x509 on Linux (root_linux.go): bundle files, then directories. */
const CA_FILES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/ca-bundle.pem', '/etc/pki/tls/cacert.pem', '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem', '/etc/ssl/cert.pem'];
const CA_DIRS = ['/etc/ssl/certs', '/etc/pki/tls/certs'];

/** Runs every check on a saved image. */
export function analyzeImage(archive: ImageArchive, options: AnalyzeOptions = {}): ImageAnalysis {
  const fs = new ImageFs();
  archive.layers.forEach((layer, index) => fs.applyLayer(index, layer.entries));
  const layers = describeLayers(archive.config, archive.layers);
  const checker = new Checker(fs, archive.config, layers);
  const findings = [
    ...checker.interpreters(),
    ...checker.libraries(),
    ...checker.command(),
    ...checker.healthcheck(),
    ...checker.user(),
    ...checker.caBundle(),
    ...checker.waste(options.wastedBytesThreshold ?? DEFAULT_WASTED_THRESHOLD),
  ];
  return {
    layers,
    findings: applySeverities(findings, options.rules).sort(compareFindings),
    size: layers.reduce((sum, layer) => sum + layer.size, 0),
    architecture: archive.config.architecture,
    os: archive.config.os,
    stats: checker.stats(),
  };
}

/** Layers with their diff ids and the history lines that made them (only when history and layers line up). */
export function describeLayers(config: ImageConfig, layers: readonly ArchiveLayer[]): InspectedLayer[] {
  const diffIds = config.rootfs?.diff_ids ?? [];
  const made = (config.history ?? []).filter((entry) => !entry.empty_layer);
  const historyFits = made.length === layers.length;
  return layers.map((layer, index) => {
    const described: InspectedLayer = { index, size: layer.size, entries: layer.entries.length };
    if (diffIds[index]) described.diffId = diffIds[index];
    const createdBy = historyFits ? made[index].created_by : undefined;
    if (createdBy) described.createdBy = createdBy;
    const comment = historyFits ? made[index].comment : undefined;
    if (comment) described.comment = comment;
    return described;
  });
}

function applySeverities(findings: ImageFinding[], rules: Record<string, Severity> | undefined): ImageFinding[] {
  if (!rules) return findings;
  return findings.flatMap((finding) => {
    const override = rules[finding.code];
    if (override === 'off') return [];
    return [override ? { ...finding, severity: override } : finding];
  });
}

const SEVERITY_ORDER: Record<FindingSeverity, number> = { error: 0, warning: 1, info: 2 };

function compareFindings(a: ImageFinding, b: ImageFinding): number {
  return SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.code.localeCompare(b.code) || (a.layer ?? -1) - (b.layer ?? -1) || (a.path ?? '').localeCompare(b.path ?? '');
}

interface ElfFile {
  path: string;
  file: FsFile;
  elf: ElfInfo;
}

type Lookup = { found: true; path: string; file: FsFile } | { found: false; uncertain: boolean; tried: string[] };

interface MissingGroup {
  name: string;
  layer: number;
  /** Byte-string paths of the files that need it, in discovery order. */
  paths: string[];
  programs: Set<string>;
  tried: Set<string>;
  /** The programs' loader is musl's (its error text differs). */
  musl: boolean;
}

class Checker {
  private readonly env: Map<string, string>;
  private readonly shell: string[];
  private readonly machine: number | undefined;
  private readonly elfFiles: ElfFile[] = [];
  private fileCount = 0;
  /** The program the container starts, resolved, when it is an image file. */
  private readonly entryProgram: string | undefined;
  private readonly ldConfig: { dirs: string[]; uncertain: boolean };
  private readonly ldCache: Map<string, string[]>;

  constructor(
    private readonly fs: ImageFs,
    private readonly image: ImageConfig,
    private readonly layers: InspectedLayer[],
  ) {
    this.env = parseEnv(image.config?.Env ?? []);
    this.shell = nonEmpty(image.config?.Shell) ?? DEFAULT_SHELL;
    this.machine = image.architecture ? MACHINES[image.architecture] : undefined;
    for (const [path, file] of fs.files()) {
      this.fileCount++;
      if (file.data.elf) this.elfFiles.push({ path, file, elf: file.data.elf });
    }
    const argv = this.argv();
    const program = argv.length > 0 && !this.isShellForm(argv) ? this.findProgram(argv[0]) : undefined;
    this.entryProgram = program?.found ? program.path : undefined;
    this.ldConfig = this.readLdConfig();
    this.ldCache = this.readLdCache();
  }

  private readonly fileCache = new Map<string, ReturnType<ImageFs['file']>>();
  private readonly lookupCache = new Map<string, Lookup>();

  /** ImageFs.file(), remembered: the same loader and library paths are asked for by every program. */
  private file(path: string): ReturnType<ImageFs['file']> {
    if (this.fileCache.has(path)) return this.fileCache.get(path);
    const found = this.fs.file(path);
    this.fileCache.set(path, found);
    return found;
  }

  stats(): ImageAnalysis['stats'] {
    return { files: this.fileCount, elfFiles: this.elfFiles.length, goPrograms: this.elfFiles.filter((f) => f.elf.go).length };
  }

  // ---------------------------------------------------------------- SLIM901
  interpreters(): ImageFinding[] {
    const groups = new Map<string, { interp: string; layer: number; paths: string[] }>();
    for (const program of this.programs()) {
      const interp = program.elf.interp as string;
      if (!interp.startsWith('/') || this.file(interp)) continue;
      const key = `${interp}\0${program.file.layer}`;
      const group = groups.get(key) ?? { interp, layer: program.file.layer, paths: [] };
      group.paths.push(program.path);
      groups.set(key, group);
    }
    return [...groups.values()].map((group) => {
      const path = this.representative(group.paths);
      const others = group.paths.length - 1;
      const musl = isMuslLoader(group.interp);
      const also = others > 0 ? ` (and ${plural(others, 'other program')} in this layer)` : '';
      const cure = musl
        ? 'Run it on a musl base image (alpine), or build it statically.'
        : 'Build it statically (Go: CGO_ENABLED=0; C: -static), or use a base image with glibc (gcr.io/distroless/base, debian:*-slim).';
      return this.fileFinding('SLIM901', path, group.layer, `${displayPath(path)}${also} needs the ELF interpreter ${displayPath(group.interp)}, which is not in the image: the kernel cannot start it, and the container fails with \`exec ${displayPath(path)}: no such file or directory\`. ${cure}`);
    });
  }

  // ---------------------------------------------------------------- SLIM902
  libraries(): ImageFinding[] {
    const groups = new Map<string, MissingGroup>();
    for (const program of this.programs()) {
      if (!this.file(program.elf.interp as string)) continue; // SLIM901 says it: nothing loads without the loader
      this.walkClosure(program, groups);
    }
    return [...groups.values()].map((group) => this.missingLibraryFinding(group));
  }

  /** Follows DT_NEEDED from PROGRAM as its loader would, recording what cannot be found. */
  private walkClosure(program: ElfFile, groups: Map<string, MissingGroup>): void {
    const musl = isMuslLoader(program.elf.interp as string);
    const programRpath = program.elf.runpath ? [] : (program.elf.rpath ?? []);
    const programOrigin = parentPath(this.fs.resolve(program.path)?.path ?? program.path);
    const queue: { path: string; origin: string; elf: ElfInfo; layer: number }[] = [{ path: program.path, origin: programOrigin, elf: program.elf, layer: program.file.layer }];
    const seen = new Set<string>([program.path]);
    while (queue.length > 0) {
      const object = queue.shift() as (typeof queue)[number];
      for (const name of object.elf.needed ?? []) {
        const cacheKey = [musl, program.elf.interp, object.path, object.origin, name, programRpath.length > 0 ? `${programOrigin}:${programRpath.join(':')}` : ''].join('\0');
        let lookup = this.lookupCache.get(cacheKey);
        if (!lookup) this.lookupCache.set(cacheKey, (lookup = this.findLibrary(name, object, { musl, programRpath, programOrigin, interp: program.elf.interp as string })));
        if (lookup.found) {
          const elf = lookup.file.data.elf;
          if (!seen.has(lookup.path) && elf) {
            seen.add(lookup.path);
            queue.push({ path: lookup.path, origin: parentPath(lookup.path), elf, layer: lookup.file.layer });
          }
          continue;
        }
        if (lookup.uncertain) continue;
        const key = `${name}\0${object.layer}`;
        let group = groups.get(key);
        if (!group) groups.set(key, (group = { name, layer: object.layer, paths: [], programs: new Set(), tried: new Set(), musl }));
        if (!group.paths.includes(object.path)) group.paths.push(object.path);
        group.programs.add(program.path);
        for (const tried of lookup.tried) group.tried.add(tried);
      }
    }
  }

  private findLibrary(
    name: string,
    object: { path: string; origin: string; elf: ElfInfo },
    context: { musl: boolean; programRpath: string[]; programOrigin: string; interp: string },
  ): Lookup {
    if (name.includes('/')) {
      if (!name.startsWith('/')) return { found: false, uncertain: true, tried: [] };
      const file = this.file(name);
      return file ? { found: true, path: normalizePath(name), file: file.node } : { found: false, uncertain: false, tried: [normalizePath(name)] };
    }
    if (name === baseName(context.interp)) {
      const loader = this.file(context.interp);
      if (loader) return { found: true, path: loader.path, file: loader.node };
    }
    if (context.musl && MUSL_BUILTIN.test(name)) {
      const loader = this.file(context.interp);
      if (loader) return { found: true, path: loader.path, file: loader.node };
    }
    let uncertain = false;
    const dirs: string[] = [];
    const add = (entries: readonly string[] | undefined, origin: string) => {
      for (const entry of entries ?? []) {
        const dir = expandOrigin(entry, origin);
        if (dir === undefined) uncertain = true;
        else dirs.push(dir);
      }
    };
    const own = object.elf.runpath ?? object.elf.rpath;
    if (context.musl) {
      add(this.ldLibraryPath(), '/');
      add(own, object.origin);
      add(context.programRpath, context.programOrigin);
    } else {
      // glibc: DT_RPATH (the object's, then the program's) only when the object has no DT_RUNPATH.
      if (!object.elf.runpath) {
        add(object.elf.rpath, object.origin);
        add(context.programRpath, context.programOrigin);
      }
      add(this.ldLibraryPath(), '/');
      add(object.elf.runpath, object.origin);
    }
    if (this.ldLibraryPath().some((dir) => !dir.startsWith('/'))) uncertain = true;
    const tried: string[] = [];
    for (const dir of dirs) {
      const candidate = joinPath(dir, name);
      const file = this.file(candidate);
      if (file) return { found: true, path: candidate, file: file.node };
      tried.push(candidate);
    }
    if (!context.musl) {
      for (const cached of this.ldCache.get(name) ?? []) {
        const file = this.file(cached);
        if (file) return { found: true, path: cached, file: file.node };
      }
    }
    const system = context.musl ? this.muslDirs(context.interp) : this.glibcDirs(object.elf.machine);
    if (system.uncertain) uncertain = true;
    for (const dir of system.dirs) {
      const candidate = joinPath(dir, name);
      const file = this.file(candidate);
      if (file) return { found: true, path: candidate, file: file.node };
      tried.push(candidate);
    }
    return { found: false, uncertain, tried };
  }

  private missingLibraryFinding(group: MissingGroup): ImageFinding {
    const path = this.representative(group.paths);
    const name = displayPath(group.name);
    const others = group.paths.length - 1;
    const programs = [...group.programs];
    const direct = programs.includes(path);
    const also = others > 0 ? ` (and ${plural(others, 'other file')} in this layer)` : '';
    const loadedBy = direct ? '' : `, loaded by ${displayPath(this.representative(programs))}${programs.length > 1 ? ` and ${plural(programs.length - 1, 'other program')}` : ''},`;
    const who = `${displayPath(path)}${also}${loadedBy}`;
    const deleted = [...group.tried].map((tried) => [tried, this.fs.deleted.get(tried)] as const).find(([, by]) => by !== undefined);
    const deletedNote = deleted ? ` It was deleted by layer ${deleted[1]}${this.layerLabel(deleted[1] as number)}: ${displayPath(deleted[0])}.` : '';
    const error = group.musl
      ? `Error loading shared library ${name}: No such file or directory`
      : `error while loading shared libraries: ${name}: cannot open shared object file: No such file or directory`;
    return this.fileFinding(
      'SLIM902',
      path,
      group.layer,
      `${who} needs the shared library ${name}, which is not in the image (not in its RUNPATH, LD_LIBRARY_PATH, /etc/ld.so.conf or the default library directories).${deletedNote} The program fails to start with \`${error}\`. Install the package that provides it in the final stage, copy it from the build stage, or link statically.`,
    );
  }

  /** Executable ELF programs of the image's architecture that name a loader. */
  private *programs(): Generator<ElfFile> {
    for (const file of this.elfFiles) {
      const { elf } = file;
      if (elf.interp === undefined || (elf.type !== ET_EXEC && elf.type !== ET_DYN)) continue;
      if ((file.file.mode & 0o111) === 0) continue;
      if (this.machine !== undefined && elf.machine !== this.machine) continue;
      yield file;
    }
  }

  private ldLibraryPath(): string[] {
    const value = this.env.get('LD_LIBRARY_PATH');
    return value ? value.split(/[:;]/).filter((dir) => dir !== '').map(toBytePath) : [];
  }

  private glibcDirs(machine: number): { dirs: string[]; uncertain: boolean } {
    const triplet = MULTIARCH[machine];
    const multiarch = triplet ? [`/lib/${triplet}`, `/usr/lib/${triplet}`] : [];
    return { dirs: [...this.ldConfig.dirs, ...multiarch, '/lib', '/usr/lib', '/lib64', '/usr/lib64'], uncertain: this.ldConfig.uncertain };
  }

  /** musl: /etc/ld-musl-ARCH.path when it exists (it replaces the default), else /lib:/usr/local/lib:/usr/lib. */
  private muslDirs(interp: string): { dirs: string[]; uncertain: boolean } {
    const arch = /^ld-musl-(.+)\.so\.1$/.exec(baseName(interp))?.[1];
    const pathFile = arch ? this.file(`/etc/ld-musl-${arch}.path`) : undefined;
    if (!pathFile) return { dirs: ['/lib', '/usr/local/lib', '/usr/lib'], uncertain: false };
    const text = pathFile.node.data.text;
    if (text === undefined || pathFile.node.data.textTruncated) return { dirs: [], uncertain: true };
    return { dirs: text.split(/[\n:]/).map((line) => line.trim()).filter((dir) => dir.startsWith('/')), uncertain: false };
  }

  /** Directories from /etc/ld.so.conf and what it includes; uncertain when some included text was not read. */
  private readLdConfig(): { dirs: string[]; uncertain: boolean } {
    const dirs: string[] = [];
    let uncertain = false;
    const visited = new Set<string>();
    const read = (path: string, depth: number) => {
      const file = this.file(path);
      if (!file || visited.has(file.path) || depth > 8) return;
      visited.add(file.path);
      const text = file.node.data.text;
      if (text === undefined || file.node.data.textTruncated) {
        uncertain = true;
        return;
      }
      for (const raw of text.split('\n')) {
        const line = raw.replace(/#.*/, '').trim();
        if (line === '') continue;
        const include = /^include\s+(.+)$/.exec(line);
        if (include) {
          for (const pattern of include[1].split(/\s+/)) {
            for (const match of this.glob(joinPath(parentPath(path), pattern))) read(match, depth + 1);
          }
          continue;
        }
        if (/^hwcap\s/.test(line)) continue;
        for (const dir of line.split(/[\s:,]+/)) {
          const clean = dir.replace(/=.*$/, '');
          if (clean.startsWith('/')) dirs.push(normalizePath(clean));
        }
      }
    };
    read('/etc/ld.so.conf', 0);
    return { dirs, uncertain };
  }

  /** /etc/ld.so.cache: soname → the paths it lists (the strings of its table that are paths). */
  private readLdCache(): Map<string, string[]> {
    const cache = new Map<string, string[]>();
    const text = this.file('/etc/ld.so.cache')?.node.data.text;
    if (text === undefined) return cache;
    for (const entry of text.split('\0')) {
      if (!entry.startsWith('/') || entry.length > 4096) continue;
      const name = baseName(entry);
      const paths = cache.get(name) ?? [];
      paths.push(normalizePath(entry));
      cache.set(name, paths);
    }
    return cache;
  }

  /** Paths matching a pattern whose last component may hold `*`, `?` and `[…]`. */
  private glob(pattern: string): string[] {
    const dir = parentPath(pattern);
    const last = baseName(pattern);
    if (!/[*?[]/.test(last)) return [pattern];
    const entries = this.fs.list(dir);
    if (!entries) return [];
    const regex = globPattern(last);
    return [...entries.keys()].filter((name) => regex.test(name) && !name.startsWith('.')).sort().map((name) => joinPath(dir, name));
  }

  // ---------------------------------------------------------------- SLIM903 / SLIM904
  command(): ImageFinding[] {
    const entrypoint = nonEmpty(this.image.config?.Entrypoint);
    const argv = this.argv();
    if (argv.length === 0) return []; // docker run then needs a command: nothing to check
    const field: ConfigField = entrypoint ? 'ENTRYPOINT' : 'CMD';
    if (this.isShellForm(argv)) {
      const problem = this.shellProblem(field, argv.slice(this.shell.length).join(' '));
      return problem ? [problem] : [];
    }
    const problem = this.programProblem(field, argv[0]);
    return problem ? [problem] : [];
  }

  healthcheck(): ImageFinding[] {
    const test = nonEmpty(this.image.config?.Healthcheck?.Test);
    if (!test) return [];
    if (test[0] === 'CMD-SHELL' && test.length > 1) {
      const problem = this.shellProblem('HEALTHCHECK', test.slice(1).join(' '));
      return problem ? [problem] : [];
    }
    if (test[0] === 'CMD' && test.length > 1) {
      const problem = this.programProblem('HEALTHCHECK', test[1]);
      return problem ? [problem] : [];
    }
    return [];
  }

  private argv(): string[] {
    const entrypoint = nonEmpty(this.image.config?.Entrypoint);
    const cmd = this.image.config?.Cmd ?? [];
    return entrypoint ? [...entrypoint, ...cmd] : [...cmd];
  }

  private isShellForm(argv: string[]): boolean {
    return argv.length > this.shell.length && this.shell.every((word, i) => argv[i] === word);
  }

  private shellProblem(field: ConfigField, command: string): ImageFinding | undefined {
    const shell = this.shell[0];
    if (this.findProgram(shell).found) return undefined;
    const shown = displayText(shell);
    const engineText = `exec: "${shown}": stat ${shown}: no such file or directory`;
    const what = `${field === 'HEALTHCHECK' ? 'HEALTHCHECK CMD' : field} is in shell form (${displayText(truncate(command, 80))}), which runs it with ${shown}, but the image has no ${shown}`;
    const message =
      field === 'HEALTHCHECK'
        ? `${what}: every health check fails with \`${engineText}\` and the container is marked unhealthy. Use exec form: HEALTHCHECK CMD ${displayText(execFormOf(command, '["/app", "health"]'))}.`
        : `${what}: the container fails to start with \`${engineText}\`. Use exec form, which starts the program without a shell: ${field} ${displayText(execFormOf(command, '["/app", "--flag"]'))}.`;
    return this.configFinding('SLIM903', field, message, undefined);
  }

  private programProblem(field: ConfigField, program: string): ImageFinding | undefined {
    const found = this.findProgram(program);
    if (found.found) return this.interpreterProblem(field, found.path, found.file);
    const shown = displayText(program);
    const error = program.includes('/') ? `exec: "${shown}": ${found.error}` : `exec: "${shown}": executable file not found in $PATH`;
    const consequence = field === 'HEALTHCHECK' ? `every health check fails with \`${error}\` and the container is marked unhealthy` : `the container fails to start with \`${error}\``;
    const where = program.includes('/') ? '' : ` on the image's PATH (${displayText(truncate(this.env.get('PATH') ?? DEFAULT_PATH, 120))})`;
    const advice =
      found.reason === 'not-executable'
        ? 'Make it executable in the image (RUN chmod 755 on it, or COPY --chmod=755 with BuildKit).'
        : found.reason === 'not-a-file'
          ? `Point ${field} at the program itself.`
          : `Copy the program into the image at that path (check the COPY destination and the build output name), or correct the path in ${field}.`;
    return this.configFinding('SLIM904', field, `${field} runs ${shown}, which ${found.detail}${where}: ${consequence}. ${advice}`, found.file ? { path: found.path as string, layer: found.file.layer } : undefined);
  }

  /** A script whose `#!` interpreter is missing fails exactly like a missing program. */
  private interpreterProblem(field: ConfigField, path: string, file: FsFile): ImageFinding | undefined {
    const shebang = file.data.shebang?.trim();
    if (!shebang) return undefined;
    const interpreter = shebang.split(/[ \t]+/)[0];
    if (!interpreter.startsWith('/') || this.file(interpreter)) return undefined;
    const shown = displayPath(interpreter);
    return this.configFinding(
      'SLIM904',
      field,
      `${field} runs the script ${displayPath(path)}, whose interpreter ${shown} (its #! line) is not in the image: ${field === 'HEALTHCHECK' ? 'every health check fails' : 'the container fails to start'} with \`exec ${displayPath(path)}: no such file or directory\`. Install ${displayPath(baseName(interpreter))} in the final image, or start a compiled program instead.`,
      { path, layer: file.layer },
    );
  }

  /**
   * Resolves a program as the runtime does: a name with a slash from the working
   * directory, a bare name through the config's PATH. Found means an executable regular file.
   */
  private findProgram(
    program: string,
  ): { found: true; path: string; file: FsFile } | { found: false; reason: 'missing' | 'not-a-file' | 'not-executable'; detail: string; error: string; path?: string; file?: FsFile } {
    const bytes = toBytePath(program);
    if (bytes.includes('/')) {
      const path = joinPath(toBytePath(this.image.config?.WorkingDir || '/'), bytes);
      const resolved = this.fs.resolve(path);
      const shown = displayPath(bytes);
      if (!resolved) return { found: false, reason: 'missing', detail: 'does not exist in the image', error: `stat ${shown}: no such file or directory` };
      if (resolved.node.kind === 'dir') return { found: false, reason: 'not-a-file', detail: 'is a directory', error: 'permission denied' };
      if (resolved.node.kind !== 'file') return { found: false, reason: 'not-a-file', detail: 'is not a regular file', error: 'permission denied' };
      if ((resolved.node.mode & 0o111) === 0) {
        const mode = (resolved.node.mode & 0o777).toString(8).padStart(4, '0');
        return { found: false, reason: 'not-executable', detail: `is not executable (mode ${mode})`, error: 'permission denied', path: resolved.path, file: resolved.node };
      }
      return { found: true, path: resolved.path, file: resolved.node };
    }
    for (const dir of (this.env.get('PATH') ?? DEFAULT_PATH).split(':')) {
      if (!dir.startsWith('/')) continue;
      const file = this.file(joinPath(toBytePath(dir), bytes));
      if (file && (file.node.mode & 0o111) !== 0) return { found: true, path: file.path, file: file.node };
    }
    return { found: false, reason: 'missing', detail: 'is not an executable file', error: 'executable file not found in $PATH' };
  }

  // ---------------------------------------------------------------- SLIM905
  user(): ImageFinding[] {
    const spec = this.image.config?.User?.trim();
    if (!spec) return [];
    const [user, group] = splitOnce(spec, ':');
    const findings: ImageFinding[] = [];
    for (const [name, file, kind] of [
      [user, '/etc/passwd', 'user'],
      [group, '/etc/group', 'group'],
    ] as const) {
      if (name === undefined || name === '' || /^\d+$/.test(name)) continue;
      const names = this.accountNames(file);
      if (names === 'unknown' || names?.has(toBytePath(name))) continue;
      const shown = displayText(name);
      const why = names === undefined ? `the image has no ${file}` : `${file} has no entry for ${shown}`;
      const engineText = `unable to find ${kind} ${shown}: no matching entries in ${kind === 'user' ? 'passwd' : 'group'} file`;
      findings.push(
        this.configFinding(
          'SLIM905',
          'USER',
          `USER ${displayText(spec)} names the ${kind} ${shown}, but ${why}: the container fails to start with \`${engineText}\`. Create the ${kind} in the final image (or copy /etc/passwd and /etc/group from the stage that creates it), or use numeric ids: USER 65532:65532.`,
          undefined,
        ),
      );
    }
    return findings;
  }

  /** Names in /etc/passwd or /etc/group; undefined when the file is missing; 'unknown' when its text was not read. */
  private accountNames(path: string): Set<string> | undefined | 'unknown' {
    const resolved = this.fs.resolve(path);
    if (!resolved) return undefined;
    if (resolved.node.kind !== 'file') return 'unknown';
    const text = resolved.node.data.text;
    if (text === undefined || resolved.node.data.textTruncated) return 'unknown';
    return new Set(text.split('\n').map((line) => line.split(':')[0]).filter((name) => name !== ''));
  }

  // ---------------------------------------------------------------- SLIM906
  caBundle(): ImageFinding[] {
    const tlsPrograms = this.elfFiles.filter(({ elf, file }) => elf.goTls && !elf.goEmbeddedRoots && (file.mode & 0o111) !== 0 && (this.machine === undefined || elf.machine === this.machine));
    if (tlsPrograms.length === 0 || this.hasCaBundle()) return [];
    const byLayer = new Map<number, string[]>();
    for (const program of tlsPrograms) byLayer.set(program.file.layer, [...(byLayer.get(program.file.layer) ?? []), program.path]);
    return [...byLayer].map(([layer, paths]) => {
      const path = this.representative(paths);
      const others = paths.length > 1 ? ` (and ${plural(paths.length - 1, 'other Go program')} in this layer)` : '';
      return this.fileFinding(
        'SLIM906',
        path,
        layer,
        `${displayPath(path)}${others} is a Go program that uses crypto/tls, but the image has no CA certificates (${CA_FILES[0]} and Go's other usual paths are missing): every HTTPS or TLS connection it makes fails with \`x509: certificate signed by unknown authority\`. Copy the bundle from the build stage (COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/) or install ca-certificates.`,
      );
    });
  }

  /** As Go looks: SSL_CERT_FILE / SSL_CERT_DIR when set, else its list of bundle files and directories. */
  private hasCaBundle(): boolean {
    const certFile = this.env.get('SSL_CERT_FILE');
    const certDir = this.env.get('SSL_CERT_DIR');
    const files = certFile ? [certFile] : CA_FILES;
    const dirs = certDir ? certDir.split(':') : CA_DIRS;
    if (files.some((file) => (this.file(toBytePath(file))?.node.size ?? 0) > 0)) return true;
    return dirs.some((dir) => {
      const entries = this.fs.list(toBytePath(dir));
      if (!entries) return false;
      return [...entries.keys()].some((name) => (this.file(joinPath(toBytePath(dir), name))?.node.size ?? 0) > 0);
    });
  }

  // ---------------------------------------------------------------- SLIM907
  waste(threshold: number): ImageFinding[] {
    return [...this.fs.waste.values()]
      .filter((record) => record.bytes >= threshold)
      .sort((a, b) => a.layer - b.layer)
      .map((record) => this.wasteFinding(record));
  }

  private wasteFinding(record: LayerWaste): ImageFinding {
    const top = record.top
      .map((file) => `${displayPath(file.path)} (${formatBytes(file.size)}, ${file.how} by layer ${file.by}${this.layerLabel(file.by)})`)
      .join(', ');
    return this.fileFinding(
      'SLIM907',
      record.top[0].path,
      record.layer,
      `Layer ${record.layer}${this.layerLabel(record.layer)} holds ${formatBytes(record.bytes)} in ${plural(record.files, 'file')} that later layers delete or overwrite, so they still ship with the image: ${top}. Delete such files in the same RUN that creates them, or make them in a build stage and COPY only the result.`,
    );
  }

  // ---------------------------------------------------------------- helpers
  /** The entry program if among PATHS, else the first. */
  private representative(paths: readonly string[]): string {
    return paths.find((path) => path === this.entryProgram || this.fs.resolve(path)?.path === this.entryProgram) ?? paths[0];
  }

  private layerLabel(layer: number): string {
    const createdBy = this.layers[layer]?.createdBy;
    return createdBy ? ` (${displayText(truncate(shortInstruction(createdBy), 60))})` : '';
  }

  private fileFinding(code: string, path: string, layer: number, message: string): ImageFinding {
    const meta = imageRule(code);
    const finding: ImageFinding = { code, name: meta.name, severity: meta.severity, message, path: displayPath(path), layer };
    const described = this.layers[layer];
    if (described?.diffId) finding.diffId = described.diffId;
    if (described?.createdBy) finding.createdBy = described.createdBy;
    return finding;
  }

  private configFinding(code: string, instruction: ConfigField, message: string, file: { path: string; layer: number } | undefined): ImageFinding {
    const meta = imageRule(code);
    const finding: ImageFinding = file
      ? { ...this.fileFinding(code, file.path, file.layer, message), instruction }
      : { code, name: meta.name, severity: meta.severity, message, instruction };
    if (!file) {
      const createdBy = this.historyOf(instruction);
      if (createdBy) finding.createdBy = createdBy;
    }
    return finding;
  }

  /** The last history line that set a config field (`#(nop)  CMD …`, BuildKit's `CMD […]`). */
  private historyOf(instruction: ConfigField): string | undefined {
    const pattern = new RegExp(`(^|#\\(nop\\)\\s+|\\s)${instruction}\\b`);
    return [...(this.image.history ?? [])].reverse().find((entry) => entry.empty_layer && pattern.test(entry.created_by ?? ''))?.created_by;
  }
}

function isMuslLoader(interp: string): boolean {
  return /\/ld-musl-[^/]+\.so\.1$/.test(interp);
}

/** `$ORIGIN`/`${ORIGIN}` replaced; undefined for other tokens (`$LIB`, `$PLATFORM`) and relative results, which depend on the machine. */
function expandOrigin(entry: string, origin: string): string | undefined {
  const expanded = entry.replace(/\$(ORIGIN\b|\{ORIGIN\})/g, origin);
  if (expanded.includes('$') || !expanded.startsWith('/')) return undefined;
  return normalizePath(expanded);
}

function parseEnv(env: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const entry of env) {
    const equals = entry.indexOf('=');
    if (equals > 0) map.set(entry.slice(0, equals), entry.slice(equals + 1));
  }
  return map;
}

function nonEmpty(list: readonly string[] | null | undefined): string[] | undefined {
  return list && list.length > 0 ? [...list] : undefined;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/** `/bin/sh -c #(nop) COPY file:… in /app` → `COPY file:… in /app`; `/bin/sh -c apt-get…` → `RUN apt-get…`. */
export function shortInstruction(createdBy: string): string {
  const text = createdBy.replace(/\s+# buildkit$/, '').trim();
  const nop = /^\/bin\/sh -c #\(nop\)\s+(.*)$/s.exec(text);
  if (nop) return nop[1].trim();
  const shell = /^\/bin\/sh -c (.*)$/s.exec(text);
  if (shell) return `RUN ${shell[1].trim()}`;
  return text;
}

/** `/app --port 80` → `["/app", "--port", "80"]` when the command is plain words; otherwise EXAMPLE. */
function execFormOf(command: string, example: string): string {
  const words = command.trim().split(/\s+/);
  if (command.length > 200 || words.some((word) => word === '' || /[^\w@%+=:,./-]/.test(word))) return example;
  return JSON.stringify(words).replace(/","/g, '", "');
}

function truncate(text: string, length: number): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > length ? `${oneLine.slice(0, length - 1)}…` : oneLine;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}
