/**
 * The web app's process, and its Deno Deploy entry: reads the island build that `deno task build` made,
 * opens the store, serves pages and the API. It never builds, spawns or writes anything but the store, so it
 * runs with `--deny-run` and write access to the KV file's folder only. A start-up failure (no build, a
 * store that cannot be opened, a taken port) is one plain line and exit code 1.
 */
import { loadConfig } from "../lib/config.ts";
import { StoreOpenError, TimeZoneMismatchError } from "../lib/data/mod.ts";
import { openHelpdesk } from "../lib/helpdesk.ts";
import { MissingBuildError, readBuiltManifest } from "../lib/islands/mod.ts";
import { BUILD_DIR } from "../lib/paths.ts";
import { createApp } from "./app.tsx";

/** Ends the process with one line for the person starting it; a stack only for what nobody expected. */
function cannotStart(error: unknown, expected = false): never {
  // The store's errors come from lib/data directly: only their type is needed here, to know they are plain.
  expected ||= error instanceof MissingBuildError || error instanceof StoreOpenError ||
    error instanceof TimeZoneMismatchError || error instanceof Deno.errors.AddrInUse;
  const message = error instanceof Error ? error.message : String(error);
  console.error(`web app cannot start: ${message}`);
  if (!expected && error instanceof Error && error.stack) console.error(error.stack);
  Deno.exit(1);
}

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  cannotStart(error, true); // a malformed setting, e.g. PORT=abc: the message names the variable
}

try {
  // The build first: it is the cheapest check, and a missing build should not open (or create) a store.
  const manifest = await readBuiltManifest(BUILD_DIR).catch((error) => {
    if (error instanceof MissingBuildError) {
      error.message += `. Run "deno task build" first (deno task start builds them itself).`;
    }
    throw error;
  });
  const helpdesk = await openHelpdesk(config);
  const app = createApp({
    helpdesk,
    manifest,
    buildDir: BUILD_DIR,
    serviceUrls: config.serviceUrls,
    allowedHosts: config.allowedHosts,
  });
  try {
    Deno.serve({
      hostname: config.hostname,
      port: config.port,
      onListen: ({ hostname, port }) => console.log(`web app      http://${hostname}:${port}/`),
    }, app.fetch);
  } catch (error) {
    if (!(error instanceof Deno.errors.AddrInUse)) throw error;
    error.message = `port ${config.port} (PORT) is already in use on ${config.hostname}: stop what uses ` +
      `it, or set PORT to a free port`;
    throw error;
  }
} catch (error) {
  cannotStart(error);
}
