/** Browser test fixtures: the real web app on a random port with built islands, and headless Chromium. */
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import type { Config } from "../lib/config.ts";
import { openStore } from "../lib/data/mod.ts";
import { createHelpdesk } from "../lib/helpdesk.ts";
import { buildIslands } from "../lib/islands/mod.ts";
import { DENO_CONFIG, ISLANDS_DIR } from "../lib/paths.ts";
import { createApp } from "../routes/app.tsx";
import { chromiumPath, type ChromiumSearch } from "./chromium.ts";
import { memoryDb, NO_SERVICES } from "./helpers.ts";

/** Where Chromium is (HELPDESK_CHROMIUM, the system's, else fetched from npm): see ./chromium.ts. */
export { chromiumPath };

/**
 * Starts headless Chromium, found by {@link chromiumPath}, with the flags this sandbox needs (no sandbox, no
 * background networking). `search` is {@link chromiumPath}'s (by default HELPDESK_CHROMIUM_SEARCH).
 */
export async function launchBrowser(search?: ChromiumSearch): Promise<Browser> {
  return chromium.launch({
    executablePath: await chromiumPath(search),
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/** Serves the real app (built islands, in-memory store) on a free port; `extra` can wrap or extend it. */
export async function startWebApp(options: { serviceUrls?: Config["serviceUrls"]; kv?: Deno.Kv } = {}) {
  const db = options.kv ? await openStore({ kv: options.kv }) : await memoryDb();
  const helpdesk = await createHelpdesk(db);
  // Each test process builds into its own folder, so parallel test files never share an output folder.
  const buildDir = await Deno.makeTempDir({ prefix: "helpdesk_islands_" });
  const manifest = await buildIslands({ islandsDir: ISLANDS_DIR, outDir: buildDir, config: DENO_CONFIG });
  const app = createApp({ helpdesk, manifest, buildDir, serviceUrls: options.serviceUrls ?? NO_SERVICES });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, app.fetch);
  const url = `http://127.0.0.1:${server.addr.port}`;
  return {
    url,
    db,
    helpdesk,
    async stop() {
      await server.shutdown();
      db.kv.close();
      await Deno.remove(buildDir, { recursive: true });
    },
  };
}

/** Folder for screenshots taken by the browser tests (git-ignored), for people to look at. */
export const SCREENSHOT_DIR = new URL("./screenshots/", import.meta.url).pathname;

/** Options every browser test needs: servers and streams outlive a single test step. */
export const BROWSER_TEST = { sanitizeOps: false, sanitizeResources: false };

/** Runs a browser test against a fresh web app and Chromium, and always stops both. */
export function withBrowser(
  fn: (browser: Browser, url: string, app: Awaited<ReturnType<typeof startWebApp>>) => Promise<void>,
) {
  return async () => {
    const app = await startWebApp();
    const browser = await launchBrowser();
    try {
      await fn(browser, app.url, app);
    } finally {
      await browser.close();
      await app.stop();
    }
  };
}

/** Opens the entry page in `context` and enters as `role` (optionally with a name); ends on the list. */
export async function enterAs(
  context: BrowserContext,
  url: string,
  role: "Reporter" | "Helpdesk staff",
  name = "",
): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url + "/");
  if (name) await page.getByLabel(/Your name/).fill(name);
  await page.getByRole("button", { name: new RegExp(`^${role}`) }).click();
  await page.waitForURL(/\/tickets$/);
  return page;
}

/** Files a ticket through the new-ticket form and returns the ticket page's URL (without the query). */
export async function fileTicketIn(page: Page, description: string): Promise<string> {
  await page.getByRole("link", { name: "New ticket" }).first().click();
  await page.getByLabel("What is the problem?").fill(description);
  await page.getByRole("button", { name: "File ticket" }).click();
  await page.waitForURL(/\/tickets\/[0-9A-Z]{26}/);
  return page.url().replace(/\?.*$/, "");
}

/** Calls the JSON API as a role (what a colleague's script or browser would send); returns status and body. */
export async function callApi(
  url: string,
  role: "reporter" | "helpdesk",
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  // deno-lint-ignore no-explicit-any -- test code reads whatever the API answered.
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url}/api/v1${path}`, {
    method,
    headers: {
      "x-helpdesk-role": role,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}
