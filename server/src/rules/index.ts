// The registry: every rule, in code order. A test checks it against the rules folder.
import type { Rule } from './types';
import { rule as SLIM001 } from './SLIM001-shell-form-without-shell';
import { rule as SLIM002 } from './SLIM002-prefer-exec-form';
import { rule as SLIM003 } from './SLIM003-runs-as-root';
import { rule as SLIM004 } from './SLIM004-user-without-passwd';
import { rule as SLIM005 } from './SLIM005-missing-ca-certificates';
import { rule as SLIM006 } from './SLIM006-toolchain-in-final-image';
import { rule as SLIM007 } from './SLIM007-unpinned-base-image';
import { rule as SLIM008 } from './SLIM008-package-manager-cache';
import { rule as SLIM009 } from './SLIM009-secret-in-env';
import { rule as SLIM010 } from './SLIM010-privileged-port';
import { rule as SLIM011 } from './SLIM011-healthcheck-tool-missing';
import { rule as SLIM012 } from './SLIM012-copy-whole-stage';
import { rule as SLIM201 } from './SLIM201-cgo-enabled-for-static-image';
import { rule as SLIM202 } from './SLIM202-cgo-required';
import { rule as SLIM203 } from './SLIM203-go-binary-not-stripped';
import { rule as SLIM204 } from './SLIM204-go-version-mismatch';
import { rule as SLIM205 } from './SLIM205-go-get-for-dependencies';
import { rule as SLIM301 } from './SLIM301-dynamic-c-binary-in-static-image';
import { rule as SLIM302 } from './SLIM302-static-glibc-nss';
import { rule as SLIM303 } from './SLIM303-libc-mismatch';

export const RULES: readonly Rule[] = [SLIM001, SLIM002, SLIM003, SLIM004, SLIM005, SLIM006, SLIM007, SLIM008, SLIM009, SLIM010, SLIM011, SLIM012, SLIM201, SLIM202, SLIM203, SLIM204, SLIM205, SLIM301, SLIM302, SLIM303];

const BY_CODE = new Map(RULES.map((rule) => [rule.meta.code, rule]));

export function ruleByCode(code: string): Rule | undefined {
  return BY_CODE.get(code);
}
