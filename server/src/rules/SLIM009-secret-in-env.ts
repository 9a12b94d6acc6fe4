import type { Rule } from './types';

export const rule: Rule = {
  meta: {
    code: 'SLIM009',
    name: 'secret-in-env',
    severity: 'warning',
    fixable: false,
    summary: 'ENV or ARG holds a literal secret.',
  },
  check: () => [],
};
