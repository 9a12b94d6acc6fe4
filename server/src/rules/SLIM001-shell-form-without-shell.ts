import type { Rule } from './types';

export const rule: Rule = {
  meta: {
    code: 'SLIM001',
    name: 'shell-form-without-shell',
    severity: 'error',
    fixable: true,
    summary: 'Shell-form CMD, ENTRYPOINT, HEALTHCHECK or RUN in a stage whose base image has no shell.',
  },
  check: () => [],
};
