// What GNU make knows without a Makefile: default variables and the C/C++ pattern rules.
import type { PatternRule } from './database';

/** make's built-in variables that matter for what recipes run (the rest expand to nothing). */
export const DEFAULTS: Record<string, string> = {
  MAKE: 'make',
  SHELL: '/bin/sh',
  CC: 'cc',
  CXX: 'g++',
  CPP: '$(CC) -E',
  AR: 'ar',
  ARFLAGS: 'rv',
  AS: 'as',
  LD: 'ld',
  RM: 'rm -f',
  OUTPUT_OPTION: '-o $@',
  'COMPILE.c': '$(CC) $(CFLAGS) $(CPPFLAGS) $(TARGET_ARCH) -c',
  'COMPILE.cc': '$(CXX) $(CXXFLAGS) $(CPPFLAGS) $(TARGET_ARCH) -c',
  'COMPILE.cpp': '$(COMPILE.cc)',
  'LINK.c': '$(CC) $(CFLAGS) $(CPPFLAGS) $(LDFLAGS) $(TARGET_ARCH)',
  'LINK.cc': '$(CXX) $(CXXFLAGS) $(CPPFLAGS) $(LDFLAGS) $(TARGET_ARCH)',
  'LINK.cpp': '$(LINK.cc)',
  'LINK.o': '$(CC) $(LDFLAGS) $(TARGET_ARCH)',
};

/** make's built-in pattern rules for C and C++ (suffix rules), in the order make tries them. */
const BUILTIN_RECIPES: { target: string; prerequisite: string; recipe: string }[] = [
  { target: '%.o', prerequisite: '%.c', recipe: '$(COMPILE.c) $(OUTPUT_OPTION) $<' },
  { target: '%.o', prerequisite: '%.cc', recipe: '$(COMPILE.cc) $(OUTPUT_OPTION) $<' },
  { target: '%.o', prerequisite: '%.cpp', recipe: '$(COMPILE.cpp) $(OUTPUT_OPTION) $<' },
  { target: '%', prerequisite: '%.o', recipe: '$(LINK.o) $^ $(LOADLIBES) $(LDLIBS) -o $@' },
  { target: '%', prerequisite: '%.c', recipe: '$(LINK.c) $^ $(LOADLIBES) $(LDLIBS) -o $@' },
  { target: '%', prerequisite: '%.cc', recipe: '$(LINK.cc) $^ $(LOADLIBES) $(LDLIBS) -o $@' },
  { target: '%', prerequisite: '%.cpp', recipe: '$(LINK.cpp) $^ $(LOADLIBES) $(LDLIBS) -o $@' },
];

// A negative start marks recipe text that is not in any file.
export const BUILTIN_RULES: readonly PatternRule[] = BUILTIN_RECIPES.map((rule) => ({
  targets: [rule.target],
  patterns: [rule.target],
  prerequisites: [rule.prerequisite],
  orderOnly: [],
  recipe: [{ text: rule.recipe, start: -1_000_000 }],
  file: undefined,
  line: undefined,
  double: false,
}));
