// `go build` and `go install`: flags, packages, and where the binary lands.
import path from 'node:path';
import { parseImageRef } from '../base-images';
import type { Stage } from '../model';
import { build } from './build-command';
import { resolvePath } from './paths';
import type { BuildCommand, CommandWord, Environment, ResolvedCommand } from './types';

export function isGolangImage(ref: string | undefined): boolean {
  return ref !== undefined && /(^|\/)golang$/.test(parseImageRef(ref).name);
}

const GO_VALUE_FLAGS = new Set(['o', 'C', 'p', 'ldflags', 'gcflags', 'asmflags', 'gccgoflags', 'tags', 'mod', 'modfile', 'overlay', 'pgo', 'pkgdir', 'buildmode', 'compiler', 'installsuffix', 'toolexec', 'covermode', 'coverpkg', 'exec']);

export function goBuild(command: ResolvedCommand, kind: 'go-build' | 'go-install'): BuildCommand | undefined {
  const { flags, packages } = goArguments(command.words.slice(2));
  if (flags.has('h') || flags.has('help') || flags.has('n')) return undefined;
  const env = command.env;
  const dir = flags.has('C') ? resolvePath(command.cwd, flags.get('C')) : command.cwd;
  const placement = kind === 'go-build' ? goBuildOutput(flags, packages, dir) : goInstallOutput(packages, env, command.stage);
  const ldflags = flags.get('ldflags');
  const tags = flags.get('tags')?.split(/[,\s]+/).filter(Boolean) ?? [];
  return build(command, kind, 'go', { ...placement, flags, packages, ldflags, tags });
}

function goArguments(words: readonly CommandWord[]): { flags: Map<string, string | undefined>; packages: (string | undefined)[] } {
  const flags = new Map<string, string | undefined>();
  const packages: (string | undefined)[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i].value;
    if (word === undefined || !word.startsWith('-') || word === '-') {
      packages.push(word);
      continue;
    }
    const body = word.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq >= 0 ? body.slice(0, eq) : body;
    if (eq >= 0) flags.set(name, body.slice(eq + 1));
    else if (GO_VALUE_FLAGS.has(name)) flags.set(name, words[++i]?.value);
    else flags.set(name, 'true');
  }
  return { flags, packages };
}

type Placement = Pick<BuildCommand, 'output' | 'outputDir' | 'producesOutput'>;

function goBuildOutput(flags: ReadonlyMap<string, string | undefined>, packages: readonly (string | undefined)[], dir: string | undefined): Placement {
  const files = packages.length > 0 && packages.every((pkg) => pkg?.endsWith('.go'));
  const several = !files && (packages.length > 1 || packages.some((pkg) => pkg?.includes('...')));
  const name = several ? undefined : goDefaultName(packages);
  if (flags.has('o')) {
    const o = flags.get('o');
    if (o === '/dev/null') return { output: undefined, outputDir: undefined, producesOutput: false };
    if (o?.endsWith('/')) {
      const outputDir = resolvePath(dir, o);
      return { output: name && outputDir ? resolvePath(outputDir, name) : undefined, outputDir, producesOutput: true };
    }
    return { output: resolvePath(dir, o), outputDir: undefined, producesOutput: true };
  }
  // Go discards the result of building several packages when no -o is given.
  if (several) return { output: undefined, outputDir: undefined, producesOutput: false };
  return { output: name ? resolvePath(dir, name) : undefined, outputDir: name ? undefined : dir, producesOutput: true };
}

function goInstallOutput(packages: readonly (string | undefined)[], env: Environment, stage: Stage): Placement {
  const binDir = goBinDir(env, stage);
  const crossCompiling = env.has('GOOS') || env.has('GOARCH');
  const single = packages.length === 1 && !packages[0]?.includes('...');
  const name = single && !crossCompiling ? goDefaultName(packages.map((pkg) => pkg?.replace(/@.*$/, ''))) : undefined;
  return { output: name && binDir ? resolvePath(binDir, name) : undefined, outputDir: binDir, producesOutput: true };
}

function goBinDir(env: Environment, stage: Stage): string | undefined {
  if (env.has('GOBIN')) return resolvePath(undefined, env.get('GOBIN'));
  if (env.has('GOPATH')) return resolvePath(undefined, env.get('GOPATH')?.split(':')[0] + '/bin');
  if (isGolangImage(stage.rootImage)) return '/go/bin';
  if (env.has('HOME')) return resolvePath(undefined, env.get('HOME') + '/go/bin');
  return undefined;
}

/** The name `go build` gives a single package: its last path element (the one before a `/vN` major suffix), or the first .go file's stem. */
function goDefaultName(packages: readonly (string | undefined)[]): string | undefined {
  if (packages.length === 0) return undefined;
  const first = packages[0];
  if (first === undefined) return undefined;
  if (first.endsWith('.go')) return path.posix.basename(first, '.go');
  const elements = first.replace(/@.*$/, '').split('/').filter((element) => element !== '' && element !== '.');
  if (elements.length === 0 || elements[elements.length - 1] === '..') return undefined;
  const last = elements[elements.length - 1];
  return /^v\d+$/.test(last) && elements.length > 1 ? elements[elements.length - 2] : last;
}
