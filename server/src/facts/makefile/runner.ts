// Running make: the goals, each target's prerequisites before its recipe (every target
// is taken as out of date), explicit, pattern and built-in rules, recipe lines expanded.
import path from 'node:path';
import type { Environment, VariableOrigin } from '../builds/types';
import type { SourceFile } from '../scripts';
import { BUILTIN_RULES } from './builtins';
import type { Database, PatternRule, Rule, TargetAssignment } from './database';
import { Expander, type Segment } from './expand';
import { stemOf } from './functions';
import type { Span } from './statements';
import { UNKNOWN } from './text';
import type { MakeFiles, MakeRequest, RecipeLine } from './types';
import { assign, childScope, originFrom, type MakeVariable, type Scope } from './variables';

const TARGET_DEPTH = 64;
const MAX_RECIPE_LINES = 1000;

export class MakeRunner {
  private readonly lines: RecipeLine[] = [];
  private readonly made = new Set<string>();

  constructor(
    private readonly request: MakeRequest,
    private readonly files: MakeFiles,
    private readonly db: Database,
  ) {}

  run(): RecipeLine[] {
    const goal = this.db.vars.get('.DEFAULT_GOAL');
    const goals = this.request.targets.length > 0 ? this.request.targets : goal && goal.value.trim() ? [new Expander(this.db.vars, new Map(), this.request.dir).expand(goal.value).trim()] : this.db.defaultGoal ? [this.db.defaultGoal] : [];
    for (const target of goals) this.make(target, [], 0);
    return this.lines;
  }

  /** Makes a target: its prerequisites first, then its recipe (every target is taken as out of date). */
  private make(target: string, inherited: readonly TargetAssignment[], depth: number): void {
    if (this.made.has(target) || depth > TARGET_DEPTH || target.includes(UNKNOWN) || this.lines.length >= MAX_RECIPE_LINES) return;
    this.made.add(target);
    const explicit = this.db.rules.get(target) ?? [];
    const assignments = [...inherited, ...this.db.targetAssignments.filter((a) => a.targets.some((pattern) => stemOf(pattern, target) !== undefined))];
    const doubleColon = explicit.filter((rule) => rule.double);
    if (doubleColon.length > 0) {
      for (const rule of doubleColon) this.runRule(target, rule, rule.prerequisites, '', assignments, depth);
      return;
    }
    const prerequisites = explicit.flatMap((rule) => rule.prerequisites);
    const orderOnly = explicit.flatMap((rule) => rule.orderOnly);
    // The last rule with a recipe wins, as in make (which warns about the others).
    const withRecipe = [...explicit].reverse().find((rule) => rule.recipe.length > 0);
    if (withRecipe) {
      this.runRule(target, { ...withRecipe, orderOnly }, prerequisites, stemFor(withRecipe, target), assignments, depth);
      return;
    }
    const implicit = this.implicitRule(target, prerequisites);
    if (implicit) {
      // A built-in rule is written nowhere: its commands are placed on the target's own rule line, when there is one.
      const placement = implicit.rule.file ? {} : { file: explicit[0]?.file, line: explicit[0]?.line };
      const rule = { ...implicit.rule, ...placement, orderOnly };
      this.runRule(target, rule, [...implicit.prerequisites, ...prerequisites.filter((p) => !implicit.prerequisites.includes(p))], implicit.stem, assignments, depth);
      return;
    }
    for (const prerequisite of [...prerequisites, ...orderOnly]) this.make(prerequisite, assignments, depth + 1);
  }

  private runRule(target: string, rule: Rule, prerequisites: readonly string[], stem: string, assignments: readonly TargetAssignment[], depth: number): void {
    for (const prerequisite of [...prerequisites, ...rule.orderOnly]) this.make(prerequisite, assignments, depth + 1);
    if (rule.recipe.length === 0) return;
    const scope = this.targetScope(assignments);
    const automatic = new Map([
      ['@', target],
      ['<', prerequisites[0] ?? ''],
      ['^', [...new Set(prerequisites)].join(' ')],
      ['+', prerequisites.join(' ')],
      ['?', [...new Set(prerequisites)].join(' ')],
      ['*', stem],
      ['|', [...new Set(rule.orderOnly)].join(' ')],
    ]);
    const expander = new Expander(scope, automatic, this.request.dir);
    const env = this.environment(scope, expander);
    const expanded = rule.recipe.map((line) => expander.expandTracked(line.text, line.start));
    const oneShell = this.db.special.has('.ONESHELL');
    const groups = oneShell ? [joinLines(expanded)] : expanded;
    // A built-in recipe is written nowhere: it is placed on the rule line that asked for it.
    const anchor = rule.recipe.some((line) => line.start < 0) ? rule.line : undefined;
    for (const { text, segments } of groups) this.lines.push(this.recipeLine(text, rule.line ? rule.file : undefined, segments, anchor, env, target, scope));
  }

