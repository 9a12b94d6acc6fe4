import type { Rule } from './types';

export const rule: Rule = {
  meta: {
    code: 'SLIM007',
    name: 'unpinned-base-image',
    severity: 'warning',
    fixable: false,
    summary: 'FROM without a tag or with :latest.',
  },
  check: () => [],
};
