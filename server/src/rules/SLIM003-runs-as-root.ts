// SLIM003: the runtime chain sets no USER (or sets root last), so the container runs
// as uid 0. The fix depends on what the base image can do: scratch has no users,
// distroless has `nonroot`, alpine and Debian can create one.
import type { Instruction } from 'dockerfile-ast';
import type { Facts, Stage } from '../facts/model';
import { chainOf, effectiveUser, isRootUser, lastInstructionIn } from '../facts/queries';
import type { FileEdit, Fix, Range, Rule } from './types';
import {
  accountsCreatedIn,
  copiesFile,
  insertAtEnd,
  insertBefore,
  instructionsAfter,
  keyword,
  rootBefore,
  runtimeInsertion,
  stageRef,
  styleOf,
  userValueOf,
  type Style,
} from './users';

const MUSL_SETUP = 'addgroup -S app && adduser -S -G app app';
const GLIBC_SETUP = 'useradd --system --no-create-home --uid 10001 app';

/** What the target should run as, and the RUN that creates that user when needed. */
interface Plan {
  setup?: string;
  user: string;
}

export const rule: Rule = {
  meta: {
    code: 'SLIM003',
    name: 'runs-as-root',
    severity: 'warning',
    fixable: true,
    summary: 'The image runs as root: no USER, or USER root last.',
  },
  check(facts) {
    const target = facts.target;
    if (!target) return [];
    const current = effectiveUser(facts);
    if (!current.root) return [];
    const lastRoot = current.user !== undefined ? current.instruction : undefined;
    // An unresolvable base (`FROM $IMAGE`) may well be a non-root image.
    if (!lastRoot && target.rootImage === undefined) return [];
    const plan = planFor(facts, target);
    const style = styleOf(facts.doc, target.from);
    const fixes = [preferredFix(facts, target, plan, lastRoot, style), builderFix(facts, target, lastRoot, style)].filter((fix): fix is Fix => !!fix);
    return [{ code: 'SLIM003', range: rangeOf(target, lastRoot), message: messageOf(plan, lastRoot), fixes }];
  },
};

function rangeOf(target: Stage, lastRoot: Instruction | undefined): Range {
  if (lastRoot) return userValueOf(lastRoot)?.range ?? lastRoot.getRange();
  return target.from.getImageRange() ?? target.from.getRange();
}

function messageOf(plan: Plan, lastRoot: Instruction | undefined): string {
  const what = lastRoot ? `The last USER is ${lastRoot.getArgumentsContent()?.trim()}, so the container runs as root (uid 0)` : 'No USER is set, so the container runs as root (uid 0)';
  const why = 'a compromised or buggy process then has full rights over every file in the container and on mounted volumes, and any container escape starts as root';
  const suggestion = plan.setup ? `RUN ${plan.setup} then USER ${plan.user}` : `USER ${plan.user}`;
  const what2do = lastRoot ? `Switch to a non-root user after the steps that need root: ${suggestion}.` : `Run as a non-root user: ${suggestion}.`;
  return `${what}: ${why}. ${what2do}`;
}

function planFor(facts: Facts, target: Stage): Plan {
  const base = target.base;
  if (base.class === 'empty') return { user: '65532:65532' };
  if (base.class === 'static' || base.class === 'distroless-libc') return { user: 'nonroot:nonroot' };
  const existing = accountsCreatedIn(facts.doc, target).users.filter((user) => !isRootUser(user)).pop();
  if (existing) return { user: existing };
  if (base.class === 'musl') return { setup: MUSL_SETUP, user: 'app' };
  if (base.class === 'glibc') return { setup: GLIBC_SETUP, user: 'app' };
  // Chainguard images have nonroot (65532); elsewhere a numeric id needs no passwd entry.
  return { user: base.nonrootByDefault ? '65532:65532' : '10001:10001' };
}

function isRun(instruction: Instruction): boolean {
  return instruction.getKeyword() === 'RUN';
}

