// SLIM009: ENV or ARG whose key names a secret and whose value is a literal.
import type { Arg, Env, Instruction, Property } from 'dockerfile-ast';
import type { Finding, Rule } from './types';

export const rule: Rule = {
  meta: {
    code: 'SLIM009',
    name: 'secret-in-env',
    severity: 'warning',
    fixable: false,
    summary: 'ENV or ARG holds a literal secret that ships in the image metadata.',
  },
  check: (facts) => facts.doc.ast.getInstructions().flatMap(findingsOf),
};

function findingsOf(instruction: Instruction): Finding[] {
  const keyword = instruction.getKeyword();
  if (keyword !== 'ENV' && keyword !== 'ARG') return [];
  return (instruction as Env | Arg)
    .getProperties()
    .filter((property) => namesSecret(property.getName()) && holdsLiteral(property))
    .map((property) => ({ code: 'SLIM009', range: property.getRange(), message: messageOf(keyword, property.getName()), fixes: [] }));
}

/** Word parts that are a secret on their own, and pairs that are one together (API_KEY, privateKey). */
const SECRET_WORDS = new Set(['PASS', 'PASSWORD', 'SECRET', 'TOKEN', 'APIKEY', 'PRIVATEKEY', 'CREDENTIAL', 'CREDENTIALS']);
const SECRET_PAIRS = new Set(['API KEY', 'PRIVATE KEY']);

/**
 * A last word part that makes the key describe a secret instead of holding it:
 * `POSTGRES_PASSWORD_FILE=/run/secrets/db` is the recommended way, `TOKEN_URL` is an address.
 */
const DESCRIBING_SUFFIXES = new Set(['FILE', 'PATH', 'DIR', 'URL', 'URI', 'ENDPOINT', 'HEADER', 'NAME', 'LENGTH', 'TTL', 'TIMEOUT', 'EXPIRY', 'TYPE', 'MODE', 'ENABLED']);

export function namesSecret(key: string): boolean {
  const parts = wordParts(key);
  const last = parts[parts.length - 1];
  if (parts.length > 1 && DESCRIBING_SUFFIXES.has(last)) return false;
  return parts.some((part, i) => SECRET_WORDS.has(part) || SECRET_PAIRS.has(`${part} ${parts[i + 1]}`));
}

/** `DB_PASSWORD` → DB PASSWORD; `apiKey` → API KEY; `OAUTH2Token` → OAUTH 2 TOKEN. */
export function wordParts(key: string): string[] {
  return key
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/(?<=\d)(?=\D)|(?<=\D)(?=\d)/g, ' ')
    .split(/[\s_.-]+/)
    .filter(Boolean)
    .map((part) => part.toUpperCase());
}

/** A value written in the Dockerfile: not empty, no other variable, not a flag or a file path. */
function holdsLiteral(property: Property): boolean {
  const value = property.getValue()?.trim();
  const raw = property.getUnescapedValue() ?? '';
  if (!value) return false;
  if (/(^|[^\\])\$(\{|[A-Za-z_])/.test(raw)) return false;
  if (/^(true|false|yes|no|on|off)$/i.test(value)) return false;
  return !/^\/\S*$/.test(value);
}

function messageOf(keyword: string, key: string): string {
  const where =
    keyword === 'ENV'
      ? 'ENV values are stored in the image config and inherited by every image built on it, so `docker inspect` shows it to anyone who can pull the image'
      : 'an ARG default is written in the Dockerfile (and so in source control) and recorded in the build history (`docker history`) of every RUN that uses it';
  return (
    `${keyword} ${key} holds a literal secret: ${where}. ` +
    `Pass it to the RUN that needs it with \`RUN --mount=type=secret,id=${key.toLowerCase()}\` (build with \`--secret id=${key.toLowerCase()},env=${key}\`), ` +
    'and give it to the container at run time (environment or a secrets file), not in the Dockerfile.'
  );
}
