import { dirname, extname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  type BuildRecord,
  computeBuildKey,
  fileExists,
  isUpToDate,
  readBuildRecord,
  sha256Hex,
  writeBuildRecord,
  writeFileAtomic,
} from "./build_cache.ts";
import { bundleForBrowser, fileUrl, localModuleGraph } from "./deno_cli.ts";
import { ISLAND_NAME_PATTERN, type IslandManifest, OUTPUT_FILE_PATTERN } from "./manifest.ts";

/** Options of `buildIslands`. */
interface BuildIslandsOptions {
  /** Folder whose `*.tsx`/`*.ts` files are the islands; each must `export default` its component. */
  islandsDir: string;
  /** Folder the chunks and `manifest.json` go to; owned by the build, e.g. `static/build`. */
  outDir: string;
  /** URL path `outDir` is served at; defaults to `/static/build/`. */
  publicPath?: string;
  /** The deno.json whose import map the islands use; defaults to the nearest one above the working dir. */
  config?: string;
}

// Bump when the output layout or the entry files change, so old caches are not trusted.
const BUILD_FORMAT = 1;
const RUNTIME = fileURLToPath(new URL("./client.ts", import.meta.url));
const ISLAND_EXTENSIONS = [".tsx", ".ts", ".jsx", ".js"];

/**
 * Bundles the runtime and one chunk per island with shared code split out, gives every file a
 * content-hashed name in `outDir`, and returns their URLs; skips the work when no input changed.
 */
export async function buildIslands(options: BuildIslandsOptions): Promise<IslandManifest> {
  const outDir = resolve(options.outDir);
  const config = options.config ? resolve(options.config) : await findConfig(Deno.cwd());
  const islands = await listIslands(resolve(options.islandsDir));
  const settings = {
    format: BUILD_FORMAT,
    deno: Deno.version.deno,
    publicPath: withTrailingSlash(options.publicPath ?? "/static/build/"),
    islands: Object.fromEntries(islands),
    config,
  };
  const previous = await readBuildRecord(outDir);
  if (previous && await isUpToDate(previous, settings, outDir)) return previous.manifest;

  const work = await Deno.makeTempDir({ prefix: "islands_build_" });
  try {
    const entries = await writeEntries(join(work, "entries"), islands);
    const inputs = await buildInputs(work, entries, config);
    const key = await computeBuildKey(settings, inputs);
    await bundleForBrowser(entries.map((entry) => entry.path), join(work, "out"), config);
    const record = await publish(
      join(work, "out"),
      outDir,
      new Map(entries.map((entry) => [entry.base, entry.island])),
      { key, inputs, publicPath: settings.publicPath },
    );
    await removeStaleFiles(outDir, previous, record);
    return record.manifest;
  } finally {
    await Deno.remove(work, { recursive: true });
  }
}

/** Maps each island's name (its file's base name) to its absolute path. */
async function listIslands(islandsDir: string): Promise<Map<string, string>> {
  const islands = new Map<string, string>();
  for await (const entry of Deno.readDir(islandsDir)) {
    const extension = extname(entry.name);
    const name = entry.name.slice(0, -extension.length);
    if (!entry.isFile || !ISLAND_EXTENSIONS.includes(extension) || /[._]test$/.test(name)) continue;
    if (!ISLAND_NAME_PATTERN.test(name)) {
      throw new Error(`Island file ${entry.name} needs a name like TicketEditor`);
    }
    if (islands.has(name)) throw new Error(`Two island files are named ${name} in ${islandsDir}`);
    islands.set(name, join(islandsDir, entry.name));
  }
  return new Map([...islands].sort(([a], [b]) => a < b ? -1 : 1));
}

/** One generated entry file: its path, its output base name, and the island it exports (null: runtime). */
interface Entry {
  path: string;
  base: string;
  island: string | null;
}

/**
 * Writes one tiny entry per island plus the runtime's, all in one folder so the bundler's output is flat
 * and every chunk import is a plain `./chunk-….js`.
 */
async function writeEntries(dir: string, islands: Map<string, string>): Promise<Entry[]> {
  await Deno.mkdir(dir, { recursive: true });
  const entries: Entry[] = [{ path: join(dir, "runtime.ts"), base: "runtime", island: null }];
  await Deno.writeTextFile(entries[0].path, `export { boot } from ${JSON.stringify(fileUrl(RUNTIME))};\n`);
  for (const [name, path] of islands) {
    // Prefixed, so that an island called "runtime" cannot overwrite the runtime's entry.
    const entry = { path: join(dir, `island_${name}.ts`), base: `island_${name}`, island: name };
    await Deno.writeTextFile(entry.path, `export { default } from ${JSON.stringify(fileUrl(path))};\n`);
    entries.push(entry);
  }
  return entries;
}

