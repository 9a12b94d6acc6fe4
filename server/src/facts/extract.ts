// Builds Facts from a parsed Dockerfile.
import type { Copy, From, Instruction } from 'dockerfile-ast';
import { classifyImage } from './base-images';
import { extractBuilds } from './builds';
import type { CopyLink, Facts, FactsOptions, Stage } from './model';
import { extractSources, tlsUseOf } from './sources';
import { chainOf } from './queries';
import { copyFromValue, type ParsedDockerfile } from '../parse/dockerfile';

export function extractFacts(doc: ParsedDockerfile, options: FactsOptions = {}): Facts {
  const stages = buildStages(doc);
  const target = findTarget(stages, options.target);
  const runtimeChain = target ? chainOf(target) : [];
  const copyLinks = stages.flatMap((stage) => copyLinksOf(stage, stages));
  const builders = buildersOf(runtimeChain, copyLinks);
  const { builds, artifacts: found } = extractBuilds(doc, stages, target, copyLinks, options.context);
  const sources = extractSources(doc, options.context, builds);
  const artifacts = found.map((artifact) => ({ ...artifact, tlsUse: tlsUseOf(artifact.build, sources.get(artifact.build)) }));
  return { doc, context: options.context, stages, target, runtimeChain, builders, copyLinks, builds, artifacts, sources };
}

export function buildStages(doc: ParsedDockerfile): Stage[] {
  const args = initialArgDefaults(doc);
  const stages: Stage[] = [];
  let current: Stage | undefined;
  for (const instruction of doc.ast.getInstructions()) {
    if (instruction.getKeyword() === 'FROM') {
      current = newStage(instruction as From, stages, args);
      stages.push(current);
    } else if (current) {
      current.instructions.push(instruction);
    }
  }
  return stages;
}

function newStage(from: From, earlier: Stage[], args: Map<string, string>): Stage {
  const baseRef = substitute(from.getImage() ?? '', args);
  const parent = baseRef === undefined ? undefined : findStage(earlier, baseRef);
  const rootImage = parent ? parent.rootImage : baseRef;
  return {
    index: earlier.length,
    name: from.getBuildStage()?.toLowerCase() ?? undefined,
    from,
    baseRef,
    parent,
    rootImage,
    base: parent ? parent.base : classifyImage(rootImage ?? '$unresolved'),
    instructions: [],
  };
}

function initialArgDefaults(doc: ParsedDockerfile): Map<string, string> {
  const args = new Map<string, string>();
  for (const arg of doc.ast.getInitialARGs()) {
    for (const property of arg.getProperties()) {
      const value = property.getValue();
      if (value !== null) args.set(property.getName(), value);
    }
  }
  return args;
}

/** `$VAR`, `${VAR}`, `${VAR:-default}`; undefined when a variable has no value. */
export function substitute(text: string, values: Map<string, string>): string | undefined {
  let unresolved = false;
  const result = text.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_, braced, fallback, bare) => {
    const value = values.get(braced ?? bare) ?? fallback;
    if (value === undefined) unresolved = true;
    return value ?? '';
  });
  return unresolved ? undefined : result;
}

export function findStage(stages: Stage[], ref: string): Stage | undefined {
  const lower = ref.toLowerCase();
  const byName = stages.find((stage) => stage.name === lower);
  if (byName) return byName;
  return /^\d+$/.test(ref) ? stages[Number(ref)] : undefined;
}

function findTarget(stages: Stage[], name: string | undefined): Stage | undefined {
  return (name && findStage(stages, name)) || stages[stages.length - 1];
}

function copyLinksOf(stage: Stage, stages: Stage[]): CopyLink[] {
  const links: CopyLink[] = [];
  for (const instruction of stage.instructions) {
    if (instruction.getKeyword() !== 'COPY') continue;
    const copy = instruction as Copy;
    const sourceRef = copyFromValue(copy);
    if (!sourceRef) continue;
    const paths = copyPaths(copy);
    const source = findStage(stages.slice(0, stage.index), sourceRef);
    links.push({ copy, source, sourceRef, into: stage, ...paths });
  }
  return links;
}

/** Source and destination paths of a COPY, exec (JSON) or plain form. */
export function copyPaths(copy: Copy): { sources: string[]; destination: string } {
  const json = copy.getJSONStrings();
  const values = json.length > 0 ? json.map((arg) => arg.getJSONValue()) : plainArgs(copy);
  return { sources: values.slice(0, -1), destination: values[values.length - 1] ?? '' };
}

function plainArgs(instruction: Instruction): string[] {
  return instruction
    .getArguments()
    .map((arg) => arg.getValue())
    .filter((value) => !value.startsWith('--'));
}

function buildersOf(chain: Stage[], links: CopyLink[]): Stage[] {
  const builders: Stage[] = [];
  const reached = [...chain];
  for (let i = 0; i < reached.length; i++) {
    for (const link of links) {
      if (link.into !== reached[i] || !link.source) continue;
      for (const stage of chainOf(link.source)) {
        if (reached.includes(stage)) continue;
        reached.push(stage);
        builders.push(stage);
      }
    }
  }
  return builders;
}
