import type { Rule } from './types';

export const rule: Rule = {
  meta: {
    code: 'SLIM003',
    name: 'runs-as-root',
    severity: 'warning',
    fixable: true,
    summary: 'The image runs as root.',
  },
  check: () => [],
};