/** USER root can be rewritten in place when nothing after it needs root. */
function replaceable(facts: Facts, lastRoot: Instruction | undefined): lastRoot is Instruction {
  return !!lastRoot && !instructionsAfter(facts.runtimeChain, lastRoot).some(isRun);
}

function preferredFix(facts: Facts, target: Stage, plan: Plan, lastRoot: Instruction | undefined, style: Style): Fix {
  const RUN = keyword(style, 'RUN');
  const USER = keyword(style, 'USER');
  const title = plan.setup ? `Create user ${plan.user} and run as it` : `Run as USER ${plan.user}`;
  if (replaceable(facts, lastRoot)) {
    const value = userValueOf(lastRoot);
    if (!plan.setup && value) return { title, edits: [{ range: value.range, newText: plan.user }] };
    // The new RUN takes USER root's place, so it must still run as root there.
    if (plan.setup && rootBefore(facts.runtimeChain, lastRoot)) {
      return { title, edits: [{ range: lastRoot.getRange(), newText: `${RUN} ${plan.setup}${style.eol}${USER} ${plan.user}` }] };
    }
  }
  const lines = [...(plan.setup ? [`${RUN} ${plan.setup}`] : []), `${USER} ${plan.user}`];
  return { title, edits: [runtimeInsertion(facts, target, lines, style, lastRoot)] };
}

/** scratch only: create the user in a builder with a shell and copy its passwd and group files. */
function builderFix(facts: Facts, target: Stage, lastRoot: Instruction | undefined, style: Style): Fix | undefined {
  if (target.base.class !== 'empty') return undefined;
  const builder = pickBuilder(facts, target);
  if (!builder) return undefined;
  const created = accountsCreatedIn(facts.doc, builder).users.filter((user) => !isRootUser(user)).pop();
  const user = created ?? 'app';
  const ref = stageRef(builder);
  const edits: FileEdit[] = [];
  if (!created) {
    const setup = builder.base.class === 'musl' ? MUSL_SETUP : GLIBC_SETUP;
    edits.push(insertAtEnd(facts.doc, builder, [`${keyword(style, 'RUN')} ${setup}`], style));
  }
  const copies = ['/etc/passwd', '/etc/group']
    .filter((file) => !copiesFile(facts.runtimeChain, file, builder))
    .map((file) => `${keyword(style, 'COPY')} --from=${ref} ${file} ${file}`);
  const value = lastRoot && userValueOf(lastRoot);
  if (replaceable(facts, lastRoot) && value && target.instructions.includes(lastRoot)) {
    if (copies.length > 0) edits.push(insertBefore(facts.doc, lastRoot, copies, style));
    edits.push({ range: value.range, newText: user });
  } else {
    edits.push(runtimeInsertion(facts, target, [...copies, `${keyword(style, 'USER')} ${user}`], style, lastRoot));
  }
  return { title: `Add user ${user} in ${ref} and copy /etc/passwd + /etc/group`, edits };
}

/** The builder with a shell whose files reach the runtime chain, preferring direct COPY --from sources. */
function pickBuilder(facts: Facts, target: Stage): Stage | undefined {
  const usable = facts.builders.filter((stage) => stage.index < target.index && (stage.base.class === 'musl' || stage.base.class === 'glibc') && canAddUser(facts, stage));
  const direct = usable.filter((stage) => facts.copyLinks.some((link) => link.source === stage && facts.runtimeChain.includes(link.into)));
  return (direct.length > 0 ? direct : usable).sort((a, b) => a.index - b.index).pop();
}

/** A RUN appended to the stage runs as root, or the stage already has a user to reuse. */
function canAddUser(facts: Facts, stage: Stage): boolean {
  if (accountsCreatedIn(facts.doc, stage).users.some((user) => !isRootUser(user))) return true;
  const user = lastInstructionIn(chainOf(stage), 'USER')?.getArgumentsContent()?.trim();
  return !user || isRootUser(user);
}
