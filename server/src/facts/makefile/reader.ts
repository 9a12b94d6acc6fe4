// Reading a Makefile as make does before it makes anything: assignments in order,
// conditionals, includes, rules and target-specific variables.
import path from 'node:path';
import type { SourceFile } from '../scripts';
import { DEFAULTS } from './builtins';
import type { Database, PatternRule, Rule, TargetAssignment } from './database';
import { Expander } from './expand';
import { stemOf } from './functions';
import { statementsOf } from './parse';
import type { AssignStatement, ConditionalStatement, ExportStatement, IncludeStatement, RuleStatement, Statement, Test } from './statements';
import { UNKNOWN, words } from './text';
import type { MakeFiles, MakeRequest } from './types';
import { assign, globalScope, type Scope } from './variables';

const INCLUDE_DEPTH = 8;

export class MakefileReader {
  private readonly vars = globalScope();
  private readonly rules = new Map<string, Rule[]>();
  private readonly patterns: PatternRule[] = [];
  private readonly targetAssignments: TargetAssignment[] = [];
  private readonly special = new Set<string>();
  private readonly mentioned = new Set<string>();
  private defaultGoal: string | undefined;
  private exportAll = false;

  constructor(
    private readonly request: MakeRequest,
    private readonly files: MakeFiles,
  ) {
    for (const [name, value] of Object.entries(DEFAULTS)) this.vars.set(name, { recursive: true, value, origin: 'default' });
    for (const [name, value] of request.env) {
      if (name === 'SHELL' || name === 'MAKEFLAGS') continue;
      this.vars.set(name, { recursive: true, value: value ?? UNKNOWN, origin: 'environment' });
    }
    for (const [name, value] of request.commandLine) this.vars.set(name, { recursive: true, value: value ?? UNKNOWN, origin: 'command-line' });
  }

  /** Reads a Makefile's statements into the variables and rules; false when it cannot be parsed. */
  read(file: SourceFile, depth: number): boolean {
    const statements = statementsOf(file.text);
    if (!statements) return false;
    this.statements(statements, file, depth, false);
    return true;
  }

  private expander(scope: Scope = this.vars): Expander {
    return new Expander(scope, new Map(), this.request.dir);
  }

  private statements(statements: readonly Statement[], file: SourceFile, depth: number, uncertain: boolean): void {
    for (const statement of statements) {
      switch (statement.kind) {
        case 'assign':
          if (statement.targets !== undefined) this.targetAssignment(statement, file, uncertain);
          else assign(this.vars, statement, file, this.expander(), uncertain);
          break;
        case 'export':
          this.export(statement);
          break;
        case 'include':
          this.include(statement, depth);
          break;
        case 'conditional':
          this.conditional(statement, file, depth, uncertain);
          break;
        case 'rule':
          this.rule(statement, file);
      }
    }
  }

  private targetAssignment(statement: AssignStatement, file: SourceFile, uncertain: boolean): void {
    const targets = words(this.expander().expand(statement.targets ?? ''));
    this.targetAssignments.push({ targets, statement, file, uncertain });
  }

  private export(statement: ExportStatement): void {
    if (statement.names === undefined) {
      this.exportAll = !statement.unexport;
      return;
    }
    for (const name of words(this.expander().expand(statement.names))) {
      const variable = this.vars.get(name);
      if (variable) variable.exported = !statement.unexport;
      else if (!statement.unexport) this.vars.set(name, { recursive: true, value: '', origin: 'undefined', exported: true });
    }
  }

  private include(statement: IncludeStatement, depth: number): void {
    if (depth >= INCLUDE_DEPTH) return;
    for (const name of words(this.expander().expand(statement.files))) {
      if (name.includes(UNKNOWN)) continue;
      const file = this.files.read(path.posix.resolve(this.request.dir, name));
      if (file) this.read(file, depth + 1);
    }
  }

  /** Picks the branch whose test holds; when a test cannot be decided, every branch counts, with the variables they set unknown. */
  private conditional(statement: ConditionalStatement, file: SourceFile, depth: number, uncertain: boolean): void {
    for (let i = 0; i < statement.branches.length; i++) {
      const branch = statement.branches[i];
      const holds = branch.test ? this.test(branch.test) : true;
      if (holds === false) continue;
      if (holds === true) {
        this.statements(branch.body, file, depth, uncertain);
        return;
      }
      for (const rest of statement.branches.slice(i)) this.statements(rest.body, file, depth, true);
      return;
    }
  }

  private test(test: Test): boolean | undefined {
    const expander = this.expander();
    if (test.kind === 'invalid') return undefined;
    if ('name' in test) {
      const name = expander.expand(test.name).trim();
      const variable = this.vars.get(name);
      if (name.includes(UNKNOWN) || variable?.value.includes(UNKNOWN)) return undefined;
      const defined = variable !== undefined && variable.origin !== 'undefined' && variable.value !== '';
      return defined === (test.kind === 'ifdef');
    }
    const left = expander.expand(test.left).trim();
    const right = expander.expand(test.right).trim();
    if (left.includes(UNKNOWN) || right.includes(UNKNOWN)) return undefined;
    return (left === right) === (test.kind === 'ifeq');
  }

  private rule(statement: RuleStatement, file: SourceFile): void {
    const expander = this.expander();
    const targets = words(expander.expand(statement.targets));
    if (targets.length === 0) return;
    const prerequisites = words(expander.expand(statement.prerequisites));
    const orderOnly = words(expander.expand(statement.orderOnly));
    for (const name of [...prerequisites, ...orderOnly]) this.mentioned.add(name);
    const base = { orderOnly, recipe: statement.recipe, file, line: statement.line, double: statement.double };
    if (statement.targetPattern !== undefined) {
      const pattern = expander.expand(statement.targetPattern).trim();
      for (const target of targets) {
        const stem = stemOf(pattern, target);
        if (stem === undefined) continue;
        this.addRule(target, { ...base, targets: [target], prerequisites: prerequisites.map((p) => p.replace('%', stem)) });
      }
      return;
    }
    if (targets.some((target) => target.includes('%'))) {
      this.patterns.push({ ...base, targets, patterns: targets, prerequisites });
      return;
    }
    for (const target of targets) {
      if (target.startsWith('.') && !target.includes('/')) {
        this.special.add(target);
        if (target === '.EXPORT_ALL_VARIABLES') this.exportAll = true;
        continue;
      }
      this.defaultGoal ??= target;
      this.addRule(target, { ...base, targets, prerequisites });
    }
  }

  private addRule(target: string, rule: Rule): void {
    const existing = this.rules.get(target);
    if (existing) existing.push(rule);
    else this.rules.set(target, [rule]);
  }

  /** What was read, once every file has been. */
  database(): Database {
    const { vars, rules, patterns, targetAssignments, special, mentioned, defaultGoal, exportAll } = this;
    return { vars, rules, patterns, targetAssignments, special, mentioned, defaultGoal, exportAll };
  }
}
