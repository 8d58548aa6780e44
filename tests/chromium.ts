/**
 * Finds the Chromium the browser tests launch, and on a machine without one fetches the Chromium that the npm
 * package @sparticuz/chromium ships, so `deno task test` sets itself up with neither root nor a download step.
 */

/** The npm package whose Chromium is the last resort; pinned, like every dependency. */
const NPM_CHROMIUM = "npm:@sparticuz/chromium@153.0.0";

/** What to do when no Chromium can be had; the error then says it, with the reason. */
const INSTALL_HINT = "apt-get install chromium (as root), or set HELPDESK_CHROMIUM to a Chromium binary";

/** Where to look: everywhere (the default), or only at the npm-shipped Chromium. */
export type ChromiumSearch = "auto" | "npm-only";

/**
 * Where the Chromium for the browser tests is, looked up in this order:
 *
 * 1. `HELPDESK_CHROMIUM`, when set and not empty. It must name an existing file, else this throws an error
 *    naming the variable and the path (a typo is not silently replaced by another Chromium).
 * 2. Debian's `/usr/bin/chromium`, else `chromium` or `chromium-browser` on `PATH`.
 * 3. The Chromium of {@link NPM_CHROMIUM}: Deno fetches the package through npm on first use, and it is
 *    unpacked once per user into `$TMPDIR/helpdesk-chromium-<version>-<uid>/` (`/tmp` without `TMPDIR`)
 *    together with the NSS libraries and the font it ships. The path returned there is a small `chromium`
 *    script that points the binary at those libraries and fonts, so it also runs on a machine that has none
 *    (and anyone may launch it as a plain executable). Unpacking is done in a private folder that is renamed
 *    into place, under a lock file, so parallel test files never see a half-written binary. The outcome is
 *    cached for the process.
 *
 * If none of them works, throws one error that says what to install or set, with the reason npm failed.
 *
 * `search` defaults to the test-only override `HELPDESK_CHROMIUM_SEARCH`: `npm-only` skips steps 1 and 2,
 * so a machine that has Chromium runs the browser tests exactly as a machine without one would, e.g.
 * `HELPDESK_CHROMIUM_SEARCH=npm-only deno test -A tests/browser_tickets_test.ts`. Unset or `auto` means all
 * three steps.
 */
export async function chromiumPath(search: ChromiumSearch = searchFromEnv()): Promise<string> {
  if (search === "auto") {
    const found = givenChromium() ?? systemChromium();
    if (found) return found;
  }
  npmChromium ??= unpackNpmChromium().catch((error) => {
    throw new Error(
      `No Chromium for the browser tests: ${INSTALL_HINT}; fetching @sparticuz/chromium from npm failed: ${
        error instanceof Error ? error.message : String(error)
      }`,
    );
  });
  return await npmChromium;
}

/** The npm Chromium's path, or why it could not be had: looked up once per process. */
let npmChromium: Promise<string> | undefined;

function searchFromEnv(): ChromiumSearch {
  const value = Deno.env.get("HELPDESK_CHROMIUM_SEARCH") || "auto";
  if (value === "auto" || value === "npm-only") return value;
  throw new Error(`HELPDESK_CHROMIUM_SEARCH is "${value}"; it must be "auto" (the default) or "npm-only"`);
}

/** `HELPDESK_CHROMIUM`, checked to exist; undefined when unset. */
function givenChromium(): string | undefined {
  const path = Deno.env.get("HELPDESK_CHROMIUM");
  if (!path) return undefined;
  if (!isExecutableFile(path)) {
    throw new Error(
      `HELPDESK_CHROMIUM is set to "${path}", but that is not an executable file: point it at a Chromium ` +
        "binary, or unset it to use the system's Chromium or the one fetched from npm",
    );
  }
  return path;
}

/** Debian's Chromium, else the first `chromium` / `chromium-browser` on PATH. */
function systemChromium(): string | undefined {
  if (isExecutableFile("/usr/bin/chromium")) return "/usr/bin/chromium";
  const dirs = (Deno.env.get("PATH") ?? "").split(":").filter(Boolean);
  for (const name of ["chromium", "chromium-browser"]) {
    for (const dir of dirs) {
      if (isExecutableFile(`${dir}/${name}`)) return `${dir}/${name}`;
    }
  }
  return undefined;
}

