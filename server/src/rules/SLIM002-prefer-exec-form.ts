import type { Rule } from './types';

export const rule: Rule = {
  meta: {
    code: 'SLIM002',
    name: 'prefer-exec-form',
    severity: 'warning',
    fixable: true,
    summary: 'Shell-form CMD or ENTRYPOINT in the target: PID 1 is sh and signals are lost.',
  },
  check: () => [],
};
