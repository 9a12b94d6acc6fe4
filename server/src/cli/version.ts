// The package version, inlined by esbuild at build time and read from package.json
// when running from source: one source of truth for both.
import { version } from '../../../package.json';

export const VERSION: string = version;
export const TOOL_NAME = 'dockerfile-slim';
export const INFORMATION_URI = 'https://github.com/dockerfile-slim/dockerfile-slim';
