// web-tree-sitter grammars: the runtime is initialised once; each grammar is loaded
// on first need (async) and then parses synchronously. The .wasm files sit beside
// the bundle (dist/) or, when running from source, in node_modules.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Language, Parser } from 'web-tree-sitter';

export type GrammarName = 'bash' | 'go' | 'c' | 'make';

const PACKAGES: Record<GrammarName, string> = {
  bash: 'tree-sitter-bash',
  go: 'tree-sitter-go',
  c: 'tree-sitter-c',
  make: 'tree-sitter-make',
};

let runtime: Promise<void> | undefined;
const loading = new Map<GrammarName, Promise<Parser>>();
const parsers = new Map<GrammarName, Parser>();

function wasmPath(file: string, packageName: string): string {
  const beside = path.join(__dirname, file);
  return existsSync(beside) ? beside : path.join(nodeModules(), packageName, file);
}

function nodeModules(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'node_modules')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'node_modules');
}

/** Loads the grammars (once each); later calls resolve at once. */
export async function loadGrammars(names: readonly GrammarName[]): Promise<void> {
  runtime ??= Parser.init({ locateFile: () => wasmPath('web-tree-sitter.wasm', 'web-tree-sitter') });
  await runtime;
  await Promise.all(names.map(loadGrammar));
}

function loadGrammar(name: GrammarName): Promise<Parser> {
  let pending = loading.get(name);
  if (!pending) {
    pending = Language.load(wasmPath(`${PACKAGES[name]}.wasm`, PACKAGES[name])).then((language) => {
      const parser = new Parser();
      parser.setLanguage(language);
      parsers.set(name, parser);
      return parser;
    });
    loading.set(name, pending);
  }
  return pending;
}

/** The parser of a loaded grammar; undefined when `loadGrammars` has not loaded it yet. */
export function parserFor(name: GrammarName): Parser | undefined {
  return parsers.get(name);
}
