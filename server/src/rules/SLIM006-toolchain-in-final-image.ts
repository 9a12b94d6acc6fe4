import type { Rule } from './types';

export const rule: Rule = {
  meta: {
    code: 'SLIM006',
    name: 'toolchain-in-final-image',
    severity: 'warning',
    fixable: true,
    summary: 'The final image is a compiler image that builds its own artifact.',
  },
  check: () => [],
};
