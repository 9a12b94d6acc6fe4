// SLIM010: EXPOSE of a port below 1024 in an image that runs as non-root. Binding
// such a port needs root or CAP_NET_BIND_SERVICE, unless the runtime lowers
// net.ipv4.ip_unprivileged_port_start (Docker 20.10+ does; not every runtime does).
import type { Facts } from '../facts/model';
import { effectiveUser, environmentOf, instructionsIn } from '../facts/queries';
import { substitute } from '../facts/extract';
import type { Finding, Rule } from './types';

const FIRST_UNPRIVILEGED_PORT = 1024;

export const rule: Rule = {
  meta: {
    code: 'SLIM010',
    name: 'privileged-port',
    severity: 'info',
    fixable: false,
    summary: 'EXPOSE of a port below 1024 in an image that runs as non-root.',
  },
  check(facts) {
    const user = nonRootUser(facts);
    if (!user) return [];
    const env = environmentOf(facts.runtimeChain);
    const findings: Finding[] = [];
    for (const expose of instructionsIn(facts.runtimeChain, 'EXPOSE')) {
      for (const arg of expose.getArguments()) {
        const port = lowestPort(substitute(arg.getValue(), env));
        if (port === undefined || port >= FIRST_UNPRIVILEGED_PORT) continue;
        findings.push({ code: 'SLIM010', range: arg.getRange(), message: messageOf(arg.getValue(), port, user), fixes: [] });
      }
    }
    return findings;
  },
};

/** Who the target runs as, for the message, when that is certainly not root. */
function nonRootUser(facts: Facts): string | undefined {
  if (!facts.target) return undefined;
  const current = effectiveUser(facts);
  if (current.root) return undefined;
  if (current.user === undefined) return "the base image's non-root default user";
  // `USER $APP_USER` may be root.
  return current.user.includes('$') ? undefined : `non-root user ${current.user}`;
}

/** `80`, `80/tcp`, `8000-8100/udp` → the lowest port; undefined when not a literal port. */
function lowestPort(text: string | undefined): number | undefined {
  const match = /^(\d+)(?:-\d+)?(?:\/[a-z]+)?$/i.exec(text?.trim() ?? '');
  const port = match ? Number(match[1]) : undefined;
  return port !== undefined && port > 0 ? port : undefined;
}

function messageOf(written: string, port: number, user: string): string {
  return (
    `EXPOSE ${written} declares port ${port}, but the container runs as ${user}: ` +
    'binding a port below 1024 needs root or CAP_NET_BIND_SERVICE, so the server fails with `bind: permission denied` ' +
    'unless the runtime lowers net.ipv4.ip_unprivileged_port_start (Docker 20.10+ does; host networking and many other runtimes do not). ' +
    `Listen on a port of 1024 or above, e.g. 8080, and publish it as ${port} if needed (-p ${port}:8080).`
  );
}
