// Why an image cannot be slimmed safely, as sentences for the user: interpreted apps,
// packages that may hold native modules, programs copied in prebuilt.
import path from 'node:path';
import { commandOf, copyFromValue } from '../parse/dockerfile';
import { commandsOf } from '../facts/builds';
import { copyPaths } from '../facts/extract';
import type { Facts } from '../facts/model';
import { inEffect } from '../rules/exec-form';
import { shapeOf } from '../parse/shell';

const INTERPRETERS: readonly [RegExp, string][] = [
  [/^(node|nodejs|npm|npx|yarn|pnpm|bun|deno)$/, 'Node.js'],
  [/^(python[\d.]*|pip[\d.]*|gunicorn|uvicorn|celery|flask|django-admin)$/, 'Python'],
  [/^(ruby|rails|bundle|rackup|puma)$/, 'Ruby'],
  [/^(java|javaw|mvn|gradle)$/, 'Java'],
  [/^(php|php-fpm)$/, 'PHP'],
  [/^(perl|dotnet)$/, 'managed-runtime'],
];

/** Package installers whose packages may compile native code against the image's C library. */
const PACKAGE_INSTALLS = /^(npm (ci|install|i)|yarn( install)?|pnpm (install|i)|pip[\d.]* install|poetry install|pipenv install|bundle install|gem install|composer install)\b/;

/** The reasons a target without a Go or C build of its own cannot be slimmed. */
export function refusalReasons(facts: Facts): string[] {
  const reasons = [interpreterReason(facts), ...packageReasons(facts), prebuiltReason(facts)].filter((reason): reason is string => !!reason);
  if (reasons.length > 0) return reasons;
  return ['No Go or C build in this Dockerfile makes the program the image runs, so there is no artifact to move into a smaller runtime image.'];
}

/** The program and arguments the image starts with, when written as plain words. */
function startupWords(facts: Facts): string[] | undefined {
  const runner = inEffect(facts.runtimeChain, 'ENTRYPOINT') ?? inEffect(facts.runtimeChain, 'CMD');
  const command = runner && commandOf(facts.doc, runner);
  if (!command) return undefined;
  if (command.form === 'exec') return command.argv;
  const shape = shapeOf(command.text);
  return shape.kind === 'simple' ? shape.words : command.text.trim().split(/\s+/);
}

function interpreterReason(facts: Facts): string | undefined {
  const words = startupWords(facts);
  const program = words?.[0] && path.posix.basename(words[0]);
  const language = program && INTERPRETERS.find(([pattern]) => pattern.test(program))?.[1];
  if (!words || !language) return undefined;
  const app = language === 'managed-runtime' ? `an app for ${program}` : `a ${language} app`;
  return `The image runs \`${words.join(' ')}\`: ${app} needs its interpreter and its packages at run time, so there is no single program to copy into a small runtime image.`;
}

function packageReasons(facts: Facts): string[] {
  const installs = facts.runtimeChain.flatMap((stage) => commandsOf(facts.doc, stage)).map((command) => command.argv.join(' ')).filter((text) => PACKAGE_INSTALLS.test(text));
  return [...new Set(installs)].map(
    (text) => `\`${text.length > 60 ? text.slice(0, 59) + '…' : text}\` installs packages that may include native modules compiled against this image's C library; on another base image they can fail to load.`,
  );
}

/** The started program is COPYed from the build context, not built: its linking is unknown. */
function prebuiltReason(facts: Facts): string | undefined {
  const program = startupWords(facts)?.[0];
  if (!program) return undefined;
  for (const stage of facts.runtimeChain) {
    for (const instruction of stage.instructions) {
      const keyword = instruction.getKeyword();
      if ((keyword !== 'COPY' && keyword !== 'ADD') || copyFromValue(instruction)) continue;
      const { sources, destination } = copyPaths(instruction as Parameters<typeof copyPaths>[0]);
      const copied = destination.endsWith('/') ? sources.map((source) => path.posix.join(destination, path.posix.basename(source))) : [destination];
      if (copied.some((file) => file === program || path.posix.basename(file) === program)) {
        return `The program ${program} is copied in from the build context, not built in this Dockerfile, so how it is linked and what it needs at run time are unknown. \`dockerfile-slim lint --fix\` applies the fixes that are safe anyway.`;
      }
    }
  }
  return undefined;
}