  private recipeLine(text: string, file: SourceFile | undefined, segments: Segment[], anchor: Span | undefined, env: Environment, target: string, scope: Scope): RecipeLine {
    const origins = new Map<string, VariableOrigin>();
    const originOf = (name: string): VariableOrigin => {
      let origin = origins.get(name);
      if (!origin) origins.set(name, (origin = originFrom(name, scope.get(name))));
      return origin;
    };
    const names = [...new Set(segments.flatMap((segment) => segment.reads ?? []))];
    return { text, file, segments, anchor, cwd: this.request.dir, env, target, variables: names.map(originOf), originOf };
  }

  /** Global variables with the target-specific assignments of the target (and of the targets that led to it) applied. */
  private targetScope(assignments: readonly TargetAssignment[]): Scope {
    if (assignments.length === 0) return this.db.vars;
    const scope = childScope(this.db.vars);
    for (const assignment of assignments) assign(scope, assignment.statement, assignment.file, new Expander(scope, new Map(), this.request.dir), assignment.uncertain);
    return scope;
  }

  /** make exports variables from the environment and the command line, and those marked `export` (all of them after `export` alone). */
  private environment(scope: Scope, expander: Expander): Environment {
    const env = new Map<string, string | undefined>();
    const names = new Set([...this.db.vars.names(), ...('local' in scope ? (scope as { local: Map<string, MakeVariable> }).local.keys() : [])]);
    for (const name of names) {
      const variable = scope.get(name);
      if (!variable || !/^[A-Za-z_]\w*$/.test(name)) continue;
      const exported = variable.exported ?? (variable.origin === 'environment' || variable.origin === 'command-line' || (this.db.exportAll && variable.origin !== 'default'));
      if (!exported || variable.origin === 'undefined') continue;
      const value = variable.recursive ? expander.expand(variable.value) : variable.value;
      env.set(name, value.includes(UNKNOWN) ? undefined : value);
    }
    return env;
  }

  private implicitRule(target: string, explicitPrerequisites: readonly string[]): { rule: Rule; prerequisites: string[]; stem: string } | undefined {
    const candidates = [...this.db.patterns, ...BUILTIN_RULES];
    const matches = candidates.flatMap((rule) => {
      const stem = rule.patterns.map((pattern) => stemOf(pattern, target)).find((s) => s !== undefined);
      if (stem === undefined || rule.recipe.length === 0) return [];
      return [{ rule, stem, prerequisites: rule.prerequisites.map((p) => p.replace('%', stem)) }];
    });
    const direct = (name: string) => this.canMake(name) || explicitPrerequisites.includes(name);
    // make prefers a rule whose prerequisites exist or are mentioned over one that needs another implicit rule first.
    return (
      matches.find((match) => match.prerequisites.every(direct)) ??
      matches.find((match) => match.prerequisites.every((p) => direct(p) || this.chainable(p)))
    );
  }

  private canMake(name: string): boolean {
    return this.db.rules.has(name) || this.db.mentioned.has(name) || this.files.exists(path.posix.resolve(this.request.dir, name));
  }

  private chainable(name: string): boolean {
    return [...this.db.patterns, ...BUILTIN_RULES].some((rule) => {
      const stem = rule.patterns.map((pattern) => stemOf(pattern, name)).find((s) => s !== undefined);
      return stem !== undefined && rule.prerequisites.every((p) => this.canMake(p.replace('%', stem)));
    });
  }
}

function stemFor(rule: Rule, target: string): string {
  const pattern = (rule as Partial<PatternRule>).patterns?.find((p) => stemOf(p, target) !== undefined);
  return pattern ? (stemOf(pattern, target) ?? '') : '';
}

/** `.ONESHELL`: the recipe's lines go to one shell, joined by newlines. */
function joinLines(lines: readonly { text: string; segments: Segment[] }[]): { text: string; segments: Segment[] } {
  let text = '';
  const segments: Segment[] = [];
  lines.forEach((line, index) => {
    if (index > 0) text += '\n';
    const shift = text.length;
    for (const segment of line.segments) segments.push({ ...segment, out: segment.out + shift, outEnd: segment.outEnd + shift });
    text += line.text;
  });
  return { text, segments };
}
