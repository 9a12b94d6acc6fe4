import type { Rule } from './types';

export const rule: Rule = {
  meta: {
    code: 'SLIM004',
    name: 'user-without-passwd',
    severity: 'error',
    fixable: true,
    summary: 'USER names a user in a scratch image without /etc/passwd.',
  },
  check: () => [],
};
