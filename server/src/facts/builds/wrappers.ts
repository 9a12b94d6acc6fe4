// Programs that run another program (`env X=1 …`, `time …`, `sudo -u x …`): the real command is behind them.
import path from 'node:path';
import { withValue } from './shell-state';
import type { CommandWord, Environment } from './types';

const WRAPPERS = new Set(['exec', 'time', 'nohup', 'command', 'ccache', 'sccache', 'distcc', 'eatmydata']);

/** Drops `env X=1`, `time`, `nice -n 5`, `sudo -u x`… in front of the real program; env's assignments join the environment. */
export function unwrap(words: CommandWord[], env: Environment): { words: CommandWord[]; env: Environment } {
  let rest = words;
  for (;;) {
    const name = path.posix.basename(rest[0]?.value ?? '');
    if (WRAPPERS.has(name)) rest = skipFlags(rest.slice(1), []);
    else if (name === 'nice') rest = skipFlags(rest.slice(1), ['-n']);
    else if (name === 'sudo') rest = skipFlags(rest.slice(1), ['-u', '-g', '-C', '-h', '-p', '-r', '-t', '-U']);
    else if (name === 'env') ({ words: rest, env } = envAssignments(skipFlags(rest.slice(1), ['-u', '-C', '-S']), env));
    else return { words: rest, env };
  }
}

function skipFlags(words: CommandWord[], withValue: readonly string[]): CommandWord[] {
  let i = 0;
  while (i < words.length && words[i].value?.startsWith('-')) i += withValue.includes(words[i].value ?? '') ? 2 : 1;
  return words.slice(i);
}

function envAssignments(words: CommandWord[], env: Environment): { words: CommandWord[]; env: Environment } {
  let i = 0;
  let result = env;
  for (; i < words.length; i++) {
    const match = /^([A-Za-z_]\w*)=/.exec(words[i].text);
    if (!match) break;
    const value = words[i].value;
    result = withValue(result, match[1], value === undefined ? undefined : value.slice(match[0].length));
  }
  return { words: words.slice(i), env: result };
}
