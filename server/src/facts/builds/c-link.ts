// C/C++ compiler commands that link a program: the output and whether it is static.
import { build } from './build-command';
import { resolvePath } from './paths';
import type { BuildCommand, ResolvedCommand } from './types';

const C_VALUE_FLAGS = new Set(['-o', '-I', '-L', '-D', '-U', '-include', '-isystem', '-x', '-MF', '-MT', '-MQ', '-Xlinker', '-Xassembler', '-Xpreprocessor', '-T', '-u', '-z', '-idirafter', '-iquote', '-imacros', '-isysroot', '-iprefix', '-iwithprefix', '-aux-info', '-l', '-e']);
const C_NO_LINK = new Set(['-c', '-S', '-E', '-M', '-MM', '-v', '--version', '--help', '-dumpversion', '-dumpmachine', '-dumpspecs', '-###', '-fsyntax-only']);

export function cLink(command: ResolvedCommand, tool: string): BuildCommand | undefined {
  const args = command.words.slice(1);
  let output: string | undefined = 'a.out';
  let inputs = 0;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i].value;
    if (arg !== undefined && (C_NO_LINK.has(arg) || arg.startsWith('-print-'))) return undefined;
    if (arg === undefined || !arg.startsWith('-') || arg === '-') inputs++;
    else if (arg === '-o') output = args[++i]?.value;
    else if (arg.startsWith('-o')) output = arg.slice(2);
    else if (C_VALUE_FLAGS.has(arg)) i++;
  }
  if (inputs === 0) return undefined;
  const isStatic = command.argv.some((arg) => arg === '-static' || arg === '-static-pie' || arg === '--static');
  const resolvedOutput = resolvePath(command.cwd, output);
  return build(command, 'c-link', tool, { output: resolvedOutput, producesOutput: output !== '/dev/null', static: isStatic });
}
