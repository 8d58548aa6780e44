/**
 * `deno task check:exports`: lists every export of the app's own source files (main.ts, lib, routes,
 * islands, components, services, cli — not tests or bench) that no other file imports, as `file: name`,
 * and exits 1 when there is any. Benchmarks count as users; an export that only tests import is listed
 * under its own heading: either the app needs it and a test reaches it through the app, or it is dead code
 * with a test. A hook that exists only for tests stays exported when its JSDoc says `@testHook`.
 *
 * Why regexes and not a compiler: every import and export in this codebase is a statement at the start of
 * a line with a plain string specifier, so scanning those statements finds them all, with no download.
 * Relative specifiers are followed, also through `export *` and `export { … } from` barrels; a namespace
 * import, or a dynamic `import()` whose names are not destructured, uses every export of its module. Exempt
 * are the exports a process starts by path (the default export of a `deno serve` entry, a script's `main`)
 * and the few that generated code imports ({@link KEPT}).
 */
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

// The repository, or another tree given as the argument (to try the checker on a small example).
const ROOT = resolve(Deno.args[0] ?? join(dirname(fileURLToPath(import.meta.url)), ".."));
/** Where the app's own code lives; their exports are checked. */
const CHECKED = ["main.ts", "lib", "routes", "islands", "components", "services", "cli"];
/** Everything that may import the checked files, tests and benchmarks included. */
const IMPORTERS = [...CHECKED, "tests", "bench"];
/** Processes start these modules by path (see main.ts and deno.json), so their entry exports are used. */
const ENTRY_EXPORTS = new Set(["default", "main"]);
const isEntry = (file: string) =>
  file === "main.ts" || file === "routes/server.ts" || /^services\/[^/]+\/main\.ts$/.test(file) ||
  /^cli\/[^/]+\.ts$/.test(file);
/** Exports that generated code imports, which no import statement shows. */
const KEPT = new Map([
  // lib/islands/build.ts writes the runtime chunk's entry, `export { boot } from` client.ts.
  ["lib/islands/client.ts", new Set(["boot"])],
]);
/**
 * Findings another change in progress fixes, in a file this change leaves alone: reported, not failed on.
 * An entry that is no longer a finding fails the check, so it goes as soon as the fix lands.
 */
const isTest = (file: string) => file.startsWith("tests/") || /_test\.tsx?$/.test(file);

/** What one module exports: local names, names forwarded from another module, and `export *` sources. */
interface Exports {
  local: Set<string>;
  forwarded: Map<string, { from: string; name: string }>;
  stars: string[];
  testHooks: Set<string>;
}

/** Names one file takes from a module; "*" means every export. */
type Uses = Map<string, Set<string>>;

async function* sourceFiles(path: string): AsyncGenerator<string> {
  const info = await Deno.stat(join(ROOT, path)).catch(() => null);
  if (!info) return;
  if (info.isFile) {
    if (/\.tsx?$/.test(path)) yield path;
    return;
  }
  for await (const entry of Deno.readDir(join(ROOT, path))) yield* sourceFiles(join(path, entry.name));
}

// An import or export clause: identifiers, braces, commas, `*`, `as`, `type` — never a quote, so a match
// cannot run from one statement into the next.
const CLAUSE = String.raw`[\w$\s{},*]+?`;
const SPEC = String.raw`["']([^"']+)["']`;
const IMPORT = new RegExp(String.raw`^[ \t]*import\s+(${CLAUSE})\s+from\s*${SPEC}`, "gm");
const DYNAMIC = new RegExp(String.raw`(?:\{([^{}]*)\}\s*=\s*)?(?:await\s+)?\bimport\(\s*${SPEC}\s*\)`, "g");
const RE_EXPORT = new RegExp(String.raw`^export\s+(?:type\s+)?\{([^}]*)\}\s*from\s*${SPEC}`, "gm");
const LOCAL_LIST = /^export\s+(?:type\s+)?\{([^}]*)\}\s*;?\s*$/gm;
const STAR = new RegExp(String.raw`^export\s+\*\s+from\s*${SPEC}`, "gm");
const STAR_AS = new RegExp(String.raw`^export\s+\*\s+as\s+([\w$]+)\s+from\s*${SPEC}`, "gm");
const DECLARATION =
  /^export\s+(?:declare\s+)?(?:async\s+)?(?:function\s*\*?|abstract\s+class|class|const|let|var|interface|type|enum|namespace)\s*([\w$]+)/gm;
const DEFAULT = /^export\s+default\b/m;

/** `a, type b, c as d` → [[a, a], [b, b], [c, d]] (imported name, local name). */
function specifiers(list: string): [string, string][] {
  return list.split(",").map((s) => s.trim().replace(/^type\s+/, "")).filter(Boolean).map((s) => {
    const [name, alias] = s.split(/\s+as\s+/);
    return [name.trim(), (alias ?? name).trim()];
  });
}

/** The repository path a relative specifier names, or null for a package. */
function target(from: string, spec: string): string | null {
  if (!spec.startsWith(".")) return null;
  return relative(ROOT, resolve(ROOT, dirname(from), spec));
}

