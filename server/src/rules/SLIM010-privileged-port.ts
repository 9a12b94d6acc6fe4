import type { Rule } from './types';

export const rule: Rule = {
  meta: {
    code: 'SLIM010',
    name: 'privileged-port',
    severity: 'info',
    fixable: false,
    summary: 'EXPOSE of a port below 1024 in an image that runs as non-root.',
  },
  check: () => [],
};