/** Lists every local file the bundle depends on, so editing a component an island imports rebuilds too. */
async function buildInputs(work: string, entries: Entry[], config?: string): Promise<string[]> {
  const graph = join(work, "graph.ts");
  await Deno.writeTextFile(
    graph,
    entries.map((e) => `import ${JSON.stringify(fileUrl(e.path))};\n`).join(""),
  );
  const files = (await localModuleGraph(graph, config)).filter((file) => !file.startsWith(work));
  if (config) files.push(config, join(dirname(config), "deno.lock"));
  return files;
}

/**
 * Copies the bundle into `outDir`, renaming entries to content-hashed names, and records the build.
 * `entries` maps each entry's output base name to its island name, or null for the runtime.
 */
async function publish(
  bundleDir: string,
  outDir: string,
  entries: Map<string, string | null>,
  record: Omit<BuildRecord, "files" | "manifest"> & { publicPath: string },
): Promise<BuildRecord> {
  await Deno.mkdir(outDir, { recursive: true });
  const manifest: IslandManifest = { runtime: "", islands: {} };
  const files: string[] = [];
  for (const file of await listFiles(bundleDir)) {
    const data = await Deno.readFile(join(bundleDir, file));
    const base = file.replace(/\.js$/, "");
    let name = file;
    // Chunks already carry a content hash; entries don't, and nothing imports them, so renaming is safe.
    if (entries.has(base)) {
      const island = entries.get(base);
      name = `${island ?? "runtime"}-${(await sha256Hex(data)).slice(0, 12)}.js`;
      if (island) manifest.islands[island] = record.publicPath + name;
      else manifest.runtime = record.publicPath + name;
    }
    // Same name means same content, so a file left by an earlier build can stay as it is.
    if (!await fileExists(join(outDir, name))) await writeFileAtomic(join(outDir, name), data);
    files.push(name);
  }
  const result = { key: record.key, inputs: record.inputs, files: files.sort(), manifest };
  await writeBuildRecord(outDir, result);
  return result;
}

/** Lists the bundler's output in a stable order; it must be flat for the relative chunk imports to hold. */
async function listFiles(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.isFile) throw new Error(`deno bundle wrote a folder (${entry.name}); expected flat output`);
    names.push(entry.name);
  }
  return names.sort();
}

/** Deletes what the previous build wrote and this one no longer uses; nothing else in `outDir` is touched. */
async function removeStaleFiles(outDir: string, previous: BuildRecord | null, current: BuildRecord) {
  const keep = new Set(current.files);
  for (const file of previous?.files ?? []) {
    // The record is read from disk, so only names this build could have made are deleted.
    if (keep.has(file) || !OUTPUT_FILE_PATTERN.test(file)) continue;
    await Deno.remove(join(outDir, file)).catch(() => {});
  }
}

async function findConfig(from: string): Promise<string | undefined> {
  for (let dir = resolve(from);; dir = dirname(dir)) {
    for (const name of ["deno.json", "deno.jsonc"]) {
      if (await fileExists(join(dir, name))) return join(dir, name);
    }
    if (dirname(dir) === dir) return undefined;
  }
}

function withTrailingSlash(path: string): string {
  return path.endsWith("/") ? path : `${path}/`;
}

// As a script, the build step of a deployment (`deno task build`): bundles once where spawning and writing
// are allowed, so the servers only read the result.
if (import.meta.main) {
  const usage = "usage: deno run -A lib/islands/build.ts ISLANDS_DIR OUT_DIR [--config deno.json]";
  const { values, positionals } = parseArgs({
    args: Deno.args,
    options: { config: { type: "string" } },
    allowPositionals: true,
  });
  if (positionals.length !== 2) {
    console.error(usage);
    Deno.exit(2);
  }
  const [islandsDir, outDir] = positionals;
  try {
    const manifest = await buildIslands({ islandsDir, outDir, config: values.config });
    const islands = Object.keys(manifest.islands);
    console.log(
      `island chunks ready in ${relative(Deno.cwd(), resolve(outDir)) || "."}/: the runtime and ` +
        `${islands.length} islands (${islands.join(", ")})`,
    );
  } catch (error) {
    console.error(`build failed: ${error instanceof Error ? error.message : error}`);
    Deno.exit(1);
  }
}
