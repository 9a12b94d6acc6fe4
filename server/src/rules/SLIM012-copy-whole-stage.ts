import type { Rule } from './types';

export const rule: Rule = {
  meta: {
    code: 'SLIM012',
    name: 'copy-whole-stage',
    severity: 'warning',
    fixable: false,
    summary: 'COPY --from copies a whole stage filesystem.',
  },
  check: () => [],
};
