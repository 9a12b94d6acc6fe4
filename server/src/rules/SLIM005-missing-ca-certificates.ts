import type { Rule } from './types';

export const rule: Rule = {
  meta: {
    code: 'SLIM005',
    name: 'missing-ca-certificates',
    severity: 'warning',
    fixable: true,
    summary: 'The image ships a TLS client but no CA certificate bundle.',
  },
  check: () => [],
};
