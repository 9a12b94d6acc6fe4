// A Go project for the benchmark, generated in memory and always the same: a
// Dockerfile with 50 RUN lines over a 200-file build context (go.mod, a Makefile with
// LDFLAGS and build recipes, a build script, 20 commands and 59 packages of 3 files that
// import each other and net/http, crypto/tls, os/user).

export const PACKAGES = 59;
export const TOOLS = 19;

export interface GoProject {
  dockerfile: string;
  /** Context-relative path → text; the Dockerfile is at the root of the context. */
  files: Record<string, string>;
}

const MODULE = 'example.com/shop';
const pkgName = (i: number) => `p${String(i).padStart(3, '0')}`;
const toolName = (i: number) => `tool${String(i).padStart(2, '0')}`;

/** The packages package `i` imports: a chain and a tree, so every package is reached from p058. */
function dependencies(i: number): number[] {
  return [...new Set([i - 1, Math.floor(i / 2)])].filter((d) => d >= 0 && d < i);
}

function corePackageFile(i: number): string {
  const deps = dependencies(i);
  const imports = ['"fmt"', '"strings"', ...deps.map((d) => `"${MODULE}/pkg/${pkgName(d)}"`)];
  const calls = deps.map((d) => `\tparts = append(parts, ${pkgName(d)}.Describe(depth-1))`).join('\n');
  return `// Package ${pkgName(i)} is part of the benchmark's generated project.
package ${pkgName(i)}

import (
${imports.map((line) => `\t${line}`).join('\n')}
)

// Name is the package's name, for messages.
const Name = "${pkgName(i)}"

// Item is a thing this package keeps.
type Item struct {
\tID    int
\tLabel string
\tTags  []string
}

// Describe names this package and, to some depth, what it depends on.
func Describe(depth int) string {
\tif depth <= 0 {
\t\treturn Name
\t}
\tparts := []string{Name}
${calls}
\treturn strings.Join(parts, " <- ")
}

// Format renders an item.
func Format(item Item) string {
\treturn fmt.Sprintf("%s#%d %s [%s]", Name, item.ID, item.Label, strings.Join(item.Tags, ","))
}
`;
}

function storeFile(i: number): string {
  return `package ${pkgName(i)}

import (
\t"sort"
\t"sync"
)

// Store keeps items by id, safe for concurrent use.
type Store struct {
\tmu    sync.Mutex
\titems map[int]Item
}

// NewStore returns an empty store.
func NewStore() *Store {
\treturn &Store{items: map[int]Item{}}
}

// Put adds or replaces an item.
func (s *Store) Put(item Item) {
\ts.mu.Lock()
\tdefer s.mu.Unlock()
\ts.items[item.ID] = item
}

// IDs lists the ids in order.
func (s *Store) IDs() []int {
\ts.mu.Lock()
\tdefer s.mu.Unlock()
\tids := make([]int, 0, len(s.items))
\tfor id := range s.items {
\t\tids = append(ids, id)
\t}
\tsort.Ints(ids)
\treturn ids
}
`;
}

/** Every package serves HTTP; some also dial TLS or look up users (cgo-by-default packages). */
function httpFile(i: number): string {
  const tls = i % 5 === 0;
  const user = i % 13 === 0;
  const imports = ['"encoding/json"', '"net/http"', ...(tls ? ['"crypto/tls"'] : []), ...(user ? ['"os/user"'] : [])];
  return `package ${pkgName(i)}

import (
${imports.map((line) => `\t${line}`).join('\n')}
)

// Handler serves the store as JSON.
func Handler(store *Store) http.Handler {
\treturn http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
\t\tw.Header().Set("Content-Type", "application/json")
\t\t_ = json.NewEncoder(w).Encode(store.IDs())
\t})
}
${
  tls
    ? `
// Client dials upstream services over TLS 1.2 or later.
func Client() *http.Client {
\treturn &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS12}}}
}
`
    : ''
}${
  user
    ? `
// Owner is the user the process runs as.
func Owner() string {
\tif u, err := user.Current(); err == nil {
\t\treturn u.Username
\t}
\treturn "unknown"
}
`
    : ''
}`;
}

function mainFile(name: string, uses: number[]): string {
  const imports = ['"fmt"', '"log"', '"net/http"', '"os"', ...uses.map((p) => `"${MODULE}/pkg/${pkgName(p)}"`)];
  return `// Command ${name} of the benchmark's generated project.
package main

import (
${imports.map((line) => `\t${line}`).join('\n')}
)

var version = "dev"

func main() {
\tif len(os.Args) > 1 && os.Args[1] == "-version" {
\t\tfmt.Println("${name}", version)
\t\treturn
\t}
\tmux := http.NewServeMux()
${uses.map((p) => `\tmux.Handle("/${pkgName(p)}", ${pkgName(p)}.Handler(${pkgName(p)}.NewStore()))`).join('\n')}
\tlog.Fatal(http.ListenAndServe(":8080", mux))
}
`;
}

