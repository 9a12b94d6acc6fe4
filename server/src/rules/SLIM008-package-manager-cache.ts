import type { Rule } from './types';

export const rule: Rule = {
  meta: {
    code: 'SLIM008',
    name: 'package-manager-cache',
    severity: 'warning',
    fixable: true,
    summary: 'A package manager leaves its cache or recommends in the image.',
  },
  check: () => [],
};