function addUse(uses: Uses, module: string | null, name: string) {
  if (module === null) return;
  if (!uses.has(module)) uses.set(module, new Set());
  uses.get(module)!.add(name);
}

function parse(file: string, text: string): { exports: Exports; uses: Uses } {
  const exports: Exports = { local: new Set(), forwarded: new Map(), stars: [], testHooks: new Set() };
  const uses: Uses = new Map();
  for (const [, clause, spec] of text.matchAll(IMPORT)) {
    const module = target(file, spec);
    const named = clause.match(/\{([^}]*)\}/);
    if (named) { for (const [name] of specifiers(named[1])) addUse(uses, module, name); }
    const outside = clause.replace(/\{[^}]*\}/, "").replace(/^\s*type\s+/, "");
    if (/\*\s*as\s/.test(outside)) addUse(uses, module, "*");
    else if (/[\w$]/.test(outside.replace(/,/g, ""))) addUse(uses, module, "default");
  }
  for (const [, names, spec] of text.matchAll(DYNAMIC)) {
    const module = target(file, spec);
    if (names === undefined) addUse(uses, module, "*");
    else for (const [name] of specifiers(names.replace(/:\s*[\w$]+/g, ""))) addUse(uses, module, name);
  }
  for (const [, list, spec] of text.matchAll(RE_EXPORT)) {
    const module = target(file, spec);
    if (module === null) continue;
    for (const [name, alias] of specifiers(list)) exports.forwarded.set(alias, { from: module, name });
  }
  for (const [, list] of text.matchAll(LOCAL_LIST)) {
    for (const [, alias] of specifiers(list)) exports.local.add(alias);
  }
  for (const [, spec] of text.matchAll(STAR)) {
    const module = target(file, spec);
    if (module !== null) exports.stars.push(module);
  }
  for (const [, name, spec] of text.matchAll(STAR_AS)) {
    exports.local.add(name);
    addUse(uses, target(file, spec), "*");
  }
  for (const match of text.matchAll(DECLARATION)) {
    exports.local.add(match[1]);
    const doc = text.slice(0, match.index).match(/\/\*\*((?:(?!\*\/)[^])*)\*\/\s*$/);
    if (doc && /@testHook\b/.test(doc[1])) exports.testHooks.add(match[1]);
  }
  if (DEFAULT.test(text)) exports.local.add("default");
  return { exports, uses };
}

const modules = new Map<string, Exports>();
const usesByFile = new Map<string, Uses>();
for (const root of IMPORTERS) {
  for await (const file of sourceFiles(root)) {
    const { exports, uses } = parse(file, await Deno.readTextFile(join(ROOT, file)));
    usesByFile.set(file, uses);
    if (CHECKED.some((c) => file === c || file.startsWith(c + "/")) && !isTest(file)) {
      modules.set(file, exports);
    }
  }
}

// Which importers (app code or tests) reach each export, following barrels to the declaring module.
const usedBy = new Map<string, { app: boolean; test: boolean }>();
function mark(module: string, name: string, test: boolean, seen = new Set<string>()) {
  const key = `${module}\0${name}`;
  if (seen.has(key)) return;
  seen.add(key);
  const exports = modules.get(module);
  if (!exports) return;
  if (name === "*") {
    for (const own of [...exports.local, ...exports.forwarded.keys()]) mark(module, own, test, seen);
    for (const star of exports.stars) mark(star, "*", test, seen);
    return;
  }
  if (exports.local.has(name) || exports.forwarded.has(name)) {
    const state = usedBy.get(key) ?? { app: false, test: false };
    state[test ? "test" : "app"] = true;
    usedBy.set(key, state);
    const forward = exports.forwarded.get(name);
    if (forward) mark(forward.from, forward.name, test, seen);
    return;
  }
  // `export *` forwards every name but the default.
  if (name !== "default") { for (const star of exports.stars) mark(star, name, test, seen); }
}
for (const [file, uses] of usesByFile) {
  for (const [module, names] of uses) {
    if (module === file) continue;
    for (const name of names) mark(module, name, isTest(file));
  }
}

const unused: string[] = [];
const testOnly: string[] = [];
for (const [file, exports] of [...modules].sort(([a], [b]) => a.localeCompare(b))) {
  for (const name of [...exports.local, ...exports.forwarded.keys()].sort()) {
    if ((isEntry(file) && ENTRY_EXPORTS.has(name)) || KEPT.get(file)?.has(name)) continue;
    const state = usedBy.get(`${file}\0${name}`);
    if (state?.app) continue;
    if (state?.test && exports.testHooks.has(name)) continue;
    (state?.test ? testOnly : unused).push(`${file}: ${name}`);
  }
}

if (unused.length > 0) console.log(`Exported but imported by no other file:\n${unused.join("\n")}`);
if (testOnly.length > 0) {
  if (unused.length > 0) console.log();
  console.log(
    `Exported but imported only by tests (mark a real test hook @testHook):\n${testOnly.join("\n")}`,
  );
}
if (unused.length + testOnly.length > 0) Deno.exit(1);
console.log("Every export is imported somewhere.");