function makefile(): string {
  const tools = Array.from({ length: TOOLS }, (_, i) => toolName(i + 1));
  return `# Build recipes for the benchmark's generated project.
GO ?= go
VERSION ?= 1.0.0
COMMIT ?= unknown
OUT := /out
LDFLAGS := -X main.version=$(VERSION)
LDFLAGS += -X main.commit=$(COMMIT)
TOOLS := ${tools.join(' ')}

.PHONY: all build tools test vet clean

all: build tools

build: $(OUT)/app

$(OUT)/app:
\tmkdir -p $(OUT)
\t$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $@ ./cmd/app

tools:
\tmkdir -p $(OUT)
${tools.map((tool) => `\t$(GO) build -ldflags "$(LDFLAGS)" -o $(OUT)/${tool} ./cmd/${tool}`).join('\n')}

test:
\t$(GO) test ./...

vet:
\t$(GO) vet ./...

clean:
\trm -rf $(OUT)
`;
}

function buildScript(): string {
  return `#!/bin/sh
# Builds the app the way CI does.
set -eu
export GOFLAGS=-trimpath
VERSION=\${VERSION:-1.0.0}
mkdir -p /out
go build -ldflags "-s -w -X main.version=$VERSION" -o /out/app-ci ./cmd/app
`;
}

function dockerfile(): string {
  const runs: string[] = [
    'RUN go mod download',
    'RUN go vet ./...',
    'RUN go build -ldflags "-s -w -X main.version=${VERSION}" -o /out/app ./cmd/app',
    ...Array.from({ length: TOOLS }, (_, i) => `RUN CGO_ENABLED=0 go build -o /out/${toolName(i + 1)} ./cmd/${toolName(i + 1)}`),
    'RUN make build',
    'RUN make -C /src tools VERSION=${VERSION}',
    'RUN ./scripts/build.sh',
    'RUN sh scripts/build.sh',
    'RUN go test ./pkg/... \\\n    && go test -race ./cmd/app',
  ];
  // Everyday steps up to 50 RUNs: config files, checks, listings.
  for (let i = 0; runs.length < 50; i++) {
    const step = i % 4;
    if (step === 0) runs.push(`RUN mkdir -p /out/etc/conf.d \\\n    && echo "level=${i}" > /out/etc/conf.d/${String(i).padStart(2, '0')}.conf`);
    else if (step === 1) runs.push(`RUN test -x /out/app && /out/app -version | grep -q ${i} || true`);
    else if (step === 2) runs.push(`RUN ls -la /out | wc -l > /out/etc/count-${i}.txt`);
    else runs.push(`RUN find /out -type f -name '*.conf' | sort | head -n ${i} > /dev/null`);
  }
  const copies = Array.from({ length: TOOLS }, (_, i) => `COPY --from=build /out/${toolName(i + 1)} /usr/local/bin/${toolName(i + 1)}`);
  return `# Benchmark input: a Go service and its tools, built in one stage, shipped in scratch.
FROM golang:1.22 AS build
ARG VERSION=1.0.0
ENV GOFLAGS=-mod=readonly
WORKDIR /src
COPY go.mod ./
${runs[0]}
COPY . .
${runs.slice(1).join('\n')}

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=build /out/app /app
${copies.join('\n')}
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/app"]
`;
}

export function goProject(): GoProject {
  const files: Record<string, string> = {
    'go.mod': `module ${MODULE}\n\ngo 1.22\n`,
    Makefile: makefile(),
    'scripts/build.sh': buildScript(),
    'cmd/app/main.go': mainFile('app', [PACKAGES - 1, PACKAGES - 2, 0]),
  };
  for (let t = 1; t <= TOOLS; t++) files[`cmd/${toolName(t)}/main.go`] = mainFile(toolName(t), [(t * 7) % PACKAGES, (t * 3) % PACKAGES]);
  for (let i = 0; i < PACKAGES; i++) {
    const dir = `pkg/${pkgName(i)}`;
    files[`${dir}/${pkgName(i)}.go`] = corePackageFile(i);
    files[`${dir}/store.go`] = storeFile(i);
    files[`${dir}/http.go`] = httpFile(i);
  }
  return { dockerfile: dockerfile(), files };
}

/** The same project with every text made new (a marker comment), so no cache knows it. */
export function freshCopy(project: GoProject, marker: string): GoProject {
  const files: Record<string, string> = {};
  for (const [file, text] of Object.entries(project.files)) {
    files[file] = file.endsWith('.go') || file === 'go.mod' ? `${text}// ${marker}\n` : `${text}# ${marker}\n`;
  }
  return { dockerfile: project.dockerfile.replace(/^RUN /gm, `RUN : ${marker} && `), files };
}
