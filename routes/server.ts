/** The web app's process: opens the store, builds the islands, serves pages and the API. */
import { loadConfig } from "../lib/config.ts";
import { openHelpdesk } from "../lib/helpdesk.ts";
import { buildIslands } from "../lib/islands/mod.ts";
import { BUILD_DIR, DENO_CONFIG, ISLANDS_DIR } from "../lib/paths.ts";
import { createApp } from "./app.tsx";

const config = loadConfig();
const helpdesk = await openHelpdesk(config);
const manifest = await buildIslands({ islandsDir: ISLANDS_DIR, outDir: BUILD_DIR, config: DENO_CONFIG });
const app = createApp({
  helpdesk,
  manifest,
  buildDir: BUILD_DIR,
  serviceUrls: config.serviceUrls,
  allowedHosts: config.allowedHosts,
});

Deno.serve({
  hostname: config.hostname,
  port: config.port,
  onListen: ({ hostname, port }) => console.log(`web app      http://${hostname}:${port}/`),
}, app.fetch);