function isExecutableFile(path: string): boolean {
  try {
    const info = Deno.statSync(path);
    return info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0;
  } catch {
    return false;
  }
}

/**
 * Runs in a separate `deno eval` whose TMPDIR is a fresh folder, where the package unpacks (`chromium`,
 * `fonts/`, the SwiftShader libraries) and where the NSS libraries it unpacks only on AWS go too (`al2023/`).
 * A separate process keeps the package out of the project's lock file and type check, and keeps the test
 * process's own TMPDIR alone.
 */
const UNPACK_SCRIPT = `
import chromium, { inflate } from "${NPM_CHROMIUM}";
const bin = new URL("../bin/", import.meta.resolve("${NPM_CHROMIUM}")).pathname;
await chromium.executablePath(bin);
await inflate(bin + "al2023.tar.br");
`;

/** Fontconfig for the npm Chromium: the system's fonts when there are any, and always the bundled Open Sans. */
const fontsConf = (dir: string) =>
  `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>${dir}/fonts</dir>
  <cachedir>${dir}/fonts-cache</cachedir>
</fontconfig>
`;

/** The launcher, beside the binary: points it at the NSS libraries and fonts unpacked with it. */
const LAUNCHER = `#!/bin/sh
# Chromium from ${NPM_CHROMIUM}, unpacked by tests/chromium.ts.
here=$(cd "$(dirname "$0")" && pwd)
LD_LIBRARY_PATH="$here/al2023/lib\${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" FONTCONFIG_FILE="$here/fonts.conf" \\
  exec "$here/chromium-bin" "$@"
`;

async function unpackNpmChromium(): Promise<string> {
  const tmp = Deno.env.get("TMPDIR") || "/tmp";
  const version = NPM_CHROMIUM.replace(/^.*@/, "");
  const dir = `${tmp}/helpdesk-chromium-${version}-${Deno.uid() ?? "user"}`;
  const exe = `${dir}/chromium`;
  if (isExecutableFile(exe)) return exe;

  // One unpacker at a time (others wait, then find it done); the rename below is what keeps it correct.
  using lock = await Deno.open(`${dir}.lock`, { create: true, write: true });
  await lock.lock(true);
  if (isExecutableFile(exe)) return exe;
  await Deno.remove(dir, { recursive: true }).catch(() => {}); // an incomplete folder, if any

  console.error(`Browser tests: unpacking the Chromium of ${NPM_CHROMIUM} into ${dir} (once)`);
  const staging = await Deno.makeTempDir({ dir: tmp, prefix: `helpdesk-chromium-${version}.partial-` });
  try {
    const unpack = await new Deno.Command(Deno.execPath(), {
      args: ["eval", "--quiet", "--no-config", "--no-lock", UNPACK_SCRIPT],
      env: { TMPDIR: staging, NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!unpack.success) {
      throw new Error(processError(unpack.stderr) || `deno eval exited with ${unpack.code}`);
    }
    await Deno.rename(`${staging}/chromium`, `${staging}/chromium-bin`);
    await Deno.writeTextFile(`${staging}/fonts.conf`, fontsConf(dir));
    await Deno.writeTextFile(`${staging}/chromium`, LAUNCHER);
    await Deno.chmod(`${staging}/chromium`, 0o755);
    const started = await new Deno.Command(`${staging}/chromium`, {
      args: ["--version"],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!started.success) {
      throw new Error(`the unpacked Chromium does not start: ${processError(started.stderr)}`);
    }
    await Deno.rename(staging, dir);
  } catch (error) {
    await Deno.remove(staging, { recursive: true }).catch(() => {});
    throw error;
  }
  return exe;
}

/** Why a process failed, from its error output: the message without backtrace or blank lines (NO_COLOR is set). */
function processError(bytes: Uint8Array): string {
  const text = new TextDecoder().decode(bytes).split(/^\s*Stack backtrace:/m)[0];
  const lines = text.split("\n").map((line) => line.trim()).filter(Boolean);
  return lines.join(" / ").slice(-600);
}

if (import.meta.main) console.log(await chromiumPath());
