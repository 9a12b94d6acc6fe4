import type { Rule } from './types';

export const rule: Rule = {
  meta: {
    code: 'SLIM011',
    name: 'healthcheck-tool-missing',
    severity: 'error',
    fixable: false,
    summary: 'HEALTHCHECK uses a tool the image does not have.',
  },
  check: () => [],
};
