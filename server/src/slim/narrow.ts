// `COPY --from=build / /` into the runtime: when the stage builds exactly the program
// the image starts, copy that program instead of the whole filesystem.
import path from 'node:path';
import type { Copy } from 'dockerfile-ast';
import { commandOf } from '../parse/dockerfile';
import { isNativeBuild, resolvePath, workdirAt } from '../facts/builds';
import type { CopyLink, Facts } from '../facts/model';
import { chainOf, stageOf } from '../facts/queries';
import { inEffect } from '../rules/exec-form';
import type { FileEdit } from '../rules/types';

export interface Narrowing {
  edits: FileEdit[];
  changes: string[];
  reasons: string[];
}

export function narrowWholeStageCopies(facts: Facts): Narrowing {
  const result: Narrowing = { edits: [], changes: [], reasons: [] };
  const program = startedProgram(facts);
  for (const link of facts.copyLinks) {
    if (!facts.runtimeChain.includes(link.into) || !link.sources.some(isRoot)) continue;
    const output = link.source && builtProgram(facts, link);
    const args = plainArgs(link.copy);
    if (!output || output !== program || link.sources.length !== 1 || !isRoot(link.destination) || args.length !== 2) {
      result.reasons.push(
        `\`COPY --from=${link.sourceRef} / ${link.destination}\` copies a whole stage, and which of its files the program needs cannot be told; copy only those (e.g. the program, /etc/ssl/certs, /etc/passwd).`,
      );
      continue;
    }
    result.edits.push({ range: args[0].range, newText: output }, { range: args[1].range, newText: output });
    result.changes.push(`Copy only ${output} from \`${link.sourceRef}\` instead of its whole filesystem`);
  }
  return result;
}

function isRoot(source: string): boolean {
  return source.startsWith('/') && path.posix.normalize(source) === '/';
}

/** The one Go or C program the source stage (or its parents) builds. */
function builtProgram(facts: Facts, link: CopyLink): string | undefined {
  const chain = link.source ? chainOf(link.source) : [];
  const outputs = [...new Set(facts.builds.filter((build) => chain.includes(build.stage) && isNativeBuild(build) && build.producesOutput).map((build) => build.output))];
  return outputs.length === 1 ? outputs[0] : undefined;
}

/** The absolute path of the program the image starts, when it is written as one. */
function startedProgram(facts: Facts): string | undefined {
  const runner = inEffect(facts.runtimeChain, 'ENTRYPOINT') ?? inEffect(facts.runtimeChain, 'CMD');
  const command = runner && commandOf(facts.doc, runner);
  const program = command?.form === 'exec' ? command.argv?.[0] : undefined;
  if (!runner || !program?.includes('/')) return undefined;
  const stage = stageOf(facts, runner);
  return stage && resolvePath(workdirAt(facts.doc, stage, runner), program);
}

function plainArgs(copy: Copy): { value: string; range: FileEdit['range'] }[] {
  if (copy.getJSONStrings().length > 0) return [];
  return copy
    .getArguments()
    .filter((arg) => !arg.getValue().startsWith('--'))
    .map((arg) => ({ value: arg.getValue(), range: arg.getRange() }));
}
