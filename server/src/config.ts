// Settings resolution: `.dockerfile-slim.json`, overridden by editor settings / CLI flags.
import type { EditorSettings, Severity, WorkspaceConfig } from './shared/protocol';
import { SEVERITIES } from './shared/protocol';

export interface ResolvedConfig {
  rules: Record<string, Severity>;
  target: string | undefined;
  context: string | undefined;
}

export class ConfigError extends Error {}

export function parseWorkspaceConfig(text: string, source: string): WorkspaceConfig {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${source}: not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(value)) throw new ConfigError(`${source}: expected a JSON object`);
  const config: WorkspaceConfig = {};
  if (value.rules !== undefined) config.rules = parseRules(value.rules, source);
  for (const key of ['target', 'context'] as const) {
    if (value[key] === undefined) continue;
    if (typeof value[key] !== 'string') throw new ConfigError(`${source}: "${key}" must be a string`);
    config[key] = value[key] as string;
  }
  return config;
}

function parseRules(rules: unknown, source: string): Record<string, Severity> {
  if (!isObject(rules)) throw new ConfigError(`${source}: "rules" must be an object of rule code to severity`);
  const result: Record<string, Severity> = {};
  for (const [code, severity] of Object.entries(rules)) {
    if (!SEVERITIES.includes(severity as Severity)) {
      throw new ConfigError(`${source}: rule ${code}: severity must be one of ${SEVERITIES.join(', ')}`);
    }
    result[code.toUpperCase()] = severity as Severity;
  }
  return result;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function resolveConfig(workspace: WorkspaceConfig | undefined, editor: Partial<EditorSettings> | undefined): ResolvedConfig {
  return {
    rules: { ...workspace?.rules, ...validRules(editor?.rules) },
    target: editor?.target || workspace?.target || undefined,
    context: editor?.context || workspace?.context || undefined,
  };
}

/** Editor settings come from users' JSON: keep only well-formed entries. */
function validRules(rules: Record<string, unknown> | undefined): Record<string, Severity> {
  const result: Record<string, Severity> = {};
  for (const [code, severity] of Object.entries(rules ?? {})) {
    if (SEVERITIES.includes(severity as Severity)) result[code.toUpperCase()] = severity as Severity;
  }
  return result;
}
