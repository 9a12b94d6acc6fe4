// Makefiles: what `make` runs (variables, rules, goals, includes) and the build
// commands its recipes hold, with locations in the Makefile.
import { test, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { loadGrammars } from '../../server/src/parse/grammars';
import { parseDockerfile } from '../../server/src/parse/dockerfile';
import { extractFacts } from '../../server/src/facts/extract';
import { extractBuilds, type BuildCommand, type BuildFacts } from '../../server/src/facts/builds';
import { makefileParseCount, recipeLocation, recipeOrigins, recipeRange, runMake, UNKNOWN, type MakeRequest, type MakeRun } from '../../server/src/facts/makefile';
import { stageFile } from '../../server/src/facts/scripts';
import { memoryContext } from '../../server/src/context/build-context';

before(() => loadGrammars(['bash', 'make']));

/** Runs make in /src over files copied there (keys are context paths). */
function make(files: Record<string, string>, request: Partial<MakeRequest> = {}): MakeRun | undefined {
  const context = memoryContext(files);
  const stage = new Map(Object.keys(files).map((file) => [`/src/${file}`, file]));
  const makeFiles = { read: (stagePath: string) => stageFile(context, stage, stagePath), exists: (stagePath: string) => stage.has(stagePath) };
  return runMake({ dir: '/src', file: undefined, targets: [], commandLine: new Map(), env: new Map(), ...request }, makeFiles);
}

function lines(files: Record<string, string>, request: Partial<MakeRequest> = {}): string[] {
  const run = make(files, request);
  assert.ok(run, 'the Makefile is visible');
  return run.lines.map((line) => line.text);
}

function analyse(dockerfile: string, files: Record<string, string>, dockerfileDir = ''): BuildFacts {
  const doc = parseDockerfile(dockerfile);
  const facts = extractFacts(doc);
  return extractBuilds(doc, facts.stages, facts.target, facts.copyLinks, memoryContext(files, dockerfileDir));
}

function derived(dockerfile: string, files: Record<string, string>, dockerfileDir = ''): BuildCommand[] {
  return analyse(dockerfile, files, dockerfileDir).builds.filter((build) => build.via !== undefined);
}

const GO_STAGE = 'FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\n';

describe('variables', () => {
  test('recursive `=` binds late, `:=` at once', () => {
    const mk = 'A = $(B)\nC := $(B)\nB = late\nall:\n\techo $(A) [$(C)]\n';
    assert.deepEqual(lines({ Makefile: mk }), ['echo late []']);
  });

  test('`?=` keeps a value from the environment or an earlier assignment, sets it otherwise', () => {
    const mk = 'A ?= default\nB ?= default\nC = first\nC ?= second\nall:\n\techo $(A) $(B) $(C)\n';
    assert.deepEqual(lines({ Makefile: mk }, { env: new Map([['A', 'env']]) }), ['echo env default first']);
  });

  test('`+=` appends, keeping the flavour; on an unset variable it is `=`', () => {
    const mk = 'S := $(X)\nS += $(X)\nR = $(X)\nR += $(X)\nN += new\nX = x\nall:\n\techo [$(S)] [$(R)] [$(N)]\n';
    assert.deepEqual(lines({ Makefile: mk }), ['echo [] [x x] [new]']);
  });

  test('a Makefile assignment overrides the environment; the command line overrides both unless `override`', () => {
    const mk = 'A = file\nB = file\noverride C = forced\nall:\n\techo $(A) $(B) $(C)\n';
    const env = new Map([['A', 'env']]);
    const commandLine = new Map([['B', 'cli'], ['C', 'cli']]);
    assert.deepEqual(lines({ Makefile: mk }, { env, commandLine }), ['echo file cli forced']);
  });

  test('`!=`, `$(shell …)` and an environment variable without a value are unknown', () => {
    const run = make({ Makefile: 'V != git describe\nW := $(shell date)\nall:\n\techo $(V) $(W) $(U)\n' }, { env: new Map([['U', undefined]]) });
    assert.equal(run?.lines[0].text, `echo ${UNKNOWN} ${UNKNOWN} ${UNKNOWN}`);
  });

  test('define, substitution references, functions and $(CURDIR)', () => {
    const mk = [
      'SRC = a.c b.c',
      'OBJ = $(SRC:.c=.o)',
      'define GREETING',
      'hello there',
      'endef',
      'all:',
      '\techo $(OBJ) $(patsubst %.c,%,$(SRC)) $(addprefix bin/,$(notdir x/y)) $(if $(SRC),yes,no) $(CURDIR) $(GREETING)',
      '',
    ].join('\n');
    assert.deepEqual(lines({ Makefile: mk }), ['echo a.o b.o a b bin/y yes /src hello there']);
  });

  test('a variable defined through itself is unknown, not a hang', () => {
    const run = make({ Makefile: 'A = $(A) x\nall:\n\techo $(A)\n' });
    assert.ok(run?.lines[0].text.includes(UNKNOWN));
  });

  test('comments and continuation lines in values', () => {
    const mk = 'FLAGS = -a \\\n\t-b # not part of it\nall:\n\techo $(FLAGS)|\n';
    assert.deepEqual(lines({ Makefile: mk }), ['echo -a -b |']);
  });

  test('target-specific variables apply to the target and what it makes', () => {
    const mk = 'LDFLAGS = -s\nrelease: LDFLAGS += -static\nrelease: app\napp:\n\tcc -o app main.c $(LDFLAGS)\n';
    assert.deepEqual(lines({ Makefile: mk }, { targets: ['release'] }), ['cc -o app main.c -s -static']);
    assert.deepEqual(lines({ Makefile: mk }, { targets: ['app'] }), ['cc -o app main.c -s']);
    const exported = make({ Makefile: 'app: export CGO_ENABLED = 0\napp:\n\tgo build -o app .\n' });
    assert.equal(exported?.lines[0].env.get('CGO_ENABLED'), '0');
  });
});

describe('conditionals and includes', () => {
  test('ifeq / ifdef / else pick a branch by the values read so far', () => {
    const mk = 'ifeq ($(MODE),static)\nLDFLAGS = -static\nelse ifdef DEBUG\nLDFLAGS = -g\nelse\nLDFLAGS = -O2\nendif\nall:\n\tcc -o app main.c $(LDFLAGS)\n';
    assert.deepEqual(lines({ Makefile: mk }, { commandLine: new Map([['MODE', 'static']]) }), ['cc -o app main.c -static']);
    assert.deepEqual(lines({ Makefile: mk }, { env: new Map([['DEBUG', '1']]) }), ['cc -o app main.c -g']);
    assert.deepEqual(lines({ Makefile: mk }), ['cc -o app main.c -O2']);
  });

  test('an undecidable condition leaves what its branches set unknown', () => {
    const mk = 'LDFLAGS = -s\nifeq ($(shell uname),Linux)\nLDFLAGS += -static\nendif\nall:\n\tcc -o app main.c $(LDFLAGS)\n';
    assert.deepEqual(lines({ Makefile: mk }), [`cc -o app main.c ${UNKNOWN}`]);
  });

  test('include reads another Makefile the stage has; a missing -include is skipped', () => {
    const files = { Makefile: 'include common.mk\n-include local.mk\nall:\n\techo $(FROM_COMMON)\n', 'common.mk': 'FROM_COMMON = shared\n' };
    assert.deepEqual(lines(files), ['echo shared']);
  });
});

describe('rules and goals', () => {
  test('the default goal is the first ordinary target; prerequisites run first', () => {
    const mk = '.PHONY: all\n%.o: %.c\n\tcc -c $< -o $@\nall: app\napp: main.o util.o\n\tcc -o $@ $^\nclean:\n\trm -f app\n';
    assert.deepEqual(lines({ Makefile: mk, 'main.c': '', 'util.c': '' }), ['cc -c main.c -o main.o', 'cc -c util.c -o util.o', 'cc -o app main.o util.o']);
  });

  test('.DEFAULT_GOAL and explicit targets', () => {
    const mk = 'first:\n\techo first\nsecond:\n\techo second\n.DEFAULT_GOAL := second\n';
    assert.deepEqual(lines({ Makefile: mk }), ['echo second']);
    assert.deepEqual(lines({ Makefile: mk }, { targets: ['first', 'second'] }), ['echo first', 'echo second']);
  });

  test('automatic variables: $@ $< $^ $+ $(@D) $(@F) $*', () => {
    const mk = 'bin/app: main.c util.c main.c\n\techo $@ $< $^ | $+ | $(@D) $(@F)\n%.x: %.y\n\techo $* $<\n';
    assert.deepEqual(lines({ Makefile: mk }), ['echo bin/app main.c main.c util.c | main.c util.c main.c | bin app']);
    assert.deepEqual(lines({ Makefile: mk, 'a.y': '' }, { targets: ['a.x'] }), ['echo a a.y']);
  });

  test('static pattern rules and `::` rules', () => {
    const mk = 'OBJS = a.o b.o\napp: $(OBJS)\n\tcc -o $@ $^\n$(OBJS): %.o: %.c\n\tcc -c $< -o $@\nlog::\n\techo one\nlog::\n\techo two\n';
    assert.deepEqual(lines({ Makefile: mk }), ['cc -c a.c -o a.o', 'cc -c b.c -o b.o', 'cc -o app a.o b.o']);
    assert.deepEqual(lines({ Makefile: mk }, { targets: ['log'] }), ['echo one', 'echo two']);
  });

  test('built-in rules: `make hello` with hello.c and no Makefile; `app: app.o` without a recipe', () => {
    assert.deepEqual(lines({ 'hello.c': '' }, { targets: ['hello'], env: new Map([['LDFLAGS', '-static']]) }), ['cc   -static  hello.c   -o hello']);
    const run = make({ Makefile: 'CC = gcc\nLDFLAGS = -static\napp: app.o\n', 'app.c': '' });
    assert.deepEqual(
      run?.lines.map((line) => line.text),
      ['gcc    -c -o app.o app.c', 'gcc -static  app.o   -o app'],
    );
    // Built-in commands are written nowhere: no word range, and the command is placed on the rule line that asked for it.
    assert.equal(recipeRange(run!.lines[1], 0, 3), undefined);
    assert.deepEqual(recipeLocation(run!.lines[1], 0, 3), { start: { line: 2, character: 0 }, end: { line: 2, character: 10 } });
    assert.deepEqual(
      recipeOrigins(run!.lines[1], 0, run!.lines[1].text.length).map((origin) => [origin.variable, origin.source]),
      [['LINK.o', 'default'], ['CC', 'makefile'], ['LDFLAGS', 'makefile'], ['TARGET_ARCH', 'undefined'], ['LOADLIBES', 'undefined'], ['LDLIBS', 'undefined']],
    );
  });

  test('recursion through prerequisites ends (a target that depends on itself)', () => {
    assert.deepEqual(lines({ Makefile: 'a: b\n\techo a\nb: a\n\techo b\n' }), ['echo b', 'echo a']);
  });

  test('-f names the Makefile; a missing one is not visible', () => {
    assert.deepEqual(lines({ 'build.mk': 'x:\n\techo x\n' }, { file: 'build.mk' }), ['echo x']);
    assert.equal(make({ Makefile: 'x:\n\techo x\n' }, { file: 'other.mk' }), undefined);
    assert.equal(make({ 'main.c': '' }), undefined);
  });

  test('.ONESHELL joins a recipe into one script', () => {
    assert.deepEqual(lines({ Makefile: '.ONESHELL:\nall:\n\tcd sub\n\tgo build -o app .\n' }), ['cd sub\ngo build -o app .']);
  });

  test('exported variables: from the environment and command line, `export`, `export` alone', () => {
    const run = make({ Makefile: 'export CGO_ENABLED = 0\nPLAIN = 1\nFROM_ENV = changed\nall:\n\tgo build\n' }, { env: new Map([['FROM_ENV', 'env']]), commandLine: new Map([['GOOS', 'linux']]) });
    const env = Object.fromEntries(run!.lines[0].env);
    assert.deepEqual(env, { CGO_ENABLED: '0', FROM_ENV: 'changed', GOOS: 'linux' });
    const all = make({ Makefile: 'export\nPLAIN = 1\nall:\n\tgo build\n' });
    assert.equal(all!.lines[0].env.get('PLAIN'), '1');
  });
});

describe('recipe lines map back to the Makefile', () => {
  test('ranges and variable origins', () => {
    const mk = 'LDFLAGS := -s -w\nall:\n\tgo build -ldflags "$(LDFLAGS)" -o $@ .\n';
    const line = make({ Makefile: mk })!.lines[0];
    assert.equal(line.text, 'go build -ldflags "-s -w" -o all .');
    const start = line.text.indexOf('"');
    assert.deepEqual(recipeRange(line, start, start + '"-s -w"'.length), { start: { line: 2, character: 19 }, end: { line: 2, character: 31 } });
    const [origin] = recipeOrigins(line, start, start + 7);
    assert.equal(origin.variable, 'LDFLAGS');
    assert.equal(origin.source, 'makefile');
    assert.equal(origin.operator, ':=');
    assert.deepEqual(origin.definition, { path: 'Makefile', range: { start: { line: 0, character: 11 }, end: { line: 0, character: 16 } } });
  });

  test('arbitrary text never throws', () => {
    const sample = 'A := $(B:.c=.o)\nifeq ($(A),x)\nB += $(shell x)\nendif\n%.o: %.c\n\t$(CC) -c $< -o $@\nall: a.o | b\n\t@$(MAKE) -C x $(if $(A),y)\ndefine D =\nx\nendef\ninclude $(D)\n';
    const alphabet = '$(){}:=?+!%@<^|#\\\t\n ,.-abcxy';
    let seed = 42;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
    for (let i = 0; i < 300; i++) {
      const chars = [...sample];
      for (let j = 0; j < 8; j++) chars.splice(random(chars.length), random(3), alphabet[random(alphabet.length)]);
      const text = chars.join('');
      assert.doesNotThrow(() => make({ Makefile: text, 'a.c': '' }, { targets: i % 2 ? [] : ['all', 'a.o'] }), text);
    }
  });

  test('the parse is cached by text', () => {
    const mk = 'all:\n\techo cached\n';
    make({ Makefile: mk });
    const count = makefileParseCount();
    make({ Makefile: mk });
    assert.equal(makefileParseCount(), count);
  });
});

describe('build commands from make', () => {
  test('go build in a recipe: output, ldflags, env, location and the LDFLAGS origin', () => {
    const mk = 'VERSION ?= dev\nLDFLAGS := -s -w -X main.version=$(VERSION)\n\nbuild: bin/app\n\nbin/app:\n\tgo build -ldflags "$(LDFLAGS)" -o $@ ./cmd/app\n';
    const dockerfile = GO_STAGE + 'RUN CGO_ENABLED=0 make build\nFROM scratch\nCOPY --from=build /src/bin/app /app\n';
    const facts = analyse(dockerfile, { Makefile: mk, 'cmd/app/main.go': 'package main\n' });
    const [makeBuild, goBuild] = facts.builds;
    assert.equal(makeBuild.kind, 'indirect');
    assert.equal(makeBuild.indirect?.source, 'Makefile');
    assert.deepEqual(makeBuild.indirect?.resolved, [goBuild]);
    assert.equal(goBuild.kind, 'go-build');
    assert.equal(goBuild.output, '/src/bin/app');
    assert.equal(goBuild.ldflags, '-s -w -X main.version=dev');
    assert.equal(goBuild.env.get('CGO_ENABLED'), '0');
    assert.equal(goBuild.via, makeBuild);
    assert.deepEqual(goBuild.range, makeBuild.range, 'findings on `range` land on the RUN line');
    assert.equal(goBuild.insertAt, undefined);
    assert.deepEqual(goBuild.location, { path: 'Makefile', range: { start: { line: 6, character: 1 }, end: { line: 6, character: 47 } } });
    const ldflags = goBuild.words[3];
    assert.equal(ldflags.text, '"$(LDFLAGS)"');
    assert.equal(ldflags.path, 'Makefile');
    assert.deepEqual(ldflags.range, { start: { line: 6, character: 19 }, end: { line: 6, character: 31 } });
    assert.deepEqual(ldflags.origins?.map((origin) => [origin.variable, origin.definition?.range.start.line]), [['LDFLAGS', 1]]);
    assert.equal(goBuild.words[0].origins, undefined);
    assert.deepEqual(facts.artifacts.map((artifact) => [artifact.path, artifact.build.kind]), [['/app', 'go-build']]);
  });

  test('a C link `$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS)`: static from LDFLAGS, origins for CC and LDFLAGS', () => {
    const mk = 'CC = gcc\nCFLAGS = -O2\nLDFLAGS = -static\n\nhello: hello.c\n\t$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS)\n';
    const dockerfile = 'FROM gcc:12 AS build\nWORKDIR /src\nCOPY Makefile hello.c ./\nRUN make\nFROM scratch\nCOPY --from=build /src/hello /hello\n';
    const [link] = derived(dockerfile, { Makefile: mk, 'hello.c': 'int main(){}\n' });
    assert.equal(link.kind, 'c-link');
    assert.equal(link.tool, 'gcc');
    assert.equal(link.output, '/src/hello');
    assert.equal(link.static, true);
    assert.deepEqual(link.argv, ['gcc', '-O2', '-o', 'hello', 'hello.c', '-static']);
    const ldflags = link.variables?.find((origin) => origin.variable === 'LDFLAGS');
    assert.deepEqual(ldflags?.definition, { path: 'Makefile', range: { start: { line: 2, character: 10 }, end: { line: 2, character: 17 } } });
    assert.deepEqual(link.words[0].origins?.map((origin) => origin.source), ['makefile']);
    assert.deepEqual(link.words[0].range, { start: { line: 5, character: 1 }, end: { line: 5, character: 6 } });
  });

  test('without -static, an empty LDFLAGS still names its definition; an absent one is `undefined`', () => {
    const dockerfile = 'FROM gcc:12\nWORKDIR /src\nCOPY . .\nRUN make\n';
    const [withEmpty] = derived(dockerfile, { Makefile: 'LDFLAGS =\napp: main.c\n\tcc -o $@ $^ $(LDFLAGS)\n' });
    assert.equal(withEmpty.static, false);
    const origin = withEmpty.variables?.find((o) => o.variable === 'LDFLAGS');
    assert.equal(origin?.source, 'makefile');
    assert.deepEqual(origin?.definition?.range, { start: { line: 0, character: 9 }, end: { line: 0, character: 9 } });
    const [withoutAny] = derived(dockerfile, { Makefile: 'app: main.c\n\tcc -o $@ $^ $(LDFLAGS)\n' });
    assert.deepEqual(withoutAny.variables, [{ variable: 'LDFLAGS', source: 'undefined' }]);
  });

  test('`make -C dir target` and `-f`: the Makefile in that directory, recipes run there', () => {
    const files = { 'app/Makefile': 'app:\n\tgo build -o bin/$@ .\n', 'tools/build.mk': 'tool:\n\tgo build -o /out/tool ./cmd/tool\n' };
    const dockerfile = GO_STAGE + 'RUN make -C app app && make -f tools/build.mk tool\n';
    const [app, tool] = derived(dockerfile, files);
    assert.equal(app.output, '/src/app/bin/app');
    assert.equal(app.cwd, '/src/app');
    assert.equal(app.location?.path, 'app/Makefile');
    assert.equal(tool.output, '/out/tool');
    assert.equal(tool.location?.path, 'tools/build.mk');
  });

  test('the environment reaches the recipes: ENV, ARG default, inline, `?=` keeps it, command-line variables', () => {
    const mk = 'CGO_ENABLED ?= 1\nGOFLAGS = -trimpath\nall:\n\tgo build $(GOFLAGS) -o app .\n';
    const dockerfile = GO_STAGE + 'ARG CGO_ENABLED=0\nENV GOOS=linux\nRUN make GOFLAGS=-a\n';
    const [build] = derived(dockerfile, { Makefile: mk });
    assert.equal(build.env.get('CGO_ENABLED'), '0');
    assert.equal(build.env.get('GOOS'), 'linux');
    assert.equal(build.env.get('GOFLAGS'), '-a');
    assert.equal(build.flags.get('a'), 'true');
  });

  test('exec-form `RUN ["make", "build"]`, and `go env -w` settings reaching the go command inside make', () => {
    const mk = 'build:\n\tgo build -o /out/app .\n';
    const [build] = derived(GO_STAGE + 'RUN go env -w CGO_ENABLED=0\nRUN ["make", "build"]\n', { Makefile: mk });
    assert.equal(build.output, '/out/app');
    assert.equal(build.env.get('CGO_ENABLED'), '0');
  });

  test('a Makefile `CGO_ENABLED = 0` without export is not seen by go; `export` and a recipe prefix are', () => {
    const dockerfile = GO_STAGE + 'RUN make\n';
    const plain = derived(dockerfile, { Makefile: 'CGO_ENABLED = 0\nall:\n\tgo build -o app .\n' });
    assert.equal(plain[0].env.has('CGO_ENABLED'), false);
    const exported = derived(dockerfile, { Makefile: 'export CGO_ENABLED = 0\nall:\n\tgo build -o app .\n' });
    assert.equal(exported[0].env.get('CGO_ENABLED'), '0');
    const prefixed = derived(dockerfile, { Makefile: 'CGO_ENABLED = 0\nall:\n\tCGO_ENABLED=$(CGO_ENABLED) go build -o app .\n' });
    assert.equal(prefixed[0].env.get('CGO_ENABLED'), '0');
  });

  test('`cd dir && go build` in a recipe, and a recursive $(MAKE) -C sub with command-line variables passed down', () => {
    const files = { Makefile: 'all:\n\tcd cmd/app && go build -o ../../bin/app .\n\t$(MAKE) -C sub\n', 'sub/Makefile': 'sub:\n\tcc -o sub main.c $(LDFLAGS)\n' };
    const dockerfile = 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN make LDFLAGS=-static\n';
    const builds = analyse(dockerfile, files).builds;
    assert.deepEqual(builds.map((b) => b.kind), ['indirect', 'go-build', 'indirect', 'c-link']);
    assert.equal(builds[1].output, '/src/bin/app');
    assert.equal(builds[3].output, '/src/sub/sub');
    assert.equal(builds[3].static, true);
    assert.equal(builds[3].via, builds[0], 'via is the RUN-level make');
    assert.deepEqual(builds[2].indirect?.resolved, [builds[3]]);
  });

  test('a Makefile calling make on itself ends', () => {
    const dockerfile = GO_STAGE + 'RUN make\n';
    const builds = analyse(dockerfile, { Makefile: 'all:\n\t$(MAKE) all\n\tgo build -o app .\n' }).builds;
    assert.ok(builds.length > 2 && builds.length < 40);
  });

  test('a built-in rule: the link is placed on the target\'s rule line, its LDFLAGS origin still names the definition', () => {
    const dockerfile = 'FROM gcc:12\nWORKDIR /src\nCOPY . .\nRUN make\n';
    const builds = derived(dockerfile, { Makefile: 'LDFLAGS =\napp: app.o\n', 'app.c': '' });
    assert.equal(builds.length, 1, '`cc -c` does not link');
    const [link] = builds;
    assert.equal(link.kind, 'c-link');
    assert.equal(link.output, '/src/app');
    assert.deepEqual(link.location, { path: 'Makefile', range: { start: { line: 1, character: 0 }, end: { line: 1, character: 10 } } });
    assert.equal(link.words[0].range, undefined, 'no written word to edit');
    assert.deepEqual(link.variables?.find((origin) => origin.variable === 'LDFLAGS')?.definition?.range.start, { line: 0, character: 9 });
  });

  test('a Makefile the stage did not copy is not visible', () => {
    const dockerfile = 'FROM golang:1.22\nWORKDIR /src\nCOPY main.go .\nRUN make\n';
    const [makeBuild, ...rest] = analyse(dockerfile, { Makefile: 'all:\n\tgo build -o app .\n', 'main.go': '' }).builds;
    assert.equal(makeBuild.indirect?.resolved, undefined);
    assert.deepEqual(rest, []);
  });

  test('without a build context nothing is followed', () => {
    const doc = parseDockerfile(GO_STAGE + 'RUN make\n');
    const facts = extractFacts(doc);
    assert.deepEqual(extractBuilds(doc, facts.stages, facts.target, facts.copyLinks).builds.map((b) => b.kind), ['indirect']);
  });

  test('paths are relative to the Dockerfile folder inside the context', () => {
    const dockerfile = GO_STAGE + 'RUN make\n';
    const [build] = derived(dockerfile, { 'docker/Makefile': 'all:\n\tgo build -o app .\n' }, 'docker');
    assert.equal(build, undefined, 'COPY . . copies the context root: /src/Makefile does not exist');
    const [fromRoot] = derived(dockerfile, { Makefile: 'all:\n\tgo build -o app .\n', 'docker/Dockerfile': '' }, 'docker');
    assert.equal(fromRoot.location?.path, '../Makefile');
    assert.equal(fromRoot.words[0].path, '../Makefile');
  });

  test('an edit of the Dockerfile does not parse the Makefile again', () => {
    const files = { Makefile: 'all:\n\tgo build -o app . # unique-text-for-cache-test\n' };
    derived(GO_STAGE + 'RUN make\n', files);
    const count = makefileParseCount();
    derived(GO_STAGE + 'RUN make && true\n', files);
    assert.equal(makefileParseCount(), count);
  });
});
