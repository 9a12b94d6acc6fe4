// What one C/C++ source file calls that matters for a small image: glibc's NSS
// functions (they load shared modules at run time even in a static binary) and TLS
// libraries (the program needs CA certificates). Parsed with tree-sitter-c; facts
// are cached by file text.
import type { Node } from 'web-tree-sitter';
import type { Range } from 'vscode-languageserver-textdocument';
import { parserFor } from '../parse/grammars';
import { boundedCache } from './cache';

export interface CCall {
  name: string;
  /** The called function's name. */
  range: Range;
}

export interface CFileFacts {
  /** Calls glibc's static linker warns about: "Using 'getaddrinfo' in statically linked applications requires at runtime the shared libraries…". */
  nssCalls: CCall[];
  /** Calls into OpenSSL, libcurl, GnuTLS, mbed TLS, wolfSSL. */
  tlsCalls: CCall[];
}

/** The spec's list, then the variants glibc's linker warns about in the same way (checked with gcc -static, glibc 2.36). */
export const NSS_FUNCTIONS = new Set([
  'getaddrinfo',
  'gethostbyname',
  'getpwnam',
  'getpwuid',
  'getgrnam',
  'dlopen',
  'gethostbyname2',
  'gethostbyname_r',
  'gethostbyname2_r',
  'gethostbyaddr',
  'gethostbyaddr_r',
  'getpwnam_r',
  'getpwuid_r',
  'getpwent',
  'getgrnam_r',
  'getgrgid',
  'getgrgid_r',
  'getgrent',
  'getservbyname',
  'getservbyport',
  'initgroups',
]);

const TLS_CALL = /^(SSL_|SSL_CTX_|TLS_|curl_easy_|curl_multi_|gnutls_|mbedtls_ssl_|wolfSSL_)/;

const cache = boundedCache<CFileFacts>(2048);

/** The facts of a C/C++ file; undefined when the C grammar is not loaded. */
export function cFileFacts(text: string): CFileFacts | undefined {
  const cached = cache.get(text);
  if (cached) return cached;
  const tree = parserFor('c')?.parse(text);
  if (!tree) return undefined;
  try {
    const facts: CFileFacts = { nssCalls: [], tlsCalls: [] };
    for (const call of tree.rootNode.descendantsOfType('call_expression')) {
      const callee = call?.childForFieldName('function');
      if (callee?.type !== 'identifier') continue;
      if (NSS_FUNCTIONS.has(callee.text)) facts.nssCalls.push(callOf(callee));
      else if (TLS_CALL.test(callee.text)) facts.tlsCalls.push(callOf(callee));
    }
    cache.set(text, facts);
    return facts;
  } finally {
    tree.delete();
  }
}

function callOf(node: Node): CCall {
  return {
    name: node.text,
    range: {
      start: { line: node.startPosition.row, character: node.startPosition.column },
      end: { line: node.endPosition.row, character: node.endPosition.column },
    },
  };
}
