// `make …` and `./build.sh`: builds whose commands are in another file, read when the build context is known.
import path from 'node:path';
import { scriptRunOf } from '../scripts';
import { build } from './build-command';
import { resolvePath } from './paths';
import type { BuildCommand, ResolvedCommand } from './types';

export function makeBuild(command: ResolvedCommand, tool: string): BuildCommand {
  let dir = command.cwd;
  let file: string | undefined;
  const targets: string[] = [];
  const variables = new Map<string, string | undefined>();
  const words = command.words.slice(1);
  for (let i = 0; i < words.length; i++) {
    const arg = words[i].value;
    let attached: RegExpExecArray | null;
    if (arg === undefined) continue;
    if (arg === '-C' || arg === '--directory') dir = resolvePath(dir, words[++i]?.value);
    else if ((attached = /^(?:-C|--directory=)(.+)$/.exec(arg))) dir = resolvePath(dir, attached[1]);
    else if (arg === '-f' || arg === '--file' || arg === '--makefile') file = words[++i]?.value;
    else if ((attached = /^(?:-f|--file=|--makefile=)(.+)$/.exec(arg))) file = attached[1];
    else if (MAKE_VALUE_FLAGS.has(arg)) i++;
    else if ((arg === '-j' || arg === '-l') && /^\d+(\.\d+)?$/.test(words[i + 1]?.value ?? '')) i++;
    else if (arg.startsWith('-')) continue;
    else if (/^[A-Za-z_][\w.]*=/.test(arg)) variables.set(arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1));
    else targets.push(arg);
  }
  return build(command, 'indirect', tool, { indirect: { runner: 'make', dir, file, targets, variables } });
}

const MAKE_VALUE_FLAGS = new Set(['-o', '-W', '-I', '--old-file', '--what-if', '--new-file', '--include-dir']);

/** `./build.sh`, `scripts/build.sh`, `sh build.sh`, `bash -e build.sh`, `. ./env.sh`. */
export function scriptBuild(command: ResolvedCommand): BuildCommand | undefined {
  const run = scriptRunOf(command.argv);
  if (!run) return undefined;
  const file = resolvePath(command.cwd, run.script) ?? run.script;
  const dir = file.startsWith('/') ? path.posix.dirname(file) : undefined;
  return build(command, 'indirect', command.argv[0], { indirect: { runner: 'script', dir, file, targets: [], variables: new Map() } });
}
