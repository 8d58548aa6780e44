import { fileURLToPath, pathToFileURL } from "node:url";

/** Runs the current `deno` binary with `args` and returns its stdout; throws with stderr when it fails. */
async function runDeno(args: string[]): Promise<string> {
  const output = await new Deno.Command(Deno.execPath(), {
    args,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const decoder = new TextDecoder();
  if (!output.success) {
    throw new Error(`deno ${args[0]} failed:\n${decoder.decode(output.stderr).trim()}`);
  }
  return decoder.decode(output.stdout);
}

/**
 * Bundles `entries` for the browser into `outDir`, with code shared between entries split into
 * content-hashed chunks so that preact is loaded once however many islands a page uses.
 */
export async function bundleForBrowser(entries: string[], outDir: string, config?: string): Promise<void> {
  await runDeno([
    "bundle",
    ...configArgs(config),
    "--platform=browser",
    "--code-splitting",
    "--minify",
    "--outdir",
    outDir,
    ...entries,
  ]);
}

/** Lists the local files (absolute paths) that `entry` imports, directly or not, including itself. */
export async function localModuleGraph(entry: string, config?: string): Promise<string[]> {
  const info = JSON.parse(await runDeno(["info", "--json", ...configArgs(config), entry])) as {
    modules: { specifier: string }[];
  };
  return info.modules
    .map((module) => module.specifier)
    .filter((specifier) => specifier.startsWith("file:"))
    .map((specifier) => fileURLToPath(specifier));
}

/** Returns the `file:` URL of an absolute path, for generated `import` statements. */
export function fileUrl(path: string): string {
  return pathToFileURL(path).href;
}

// An explicit config is needed: files outside the workspace (generated entries, temp fixtures) would
// otherwise not see its import map.
function configArgs(config?: string): string[] {
  return config ? ["--config", config] : [];
}
