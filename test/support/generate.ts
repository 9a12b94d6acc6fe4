// Dockerfile generator and mutator for the fuzz test and the benchmark. Everything
// is driven by a seeded PRNG, so one seed always gives the same documents.

/** mulberry32: small, fast, good enough for test inputs. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [low, high]. */
  between(low: number, high: number): number {
    return low + this.int(high - low + 1);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

/** A seed for document `index` of a run, so any one document can be regenerated alone. */
export function documentSeed(runSeed: number, index: number): number {
  let h = (runSeed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

// ---------------------------------------------------------------------------
// Grammar

const DIGEST = 'sha256:' + 'a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4';

const IMAGES = [
  'scratch',
  'gcr.io/distroless/static-debian12',
  'gcr.io/distroless/static-debian12:nonroot',
  'gcr.io/distroless/static-debian12:debug',
  'gcr.io/distroless/static-debian12:debug-nonroot',
  'gcr.io/distroless/static',
  'gcr.io/distroless/base-debian12',
  'gcr.io/distroless/base-debian12:nonroot',
  'gcr.io/distroless/cc-debian12',
  'gcr.io/distroless/python3-debian12',
  'cgr.dev/chainguard/static',
  'cgr.dev/chainguard/static:latest',
  'alpine',
  'alpine:3.20',
  'alpine:latest',
  'ALPINE:3.20',
  'docker.io/library/alpine:3.19',
  'busybox:musl',
  'busybox',
  'debian:bookworm-slim',
  'debian',
  'ubuntu:24.04',
  'python:3.12-slim',
  'node:20-bookworm-slim',
  'golang:1.22',
  'golang:1.22-alpine',
  'golang:1.22-alpine3.20',
  'golang:1.22-bookworm',
  'golang',
  'gcc:13',
  'gcc',
  'rust:1.79',
  'maven:3-eclipse-temurin-21',
  'eclipse-temurin:21-jdk',
  'buildpack-deps:bookworm',
  'registry.example.com:5000/team/runtime:1.4',
  'registry.example.com:5000/team/runtime',
  'mycompany/base',
  'quay.io/org/thing:v2',
  'localhost/x',
  `alpine@${DIGEST}`,
  `alpine:3.20@${DIGEST}`,
  `gcr.io/distroless/static-debian12@${DIGEST}`,
  '$BASE',
  '${BASE}',
  '${BASE:-alpine}',
  '${RUNTIME_IMAGE:-gcr.io/distroless/static-debian12}',
  '$UNDEFINED_IMAGE',
  'golang:${GO_VERSION}',
  'golang:${GO_VERSION}-alpine',
  'alpine:$ALPINE_TAG',
];

const STAGE_NAMES = ['build', 'builder', 'Build', 'deps', 'runtime', 'final', 'test', 'certs', 'base', 'go-build', 'app_1'];

const WORDS = ['/app', '/usr/local/bin/server', 'server', '--port', '8080', '-v', 'hello', 'world', 'app.py', 'python3', 'node', 'index.js', '--config=/etc/app.yaml', '-c', '/bin/sh', 'echo', 'true', 'exit', '1', 'ls', '-la', '/tmp', 'x', '.', '--', 'ünïcödé', '日本語', 'a=b', '-', '80'];
const QUOTED = ['"a b"', "'single quoted'", '"with \\"escapes\\""', '"$HOME/x"', "'$NOT_EXPANDED'", '""', "''", '"tab\there"', '"8 080"', '"emoji 😀"'];
const ESCAPED = ['a\\ b', '\\"', "\\'", '\\$HOME', '\\\\', 'C:\\\\path', '\\*'];
const EXPANSIONS = ['$VAR', '${VAR}', '${VAR:-default}', '$HOME/bin', '$(date)', '`uname -m`', '$((1+2))', '$1', '$@', '${#LIST}', '~/bin', '*.txt', 'file?.log', '[ab].c', '{a,b}'];
const OPERATORS = [' && ', ' || ', '; ', ' | ', ' |& ', ' & '];
const REDIRECTS = [' > /dev/null', ' 2>&1', ' >> /tmp/log', ' < /etc/hosts', ' 2>/dev/null', ' &>/dev/null', ' <<< "here"'];

const INSTALLS = [
  'apk add curl',
  'apk add --no-cache ca-certificates',
  'apk update && apk add build-base git',
  'apk add --update --no-cache tzdata',
  'apk --no-cache add gcompat',
  'apt-get update && apt-get install -y curl',
  'apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*',
  'apt-get install -y --no-install-recommends gcc libc6-dev',
  'apt-get -y install git',
  'apt install -y python3',
  'DEBIAN_FRONTEND=noninteractive apt-get install -yq curl',
  'pip install flask',
  'pip install --no-cache-dir -r requirements.txt',
  'pip3 install requests==2.32.0',
  'python -m pip install --upgrade pip',
  'pip install --break-system-packages requests',
  'npm ci --omit=dev',
  'yum install -y curl',
  // An escaped backslash after a continuation, then a one-letter word: dockerfile-ast's getHeredocs() throws on it.
  'apk add curl \\\n  \\\\ x',
];

const BUILDS = [
  'go build -o /out/app .',
  'go build -o /out/app ./cmd/app',
  'CGO_ENABLED=0 go build -ldflags="-s -w" -o /app .',
  'go build -ldflags "-X main.version=1.0" -o bin/server ./cmd/server',
  'go build -tags netgo,osusergo -o /server',
  'go build -ldflags \'-linkmode external -extldflags "-static"\' -o /app',
  'go build ./...',
  'go build',
  'go install ./cmd/...',
  'go get github.com/example/dep',
  'go mod download',
  'export CGO_ENABLED=0 && go build -o /app',
  'gcc -o /out/hello hello.c',
  'gcc -static -O2 -o /hello hello.c',
  'gcc -static-pie -o /hello main.c',
  'cc -c x.c',
  'g++ -std=c++17 -o /bin/tool tool.cpp -lpthread',
  'clang -S x.c',
  'make',
  'make build',
  'make -C src all',
  './build.sh',
  'sh scripts/build.sh',
  'addgroup -S app && adduser -S -G app app',
  'useradd --system --no-create-home --uid 10001 app',
  'groupadd -r app && useradd -r -g app app',
];

const EXEC_FORMS = [
  '["/app"]',
  '["/app","--port","8080"]',
  '[ "/usr/local/bin/server", "--config", "/etc/app.yaml" ]',
  '["/bin/sh", "-c", "echo \\"hi\\" && exec /app"]',
  '["python3", "app.py"]',
  '["curl", "-f", "http://localhost/"]',
  '["wget", "-q", "--spider", "http://localhost:8080/health"]',
  '[]',
  '["/app", ]',
  "['/app', '--single-quotes']",
  '["unterminated',
  '["ünï", "😀", "\\u00e9"]',
  '["a\\\\b", "tab\\tnewline\\n"]',
  '[1, 2]',
  '["/app",\n  "--flag"]',
];

const USERS = ['root', '0', 'root:root', '0:0', 'ROOT', 'app', 'app:app', 'nonroot', 'nonroot:nonroot', '65532', '65532:65532', '1000:1000', '10001', 'nobody', '$USER', '${UID}:${GID}', '${APP_USER:-app}', 'app:', ':app', 'root:*', 'appuser'];

const PORTS = ['80', '443/tcp', '8080', '53/udp', '22', '1023', '1024', '8000-8010', '80 443', '$PORT', '${PORT:-80}', '0', '99999', 'abc', '80/sctp', '3000/TCP'];

const ENV_KEYS = ['DB_PASSWORD', 'PASSWORD', 'API_KEY', 'APIKEY', 'api_key', 'GITHUB_TOKEN', 'NPM_TOKEN', 'PRIVATE_KEY', 'PRIVATEKEY', 'AWS_SECRET_ACCESS_KEY', 'CREDENTIALS', 'GOOGLE_APPLICATION_CREDENTIALS', 'PASSWORD_FILE', 'TOKENIZER_MODEL', 'PATH', 'CGO_ENABLED', 'GOOS', 'HOME', 'APP_ENV', 'PORT', 'GO_VERSION', 'BASE', 'secret', 'MySecretValue'];
const ENV_VALUES = ['hunter2', '"p@ss w0rd"', "'single'", '', '""', '$FROM_ARG', '${TOKEN}', '/usr/local/bin:$PATH', '0', 'production', '-----BEGIN\\ RSA', 'alpine:3.20', '1.22', 'linux'];

const COPY_SOURCES = ['.', 'go.mod', 'go.sum', 'main.go', 'src/', 'app.py', 'requirements.txt', '*.c', 'hello.c', 'package*.json', '["a b", "c"]'];
const COPY_DESTINATIONS = ['.', './', '/app', '/app/', '/src', '/usr/local/bin/', '/etc/ssl/certs/', '/', '/rootfs', 'dest'];
const FROM_PATHS = ['/', '/out/app', '/out/', '/app', '/go/bin/app', '/etc/passwd', '/etc/group', '/etc/ssl/certs/ca-certificates.crt', '/etc/ssl/certs', '/usr/share/zoneinfo', '/out/hello', '/hello', '/usr/local/bin/hello'];

const SHELLS = ['["/bin/bash", "-o", "pipefail", "-c"]', '["/bin/sh", "-c"]', '["/busybox/sh", "-c"]', '["powershell", "-Command"]', '["/bin/ash","-eo","pipefail","-c"]', '/bin/sh -c', '[]'];
const WORKDIRS = ['/app', '/src', 'src', '$HOME/work', '/go/src/app', '/', 'C:\\app'];

const COMMENTS = [
  '# build stage',
  '#',
  '# TODO: pin this',
  '  # indented comment',
  '# slim-ignore=SLIM001',
  '# slim-ignore=SLIM002,SLIM003',
  '# slim-ignore=slim007',
  '#slim-ignore=SLIM008',
  '# slim-ignore = SLIM999',
  '# slim-ignore=',
  '# slim-ignore-file=SLIM007',
  '# slim-ignore-file=SLIM003,SLIM009',
  '# hadolint ignore=DL3025,DL3002',
  '# hadolint ignore=DL3007',
  '# hadolint global ignore=DL3009',
  '# check=skip=JSONArgsRecommended',
  '# check=skip=SecretsUsedInArgOrEnv;error=true',
  '# check=skip=all',
];

const DIRECTIVES = ['# syntax=docker/dockerfile:1', '# syntax=docker/dockerfile:1.7', '# escape=`', '# escape=\\', '# check=skip=JSONArgsRecommended', '# check=error=true', '#directive=value'];

const OTHER_INSTRUCTIONS = [
  'LABEL org.opencontainers.image.source="https://example.com/repo"',
  'LABEL a=b c="d e"',
  'STOPSIGNAL SIGTERM',
  'VOLUME /data',
  'VOLUME ["/data", "/cache"]',
  'MAINTAINER someone@example.com',
  'ONBUILD RUN make',
  'ONBUILD COPY . /src',
  'ADD https://example.com/archive.tar.gz /tmp/',
  'ADD app.tar.gz /opt/',
  'FROM',
  'RUN',
  'CMD',
  'COPY',
  'USER',
  'UNKNOWN instruction here',
  'ENV',
  'ARG',
];

interface GeneratorState {
  random: Random;
  stageNames: string[];
  stageCount: number;
  escape: string;
}

/** A Dockerfile built from the grammar above: syntactically plausible, semantically anything. */
export function generateDockerfile(random: Random): string {
  const state: GeneratorState = { random, stageNames: [], stageCount: 0, escape: '\\' };
  const lines: string[] = [];
  if (random.chance(0.3)) {
    for (let i = random.between(1, 2); i > 0; i--) {
      const directive = random.pick(DIRECTIVES);
      if (directive === '# escape=`') state.escape = '`';
      lines.push(directive);
    }
  }
  if (random.chance(0.4)) {
    for (let i = random.between(1, 3); i > 0; i--) lines.push(globalArg(random));
  }
  for (let stage = random.between(1, 4); stage > 0; stage--) {
    lines.push(...stageLines(state));
    if (random.chance(0.5)) lines.push('');
  }
  let text = lines.join('\n') + (random.chance(0.8) ? '\n' : '');
  if (random.chance(0.1)) text = text.replace(/\n/g, '\r\n');
  return text;
}

function globalArg(random: Random): string {
  return random.pick(['ARG BASE=alpine:3.20', 'ARG BASE', 'ARG GO_VERSION=1.22', 'ARG GO_VERSION', 'ARG RUNTIME_IMAGE=scratch', 'ARG ALPINE_TAG=latest', 'ARG TAG=latest', 'ARG BASE=${OTHER:-debian}']);
}

function stageLines(state: GeneratorState): string[] {
  const { random } = state;
  const lines = [fromLine(state)];
  for (let i = random.between(0, 12); i > 0; i--) lines.push(...instructionLines(state));
  return lines;
}

function keyword(random: Random, word: string): string {
  if (random.chance(0.85)) return word;
  return random.chance(0.5) ? word.toLowerCase() : word[0] + word.slice(1).toLowerCase();
}

function gap(random: Random): string {
  return random.pick([' ', ' ', ' ', ' ', '  ', '\t']);
}

function fromLine(state: GeneratorState): string {
  const { random } = state;
  let image = random.pick(IMAGES);
  if (state.stageNames.length > 0 && random.chance(0.25)) image = random.pick(state.stageNames);
  const platform = random.chance(0.1) ? '--platform=$BUILDPLATFORM ' : '';
  let line = `${keyword(random, 'FROM')}${gap(random)}${platform}${image}`;
  if (random.chance(0.6)) {
    const name = random.pick(STAGE_NAMES);
    state.stageNames.push(name);
    line += ` ${random.chance(0.9) ? 'AS' : 'as'} ${name}`;
  }
  state.stageCount++;
  return line;
}

function instructionLines(state: GeneratorState): string[] {
  const { random } = state;
  const kind = random.int(20);
  switch (kind) {
    case 0:
    case 1:
    case 2:
      return splitLines(`${keyword(random, 'RUN')} ${runFlags(random)}${runBody(state)}`);
    case 3:
    case 4:
      return splitLines(`${keyword(random, 'CMD')} ${commandBody(state)}`);
    case 5:
      return splitLines(`${keyword(random, 'ENTRYPOINT')} ${commandBody(state)}`);
    case 6:
      return splitLines(healthcheck(state));
    case 7:
      return [`${keyword(random, 'USER')} ${random.pick(USERS)}`];
    case 8:
      return [`${keyword(random, 'EXPOSE')} ${random.pick(PORTS)}${random.chance(0.2) ? ' ' + random.pick(PORTS) : ''}`];
    case 9:
    case 10:
      return [envOrArg(random)];
    case 11:
    case 12:
      return splitLines(copyLine(state));
    case 13:
      return [`${keyword(random, 'SHELL')} ${random.pick(SHELLS)}`];
    case 14:
      return [`${keyword(random, 'WORKDIR')} ${random.pick(WORKDIRS)}`];
    case 15:
    case 16:
      return [random.pick(COMMENTS)];
    case 17:
      return [''];
    case 18:
      return splitLines(heredoc(random));
    default:
      return [random.pick(OTHER_INSTRUCTIONS)];
  }
}

function splitLines(text: string): string[] {
  return text.split('\n');
}

function runFlags(random: Random): string {
  if (!random.chance(0.15)) return '';
  return random.pick(['--mount=type=cache,target=/root/.cache ', '--mount=type=secret,id=token ', '--network=none ', '--mount=type=bind,source=.,target=/src ', '--security=insecure ']);
}

function runBody(state: GeneratorState): string {
  const { random } = state;
  const roll = random.int(10);
  if (roll < 3) return random.chance(0.7) ? random.pick(INSTALLS) : `${random.pick(INSTALLS)}${continuation(state)}${simpleCommand(state)}`;
  if (roll < 5) return random.pick(BUILDS);
  if (roll < 6) return random.pick(EXEC_FORMS);
  if (roll < 7) return `${random.pick(INSTALLS)}${continuation(state)}&& ${random.pick(BUILDS)}`;
  return shellCommand(state);
}

function commandBody(state: GeneratorState): string {
  return state.random.chance(0.4) ? state.random.pick(EXEC_FORMS) : shellCommand(state);
}

function continuation(state: GeneratorState): string {
  return state.random.chance(0.5) ? ` ${state.escape}\n    ` : ' ';
}

/** A shell command line: words, quotes, escapes, expansions, operators and redirects. */
function shellCommand(state: GeneratorState): string {
  const { random } = state;
  const parts: string[] = [simpleCommand(state)];
  while (random.chance(0.3)) {
    parts.push(random.pick(OPERATORS));
    if (random.chance(0.3)) parts.push(continuation(state).trimStart());
    parts.push(simpleCommand(state));
  }
  if (random.chance(0.15)) parts.push(random.pick(REDIRECTS));
  if (random.chance(0.05)) parts.unshift('(');
  if (random.chance(0.05)) parts.push(')');
  return parts.join('');
}

function simpleCommand(state: GeneratorState): string {
  const { random } = state;
  const words = [random.pick(WORDS)];
  for (let i = random.between(0, 5); i > 0; i--) {
    const roll = random.int(10);
    if (roll < 5) words.push(random.pick(WORDS));
    else if (roll < 7) words.push(random.pick(QUOTED));
    else if (roll < 8) words.push(random.pick(ESCAPED));
    else words.push(random.pick(EXPANSIONS));
    if (random.chance(0.08)) words.push(`${state.escape}\n `);
  }
  return words.join(' ');
}

function healthcheck(state: GeneratorState): string {
  const { random } = state;
  if (random.chance(0.1)) return `${keyword(random, 'HEALTHCHECK')} NONE`;
  const options = random.chance(0.5) ? '--interval=30s --timeout=3s ' : '';
  const command = random.pick([
    'curl -f http://localhost/ || exit 1',
    'wget -q --spider http://localhost:8080/health',
    'sh -c "test -f /tmp/ok"',
    'bash -c \'exit 0\'',
    '["curl", "-f", "http://localhost/"]',
    '["wget", "-qO-", "http://localhost/"]',
    '["/app", "healthcheck"]',
    '/app healthcheck',
    shellCommand(state),
  ]);
  return `${keyword(random, 'HEALTHCHECK')} ${options}${random.chance(0.95) ? 'CMD ' : ''}${command}`;
}

function envOrArg(random: Random): string {
  const key = random.pick(ENV_KEYS);
  const value = random.pick(ENV_VALUES);
  const roll = random.int(6);
  if (roll === 0) return `${keyword(random, 'ARG')} ${key}`;
  if (roll === 1) return `${keyword(random, 'ARG')} ${key}=${value}`;
  if (roll === 2) return `${keyword(random, 'ENV')} ${key} ${value}`;
  if (roll === 3) return `${keyword(random, 'ENV')} ${key}=${value} ${random.pick(ENV_KEYS)}=${random.pick(ENV_VALUES)}`;
  return `${keyword(random, 'ENV')} ${key}=${value}`;
}

function copyLine(state: GeneratorState): string {
  const { random } = state;
  const verb = keyword(random, random.chance(0.9) ? 'COPY' : 'ADD');
  const flags: string[] = [];
  if (random.chance(0.15)) flags.push(random.pick(['--chown=app:app', '--chown=65532:65532', '--chmod=0755', '--link']));
  if (random.chance(0.6)) {
    const from = random.chance(0.7) && state.stageNames.length > 0 ? random.pick(state.stageNames) : random.pick(['0', '1', 'alpine:3.20', 'missing', '$STAGE', 'golang:1.22', 'BUILD']);
    flags.push(`--from=${from}`);
    const sources = [random.pick(FROM_PATHS)];
    if (random.chance(0.2)) sources.push(random.pick(FROM_PATHS));
    return [verb, ...flags, ...sources, random.pick(COPY_DESTINATIONS)].join(' ');
  }
  if (random.chance(0.1)) return `${verb} <<EOF /etc/app.conf\nkey=value\nEOF`;
  return [verb, ...flags, random.pick(COPY_SOURCES), random.pick(COPY_DESTINATIONS)].join(' ');
}

function heredoc(random: Random): string {
  return random.pick([
    'RUN <<EOF\napk add --no-cache curl\ngo build -o /app .\nEOF',
    'RUN <<-EOT bash\n\tset -e\n\tapt-get update && apt-get install -y curl\nEOT',
    'RUN cat <<EOF > /etc/motd\nhello $USER\nEOF',
    'RUN <<EOF\nunterminated heredoc',
    'COPY <<EOF /app/config.json\n{"a": 1}\nEOF',
    'RUN python3 <<PY\nprint("hi")\nPY',
  ]);
}

// ---------------------------------------------------------------------------
// Mutation

const NOISE = ['\t', '\r', '\\', '[', ']', '"', "'", '$', '{', '}', '#', '=', ' ', '\n', '`', '\u0000', '\u00a0', '\u200b', '\ufeff', 'é', '日', '😀', '\ud83d', '\\\n', '\r\n', '-', '/', ':', '@', ',', '*', '<<'];

/** Applies 1–4 random edits to `text`; `donors` supply lines to splice in. */
export function mutateDockerfile(random: Random, text: string, donors: readonly string[] = []): string {
  let result = text;
  for (let i = random.between(1, 4); i > 0; i--) result = mutateOnce(random, result, donors);
  return result;
}

function mutateOnce(random: Random, text: string, donors: readonly string[]): string {
  const lines = text.split('\n');
  const at = random.int(lines.length);
  switch (random.int(12)) {
    case 0:
      lines.splice(at, 1);
      return lines.join('\n');
    case 1:
      lines.splice(at, 0, lines[at]);
      return lines.join('\n');
    case 2: {
      const other = random.int(lines.length);
      [lines[at], lines[other]] = [lines[other], lines[at]];
      return lines.join('\n');
    }
    case 3:
    case 4:
    case 5:
      return insertAt(text, random.int(text.length + 1), random.pick(NOISE).repeat(random.chance(0.8) ? 1 : random.between(2, 5)));
    case 6:
      return text.slice(0, random.int(text.length + 1));
    case 7:
      return random.chance(0.7) ? text.replace(/\r?\n/g, '\r\n') : text.replace(/\r\n/g, '\n');
    case 8: {
      const donor = donors.length > 0 ? random.pick(donors).split('\n') : lines;
      lines.splice(at, 0, ...donor.slice(random.int(donor.length), random.int(donor.length) + 1 + random.int(3)));
      return lines.join('\n');
    }
    case 9: {
      const start = random.int(text.length + 1);
      return text.slice(0, start) + text.slice(start + random.between(1, 8));
    }
    case 10:
      lines[at] = random.chance(0.5) ? lines[at].toLowerCase() : lines[at].toUpperCase();
      return lines.join('\n');
    default:
      lines[at] = random.chance(0.5) ? `${lines[at]} \\` : lines[at].replace(/\\\s*$/, '');
      return lines.join('\n');
  }
}

function insertAt(text: string, offset: number, insert: string): string {
  return text.slice(0, offset) + insert + text.slice(offset);
}

// ---------------------------------------------------------------------------
// Realistic documents for the benchmark

const REALISTIC_BUILDERS = [
  (n: number) => [
    `FROM golang:1.22-alpine AS build${n}`,
    '# Build a static Go binary; modules first for layer caching.',
    'WORKDIR /src',
    'RUN apk add --no-cache git make',
    'COPY go.mod go.sum ./',
    'RUN go mod download',
    'COPY . .',
    `RUN CGO_ENABLED=0 go build -ldflags="-s -w" -o /out/app${n} ./cmd/app${n}`,
  ],
  (n: number) => [
    `FROM debian:bookworm-slim AS native${n}`,
    'ENV DEBIAN_FRONTEND=noninteractive',
    'RUN apt-get update \\',
    '    && apt-get install -y --no-install-recommends \\',
    '       gcc libc6-dev make ca-certificates curl \\',
    '    && rm -rf /var/lib/apt/lists/*',
    'WORKDIR /build',
    'COPY src/ ./src/',
    'COPY Makefile .',
    `RUN gcc -static -O2 -o /out/tool${n} src/main.c && strip /out/tool${n}`,
  ],
  (n: number) => [
    `FROM python:3.12-slim AS py${n}`,
    'WORKDIR /app',
    'COPY requirements.txt .',
    'RUN pip install --no-cache-dir -r requirements.txt',
    'COPY app/ ./app/',
    'ENV PYTHONUNBUFFERED=1 PORT=8080',
    `RUN python -m compileall -q app && echo "built ${n}" > /app/VERSION`,
  ],
  (n: number) => [
    `FROM node:20-bookworm-slim AS web${n}`,
    'WORKDIR /web',
    'COPY package.json package-lock.json ./',
    'RUN npm ci --omit=dev',
    'COPY public/ ./public/',
    'COPY src/ ./src/',
    'RUN npm run build \\',
    '    && rm -rf node_modules/.cache',
  ],
];

/**
 * A realistic multi-stage Dockerfile of about `targetLines` lines: builder stages
 * (Go, C, Python, Node) and an alpine runtime stage that copies from them, with a
 * few everyday mistakes (apk cache, shell-form CMD, no USER) so rules have work to do.
 */
export function realisticDockerfile(targetLines: number, seed = 1): string {
  const random = new Random(seed);
  const header = ['# syntax=docker/dockerfile:1', '# A service with several components built in separate stages.', 'ARG GO_VERSION=1.22', ''];
  const runtimeStart = ['FROM alpine:3.20 AS runtime', 'RUN apk add ca-certificates tzdata', 'WORKDIR /app'];
  const runtimeEnd = [
    'ENV APP_ENV=production',
    'EXPOSE 8080',
    'HEALTHCHECK --interval=30s CMD wget -q --spider http://localhost:8080/health || exit 1',
    'CMD /app/app0 --config /etc/app/config.yaml',
  ];
  const stages: string[] = [];
  const copies: string[] = [];
  let n = 0;
  const size = () => header.length + stages.length + runtimeStart.length + copies.length + runtimeEnd.length;
  do {
    const builder = REALISTIC_BUILDERS[n === 0 ? 0 : random.int(REALISTIC_BUILDERS.length)](n);
    stages.push(...builder, ...extraSteps(random, n), '');
    copies.push(`COPY --from=${builder[0].split(' AS ')[1]} ${artifactOf(builder)} /app/`);
    n++;
  } while (size() + 12 < targetLines);
  while (size() < targetLines) stages.splice(stages.length - 1, 0, ...extraSteps(random, n, 1));
  return [...header, ...stages, ...runtimeStart, ...copies, ...runtimeEnd].join('\n') + '\n';
}

function artifactOf(builder: string[]): string {
  const text = builder.join('\n');
  const output = /-o (\/out\/\S+)/.exec(text);
  const workdir = /^WORKDIR (\S+)$/m.exec(text);
  return output?.[1] ?? `${workdir?.[1] ?? '/app'}/`;
}

function extraSteps(random: Random, n: number, count = random.between(0, 3)): string[] {
  const steps: string[] = [];
  for (let i = count; i > 0; i--) {
    steps.push(
      random.pick([
        `# step ${n}.${i}: generated assets`,
        `RUN mkdir -p /out/assets${n} && cp -r assets/* /out/assets${n}/ || true`,
        `ENV BUILD_ID=${n} COMPONENT=component-${n}`,
        `ARG VERSION=1.${n}.${i}`,
        `LABEL org.opencontainers.image.version="1.${n}.${i}"`,
        `RUN test -f /out/app${n} || echo "no binary for ${n}"`,
      ]),
    );
  }
  return steps;
}
