// Questions rules ask about the facts: the instructions of a chain of stages,
// the user it runs as, its shell, its environment.
import type { Arg, Env, Instruction, JSONInstruction } from 'dockerfile-ast';
import type { Facts, Stage } from './model';

/** All instructions with this keyword in these stages, in document order. */
export function instructionsIn(stages: readonly Stage[], keyword: string): Instruction[] {
  return stages.flatMap((stage) => stage.instructions.filter((instruction) => instruction.getKeyword() === keyword));
}

export function lastInstructionIn(stages: readonly Stage[], keyword: string): Instruction | undefined {
  const all = instructionsIn(stages, keyword);
  return all[all.length - 1];
}

/** The stage and every stage it is FROM-based on, root-most first. */
export function chainOf(stage: Stage): Stage[] {
  const chain: Stage[] = [];
  for (let s: Stage | undefined = stage; s && !chain.includes(s); s = s.parent) chain.unshift(s);
  return chain;
}

export function stageOf(facts: Facts, instruction: Instruction): Stage | undefined {
  return facts.stages.find((stage) => stage.from === instruction || stage.instructions.includes(instruction));
}

export function isRootUser(user: string): boolean {
  const name = user.split(':')[0].trim().toLowerCase();
  return name === 'root' || name === '0';
}

export interface EffectiveUser {
  /** The last USER of the runtime chain, if any. */
  instruction: Instruction | undefined;
  /** Its value, or undefined when no USER is set. */
  user: string | undefined;
  root: boolean;
}

/** Who the target runs as. */
export function effectiveUser(facts: Facts): EffectiveUser {
  // An empty USER fails the build; it says nothing about who the program runs as.
  const users = instructionsIn(facts.runtimeChain, 'USER').filter((user) => user.getArgumentsContent()?.trim());
  const instruction = users[users.length - 1];
  const user = instruction?.getArgumentsContent()?.trim() || undefined;
  if (user !== undefined) return { instruction, user, root: isRootUser(user) };
  const nonroot = facts.target?.base.nonrootByDefault ?? false;
  return { instruction, user: undefined, root: !nonroot };
}

/** The SHELL instruction in effect for this stage (inherited from FROM-parents), as argv. */
export function shellInEffect(stage: Stage): string[] | undefined {
  const shell = lastInstructionIn(chainOf(stage), 'SHELL') as JSONInstruction | undefined;
  return shell?.getJSONStrings().map((arg) => arg.getJSONValue());
}

/** ENV (and ARG defaults) along a chain of stages, last assignment wins. */
export function environmentOf(stages: readonly Stage[]): Map<string, string> {
  const env = new Map<string, string>();
  for (const stage of stages) {
    for (const instruction of stage.instructions) {
      const keyword = instruction.getKeyword();
      if (keyword !== 'ENV' && keyword !== 'ARG') continue;
      for (const property of (instruction as Env | Arg).getProperties()) {
        const value = property.getValue();
        if (value !== null) env.set(property.getName(), value);
        else if (keyword === 'ENV') env.set(property.getName(), '');
      }
    }
  }
  return env;
}
