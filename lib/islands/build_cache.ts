import { join } from "node:path";
import type { IslandManifest } from "./manifest.ts";

/** The file in the output directory that remembers the last build. */
const BUILD_RECORD_FILE = "manifest.json";

/** What a build leaves behind so that the next one can tell whether anything changed. */
export interface BuildRecord {
  /** Hash of the build settings and of every input file's content. */
  key: string;
  /** Absolute paths of the files the bundle was made from: the local module graph, deno.json and deno.lock. */
  inputs: string[];
  /** Names of the files this build wrote to the output directory. */
  files: string[];
  /** The manifest to hand to `renderPage`. */
  manifest: IslandManifest;
}

/** Hashes the build settings and the content of each input file; a missing file hashes as missing. */
export async function computeBuildKey(settings: unknown, inputs: string[]): Promise<string> {
  const contents = await Promise.all(
    [...inputs].sort().map(async (path) => [path, await hashFile(path)]),
  );
  return await sha256Hex(new TextEncoder().encode(JSON.stringify([settings, contents])));
}

/** Reads the last build's record from `outDir`, or returns null when there is none or it is unreadable. */
export async function readBuildRecord(outDir: string): Promise<BuildRecord | null> {
  try {
    return JSON.parse(await Deno.readTextFile(join(outDir, BUILD_RECORD_FILE))) as BuildRecord;
  } catch {
    return null;
  }
}

/** The built chunks a server needs are not in its build folder: never built, partly copied, or damaged. */
export class MissingBuildError extends Error {
  /** Says what is missing in `outDir`; the caller adds how the app builds (e.g. "run deno task build"). */
  constructor(readonly outDir: string, what: string) {
    super(`the island chunks are not built in ${outDir}: ${what}`);
    this.name = "MissingBuildError";
  }
}

/**
 * Returns the manifest of the build in `outDir` without building anything: for a server that may neither
 * spawn the bundler nor write (a hosted isolate, or `--deny-run`). Checks that every chunk it lists is
 * there, so a half-deployed build fails at start-up instead of on a visitor's first island.
 */
export async function readBuiltManifest(outDir: string): Promise<IslandManifest> {
  let text: string;
  try {
    text = await Deno.readTextFile(join(outDir, BUILD_RECORD_FILE));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new MissingBuildError(outDir, `${BUILD_RECORD_FILE} is missing`);
    }
    throw error;
  }
  let record: Partial<BuildRecord>;
  try {
    record = JSON.parse(text);
  } catch {
    throw new MissingBuildError(outDir, `${BUILD_RECORD_FILE} is not a build manifest`);
  }
  const manifest = record.manifest;
  if (!Array.isArray(record.files) || !manifest?.runtime || typeof manifest.islands !== "object") {
    throw new MissingBuildError(outDir, `${BUILD_RECORD_FILE} is not a build manifest`);
  }
  const present = await Promise.all(record.files.map((file) => fileExists(join(outDir, file))));
  const missing = record.files.filter((_, i) => !present[i]);
  if (missing.length > 0) {
    throw new MissingBuildError(outDir, `${missing.join(", ")} listed in ${BUILD_RECORD_FILE} is missing`);
  }
  return manifest;
}

/** Writes the build record atomically, so that a concurrent reader never sees half a file. */
export async function writeBuildRecord(outDir: string, record: BuildRecord): Promise<void> {
  await writeFileAtomic(
    join(outDir, BUILD_RECORD_FILE),
    new TextEncoder().encode(JSON.stringify(record, null, 2)),
  );
}

/** Tells whether `record` was built from the same settings and inputs and its files are still in `outDir`. */
export async function isUpToDate(record: BuildRecord, settings: unknown, outDir: string): Promise<boolean> {
  if (record.key !== await computeBuildKey(settings, record.inputs)) return false;
  const present = await Promise.all(record.files.map((file) => fileExists(join(outDir, file))));
  return present.every(Boolean);
}

/** Writes `data` to a temporary sibling and renames it into place. */
export async function writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
  const temporary = `${path}.${crypto.randomUUID()}.tmp`;
  await Deno.writeFile(temporary, data);
  await Deno.rename(temporary, path);
}

/** Returns the hex SHA-256 of `data`. */
export async function sha256Hex(data: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", data);
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

async function hashFile(path: string): Promise<string | null> {
  try {
    return await sha256Hex(await Deno.readFile(path));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/** Tells whether `path` is an existing file. */
export async function fileExists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}
