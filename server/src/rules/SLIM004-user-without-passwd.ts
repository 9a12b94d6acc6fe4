// SLIM004: in an image built FROM scratch, USER names a user (or group) but no
// /etc/passwd (or /etc/group) is copied in: the runtime cannot resolve the name and
// the container does not start.
import type { Instruction } from 'dockerfile-ast';
import type { Facts, Stage } from '../facts/model';
import { lastInstructionIn, stageOf } from '../facts/queries';
import type { Fix, Rule } from './types';
import { accountsCreatedIn, copiesFile, insertBefore, isNumericId, keyword, parseUserSpec, stageRef, styleOf, userValueOf, type UserSpec } from './users';

/** Ids of names every distroless image and most distributions agree on. */
const WELL_KNOWN_IDS: Record<string, string> = { root: '0', nonroot: '65532', nobody: '65534', nogroup: '65534' };
const DEFAULT_ID = '65532';

interface Missing {
  /** The user part needs /etc/passwd and nothing copies it. */
  passwd: boolean;
  /** The group part needs /etc/group and nothing copies it. */
  group: boolean;
}

export const rule: Rule = {
  meta: {
    code: 'SLIM004',
    name: 'user-without-passwd',
    severity: 'error',
    fixable: true,
    summary: 'USER names a user in a scratch image without /etc/passwd.',
  },
  check(facts) {
    if (facts.target?.base.class !== 'empty') return [];
    const instruction = lastInstructionIn(facts.runtimeChain, 'USER');
    const value = instruction && userValueOf(instruction);
    // A variable may expand to a numeric id: stay silent.
    if (!instruction || !value || value.value.includes('$')) return [];
    const spec = parseUserSpec(value.value);
    const missing = missingFiles(facts, spec);
    if (!missing.passwd && !missing.group) return [];
    const numeric = numericValue(spec, missing);
    const numericFix: Fix = { title: `Use numeric ids: USER ${numeric}`, edits: [{ range: value.range, newText: numeric }] };
    const fixes = [copyFix(facts, instruction, spec, missing), numericFix].filter((fix): fix is Fix => !!fix);
    return [{ code: 'SLIM004', range: value.range, message: messageOf(spec, missing, numeric), fixes }];
  },
};

function isName(part: string | undefined): part is string {
  return !!part && !isNumericId(part);
}

function missingFiles(facts: Facts, spec: UserSpec): Missing {
  return {
    passwd: isName(spec.user) && !copiesFile(facts.runtimeChain, '/etc/passwd'),
    group: isName(spec.group) && !copiesFile(facts.runtimeChain, '/etc/group'),
  };
}

function messageOf(spec: UserSpec, missing: Missing, numeric: string): string {
  const [kind, name, file, error] = missing.passwd
    ? ['user', spec.user, '/etc/passwd', `unable to find user ${spec.user}: no matching entries in passwd file`]
    : ['group', spec.group, '/etc/group', `unable to find group ${spec.group}: no matching entries in group file`];
  return (
    `USER names the ${kind} ${name}, but the image is built FROM scratch and nothing copies ${file} into it: ` +
    `the runtime cannot resolve the name and the container fails at start with \`${error}\`. ` +
    `Copy /etc/passwd and /etc/group from the stage that creates the user, or use numeric ids: USER ${numeric}.`
  );
}

/** COPY /etc/passwd and /etc/group from an earlier stage whose RUNs create the names. */
function copyFix(facts: Facts, instruction: Instruction, spec: UserSpec, missing: Missing): Fix | undefined {
  const into = stageOf(facts, instruction);
  if (!into) return undefined;
  const source = creatingStage(facts, into, spec, missing);
  if (!source) return undefined;
  const style = styleOf(facts.doc, into.from);
  const ref = stageRef(source);
  const lines = ['/etc/passwd', '/etc/group']
    .filter((file) => !copiesFile(facts.runtimeChain, file, source))
    .map((file) => `${keyword(style, 'COPY')} --from=${ref} ${file} ${file}`);
  return { title: `Copy /etc/passwd and /etc/group from ${ref}`, edits: [insertBefore(facts.doc, instruction, lines, style)] };
}

function creatingStage(facts: Facts, into: Stage, spec: UserSpec, missing: Missing): Stage | undefined {
  const candidates = facts.stages.filter((stage) => {
    if (stage.index >= into.index || facts.runtimeChain.includes(stage) || stage.base.shell === 'no') return false;
    const accounts = accountsCreatedIn(facts.doc, stage);
    const hasUser = !missing.passwd || accounts.users.includes(spec.user);
    // A user created without an explicit group usually gets a group of its own name.
    const hasGroup = !missing.group || accounts.groups.includes(spec.group ?? '') || accounts.users.includes(spec.group ?? '');
    return hasUser && hasGroup;
  });
  // Prefer the stage the other file already comes from, then a builder, then the latest.
  const rank = (stage: Stage) =>
    (copiesFile(facts.runtimeChain, '/etc/passwd', stage) || copiesFile(facts.runtimeChain, '/etc/group', stage) ? 2 : 0) + (facts.builders.includes(stage) ? 1 : 0);
  return candidates.sort((a, b) => rank(a) - rank(b) || a.index - b.index).pop();
}

/** The value with unresolvable names replaced by ids: well-known ones by their id, others by 65532. */
function numericValue(spec: UserSpec, missing: Missing): string {
  const idOf = (name: string) => WELL_KNOWN_IDS[name] ?? DEFAULT_ID;
  const user = missing.passwd ? idOf(spec.user) : spec.user;
  // A lone uid would run with gid 0: give it the matching group.
  const group = spec.group === undefined ? (missing.passwd && user !== '0' ? user : undefined) : missing.group ? idOf(spec.group) : spec.group;
  return group === undefined ? user : `${user}:${group}`;
}
