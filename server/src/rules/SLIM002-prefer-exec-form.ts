// SLIM002: a shell-form CMD/ENTRYPOINT makes `sh -c` PID 1; it does not pass
// SIGTERM on, so `docker stop` ends in SIGKILL after the grace period.
import type { Instruction } from 'dockerfile-ast';
import { commandOf } from '../parse/dockerfile';
import type { Facts } from '../facts/model';
import { convertToExecForm, execsItself, inEffect, shellAt, trimmedRange } from './exec-form';
import type { Finding, Fix, Rule } from './types';

export const rule: Rule = {
  meta: {
    code: 'SLIM002',
    name: 'prefer-exec-form',
    severity: 'warning',
    fixable: true,
    summary: 'Shell-form CMD or ENTRYPOINT in the target: PID 1 is sh and signals are lost.',
  },
  check: (facts) => {
    // No shell at all is SLIM001's error; unknown bases are assumed to have one.
    if (!facts.target || facts.target.base.shell === 'no' || isWindows(facts.target.rootImage)) return [];
    // With an ENTRYPOINT in effect, CMD only supplies its arguments: PID 1 is the ENTRYPOINT.
    const instruction = inEffect(facts.runtimeChain, 'ENTRYPOINT') ?? inEffect(facts.runtimeChain, 'CMD');
    return instruction ? check(facts, instruction) : [];
  },
};

/** Windows images run shell form with `cmd /S /C`; the advice here is for Linux shells. */
function isWindows(image: string | undefined): boolean {
  return /windows|nanoserver|servercore/i.test(image ?? '');
}

function check(facts: Facts, instruction: Instruction): Finding[] {
  const { doc } = facts;
  const command = commandOf(doc, instruction);
  if (command?.form !== 'shell' || command.text.trim() === '') return [];
  // A SHELL in effect is a deliberate choice; `exec prog` already replaces the shell.
  if (shellAt(facts.runtimeChain, instruction) || execsItself(command, doc.escapeChar)) return [];
  const keyword = instruction.getKeyword();
  const entrypoint = keyword === 'ENTRYPOINT';
  const range = trimmedRange(doc, command);
  const problem =
    `${keyword} is in shell form, so PID 1 is \`/bin/sh -c\`, not your program: sh does not pass SIGTERM on, ` +
    'so `docker stop` waits out its grace period and then kills the container (exit 137) without a clean shutdown.' +
    (entrypoint ? ' A shell-form ENTRYPOINT also ignores CMD and `docker run` arguments.' : '');
  const conversion = convertToExecForm(command, doc.escapeChar, { viaShell: true });
  if (!conversion.ok) {
    const advice = `It cannot be converted automatically because ${conversion.reason}: prefix the final command with \`exec\`, or move the logic into a script that ends with \`exec "$@"\` and run that in exec form.`;
    return [{ code: 'SLIM002', range, message: `${problem} ${advice}`, fixes: [] }];
  }
  const how = conversion.viaShell ? 'Use exec form through sh, so that variables still expand and the program replaces the shell' : 'Use exec form';
  // Converting an ENTRYPOINT turns the CMD in effect into its arguments: the user must choose that.
  const changesArguments = entrypoint && inEffect(facts.runtimeChain, 'CMD') !== undefined;
  const note = changesArguments ? " In exec form, CMD's arguments are appended to the ENTRYPOINT: check them before converting." : '';
  const fix: Fix = {
    title: conversion.viaShell ? 'Convert to exec form (sh -c "exec …")' : 'Convert to exec form',
    edits: [{ range, newText: conversion.newText }],
    ...(changesArguments ? { manual: true } : {}),
  };
  return [{ code: 'SLIM002', range, message: `${problem} ${how}: ${keyword} ${conversion.newText}.${note}`, fixes: [fix] }];
}
