// SLIM001: shell form needs /bin/sh (or the SHELL program); images without a shell
// cannot start the command at all.
import path from 'node:path/posix';
import type { Copy, Instruction } from 'dockerfile-ast';
import { commandOf, type CommandText } from '../parse/dockerfile';
import { copyPaths } from '../facts/extract';
import type { Facts, Stage } from '../facts/model';
import { chainOf } from '../facts/queries';
import { convertToExecForm, inEffect, shellAt, trimmedRange } from './exec-form';
import type { Finding, Fix, Rule } from './types';

const CHECKED = new Set(['CMD', 'ENTRYPOINT', 'HEALTHCHECK', 'RUN']);
const PATH_DIRS = new Set(['/bin', '/usr/bin', '/usr/local/bin', '/sbin', '/usr/sbin', '/usr/local/sbin']);

export const rule: Rule = {
  meta: {
    code: 'SLIM001',
    name: 'shell-form-without-shell',
    severity: 'error',
    fixable: true,
    summary: 'Shell-form CMD, ENTRYPOINT, HEALTHCHECK or RUN in a stage whose base image has no shell.',
  },
  check: (facts) => facts.stages.filter((stage) => stage.base.shell === 'no').flatMap((stage) => checkStage(facts, stage)),
};

function checkStage(facts: Facts, stage: Stage): Finding[] {
  const chain = chainOf(stage);
  const findings: Finding[] = [];
  for (const instruction of stage.instructions) {
    if (!CHECKED.has(instruction.getKeyword())) continue;
    const command = commandOf(facts.doc, instruction);
    if (command?.form !== 'shell' || command.text.trim() === '') continue;
    const shell = shellAt(chain, instruction)?.[0] ?? '/bin/sh';
    if (copiesIn(chain, shell)) continue;
    findings.push(finding(facts, stage, chain, instruction, command, shell));
  }
  return findings;
}

/**
 * Whether a COPY/ADD might put the shell program into the stage: prefer silence
 * when one writes to that path, its directory, or copies a whole file system.
 */
function copiesIn(chain: readonly Stage[], program: string): boolean {
  return chain.some((stage) =>
    stage.instructions.some((instruction) => {
      const keyword = instruction.getKeyword();
      if (keyword !== 'COPY' && keyword !== 'ADD') return false;
      const { sources, destination } = copyPaths(instruction as Copy);
      const target = normalise(destination);
      if (sources.some((source) => normalise(source) === '/') && target === '/') return true;
      if (!program.startsWith('/')) return path.basename(target) === program || PATH_DIRS.has(target);
      return target === program || target === path.dirname(program);
    }),
  );
}

function normalise(file: string): string {
  return file.length > 1 ? file.replace(/\/+$/, '') || '/' : file;
}

function finding(facts: Facts, stage: Stage, chain: Stage[], instruction: Instruction, command: CommandText, shell: string): Finding {
  const keyword = instruction.getKeyword();
  const what = keyword === 'HEALTHCHECK' ? 'HEALTHCHECK CMD' : keyword;
  const range = trimmedRange(facts.doc, command);
  const problem = `${what} is in shell form, but ${stage.rootImage ?? 'the base image'} has no ${shell}: ${consequence(keyword, shell)}.`;
  if (keyword === 'RUN') {
    const advice = 'Run this command in a builder stage that has a shell (e.g. `FROM alpine AS build`) and `COPY --from=build` its result into this stage.';
    return { code: 'SLIM001', range, message: `${problem} ${advice}`, fixes: [] };
  }
  const conversion = convertToExecForm(command, facts.doc.escapeChar);
  const note = keyword === 'ENTRYPOINT' && inEffect(chain, 'CMD') ? " In exec form, CMD's arguments are appended to the ENTRYPOINT." : '';
  if (!conversion.ok) {
    const advice = `It cannot be converted automatically because ${conversion.reason}: write it in exec form (${what} ["program", "arg", …]) and move the shell logic into the program or a builder stage.`;
    return { code: 'SLIM001', range, message: `${problem} ${advice}${note}`, fixes: [] };
  }
  const fix: Fix = { title: 'Convert to exec form', edits: [{ range, newText: conversion.newText }] };
  return { code: 'SLIM001', range, message: `${problem} Use exec form: ${what} ${conversion.newText}.${note}`, fixes: [fix] };
}

function consequence(keyword: string, shell: string): string {
  const error = shell.startsWith('/') ? `exec: "${shell}": stat ${shell}: no such file or directory` : `exec: "${shell}": executable file not found in $PATH`;
  switch (keyword) {
    case 'RUN':
      return `the build fails at this step with \`${error}\``;
    case 'HEALTHCHECK':
      return `every health check fails with \`${error}\` and the container is reported unhealthy`;
    default:
      return `the container fails to start with \`${error}\``;
  }
}
