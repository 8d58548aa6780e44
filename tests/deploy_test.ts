/**
 * Build once, serve anywhere: in a fresh copy of the project, `deno task build` makes the island chunks, and
 * then the web app (routes/server.ts) and the three services (services/*\/main.ts) serve every page with
 * working islands while running as a host would run them: no spawning (`--deny-run`), no writing but the KV
 * file's folder, reading only the project and that folder. Without the build the web app refuses to start
 * and says how to make it.
 */
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import type { Page } from "playwright-core";
import { launchBrowser } from "./browser_helpers.ts";
import { SERVICES } from "../lib/config.ts";

const ROOT = new URL("..", import.meta.url).pathname;
// Not part of a checkout: what the build, the store and the tests make.
const SKIP = new Set([".git", "data", "node_modules", "static/build", "tests/screenshots"]);

/** Copies the project's files (as a checkout has them) into a new temp folder; returns its path. */
async function copyProject(): Promise<string> {
  const target = await Deno.makeTempDir({ prefix: "helpdesk_deploy_" });
  async function copy(dir: string) {
    for await (const entry of Deno.readDir(join(ROOT, dir))) {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (SKIP.has(path) || /\.sqlite3?(-\w+)?$/.test(entry.name)) continue;
      if (entry.isDirectory) {
        await Deno.mkdir(join(target, path));
        await copy(path);
      } else if (entry.isFile) await Deno.copyFile(join(ROOT, path), join(target, path));
    }
  }
  await copy("");
  return target;
}

/** Every file under `dir` with its size and modification time, to show that nothing was written there. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  async function walk(path: string) {
    for await (const entry of Deno.readDir(path)) {
      const full = join(path, entry.name);
      if (entry.isDirectory) await walk(full);
      else {
        const info = await Deno.stat(full);
        files.set(relative(dir, full), `${info.size} ${info.mtime?.getTime()}`);
      }
    }
  }
  await walk(dir);
  return files;
}

function freePorts(n: number): number[] {
  const listeners = Array.from({ length: n }, () => Deno.listen({ hostname: "127.0.0.1", port: 0 }));
  const ports = listeners.map((l) => (l.addr as Deno.NetAddr).port);
  for (const l of listeners) l.close();
  return ports;
}

/**
 * The permissions an entry gets here, listed one by one: reading the project and the store's folder,
 * listening and calling on this machine, the environment, writing the store's folder and nothing else.
 */
function permissions(project: string, kvDir: string): string[] {
  return [
    "--no-prompt",
    "--deny-run",
    `--allow-read=${project},${kvDir}`,
    "--allow-net=127.0.0.1",
    "--allow-env",
    `--allow-write=${kvDir}`,
  ];
}

/** Spawns `deno run <permissions> <entry>` in the copy, its error output collected. */
function spawnEntry(project: string, kvDir: string, entry: string, env: Record<string, string>) {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...permissions(project, kvDir),
      "--config",
      join(project, "deno.json"),
      join(project, entry),
    ],
    cwd: project,
    env: { HELPDESK_KV: join(kvDir, "helpdesk.sqlite3"), HELPDESK_HOST: "127.0.0.1", ...env },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let stderr = "";
  const done = (async () => {
    for await (const text of child.stderr.pipeThrough(new TextDecoderStream())) stderr += text;
  })();
  return { child, stderr: () => stderr, done };
}

async function waitUntilUp(url: string, process: { stderr: () => string }) {
  for (let i = 0; i < 600; i++) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      await res.body?.cancel();
      if (res.ok) return;
    } catch { /* starting */ }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not come up:\n${process.stderr()}`);
}

/** `deno task build` in the copy, as a deployment's build step runs it. */
async function build(project: string) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "build"],
    cwd: project,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, `deno task build failed:\n${text}`);
  return text;
}

const REPORTER = { cookie: "helpdesk_role=reporter" };
const STAFF = { cookie: "helpdesk_role=helpdesk" };

Deno.test("[deploy] without a build the web app refuses to start in one line naming deno task build, and writes nothing", async () => {
  const project = await copyProject();
  const kvDir = await Deno.makeTempDir({ prefix: "helpdesk_deploy_kv_" });
  try {
    const before = await snapshot(project);
    const web = spawnEntry(project, kvDir, "routes/server.ts", { PORT: String(freePorts(1)[0]) });
    const { code } = await web.child.status;
    await web.done;
    assert.equal(code, 1);
    const lines = web.stderr().trim().split("\n");
    assert.equal(lines.length, 1, `one line, no stack trace:\n${web.stderr()}`);
    assert.match(lines[0], /^web app cannot start: the island chunks are not built in .*static\/build/);
    assert.match(lines[0], /manifest\.json is missing/);
    assert.match(lines[0], /Run "deno task build" first/);
    assert.deepEqual(await snapshot(project), before, "nothing written in the project");
    assert.deepEqual([...await snapshot(kvDir)], [], "no store created before the build check");
  } finally {
    await Deno.remove(project, { recursive: true });
    await Deno.remove(kvDir, { recursive: true });
  }
});

Deno.test(
  "[deploy] after deno task build, the web app and the four services serve every page with working islands under --deny-run, writing only the KV folder",
  { sanitizeOps: false, sanitizeResources: false },
  async () => {
    const project = await copyProject();
    const kvDir = await Deno.makeTempDir({ prefix: "helpdesk_deploy_kv_" });
    const processes: ReturnType<typeof spawnEntry>[] = [];
    // The shared launcher finds or fetches a Chromium, so this test also runs where none is installed.
    const browser = await launchBrowser();
    try {
      assert.match(await build(project), /island chunks ready in static\/build\//);
      const built = JSON.parse(await Deno.readTextFile(join(project, "static/build/manifest.json")));
      const before = await snapshot(project);

      const [webPort, ...servicePorts] = freePorts(SERVICES.length + 1);
      const env: Record<string, string> = { PORT: String(webPort) };
      SERVICES.forEach((s, i) => {
        env[s.portVariable] = String(servicePorts[i]);
        env[s.urlVariable] = `http://127.0.0.1:${servicePorts[i]}`;
      });
      for (const [i, service] of SERVICES.entries()) {
        const process = spawnEntry(project, kvDir, service.entry, env);
        processes.push(process);
        await waitUntilUp(`http://127.0.0.1:${servicePorts[i]}/health`, process);
      }
      const web = spawnEntry(project, kvDir, "routes/server.ts", env);
      processes.push(web);
      const url = `http://127.0.0.1:${webPort}`;
      await waitUntilUp(`${url}/`, web);

      // Every page, and every chunk the manifest names.
      const created = await fetch(`${url}/api/v1/tickets`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-helpdesk-role": "reporter" },
        body: JSON.stringify({ description: "The projector in room A12 does not detect HDMI from laptops" }),
      });
      assert.equal(created.status, 201);
      const ticket = await created.json();
      const pages: [string, Record<string, string>][] = [
        ["/", {}],
        ["/tickets", REPORTER],
        ["/tickets/new", REPORTER],
        [`/tickets/${ticket.id}`, REPORTER],
        ["/tickets", STAFF],
        [`/tickets/${ticket.id}`, STAFF],
        ["/dashboard", STAFF],
        ...["unclosed", "resolution", "active", "backlog"].map((a): [string, Record<string, string>] => [
          `/dashboard?analysis=${a}`,
          STAFF,
        ]),
      ];
      for (const [path, headers] of pages) {
        const res = await fetch(url + path, { headers });
        const html = await res.text();
        assert.equal(res.status, 200, `${path}: ${html.slice(0, 300)}`);
        if (path.startsWith("/dashboard")) {
          assert.doesNotMatch(html, /unavailable/, `${path} reaches its service`);
        }
      }
      for (const chunk of [built.manifest.runtime, ...Object.values(built.manifest.islands) as string[]]) {
        const res = await fetch(url + chunk);
        assert.equal(res.status, 200, chunk);
        assert.match(res.headers.get("content-type") ?? "", /javascript/);
        await res.body?.cancel();
      }

      // The islands, hydrated in a browser: the live thread posts a message and shows it without a reload.
      const errors: string[] = [];
      const watch = (page: Page) => {
        page.on("pageerror", (e) => errors.push(`${page.url()}: ${e.message}`));
        page.on("console", (m) => m.type() === "error" && errors.push(`${page.url()}: ${m.text()}`));
        return page;
      };
      const reporter = watch(await (await browser.newContext()).newPage());
      await reporter.goto(`${url}/`);
      await reporter.getByRole("button", { name: /^Reporter/ }).click();
      await reporter.waitForURL(/\/tickets$/);
      await reporter.goto(`${url}/tickets/${ticket.id}`);
      await reporter.locator(".live-dot").waitFor({ timeout: 10_000 });
      await reporter.evaluate(() => (window as unknown as { __same: boolean }).__same = true);
      await reporter.getByLabel("Write a message").fill("Tried two laptops, neither works");
      await reporter.getByRole("button", { name: "Send message" }).click();
      await reporter.locator(".bubble", { hasText: "Tried two laptops, neither works" }).waitFor({
        timeout: 10_000,
      });
      assert.ok(
        await reporter.evaluate(() => (window as unknown as { __same?: boolean }).__same === true),
        "posted through the island, not a form submit",
      );
      const thread = await (await fetch(`${url}/api/v1/tickets/${ticket.id}/messages`, {
        headers: { "x-helpdesk-role": "reporter" },
      })).json();
      assert.ok(JSON.stringify(thread).includes("Tried two laptops, neither works"), "the message is stored");

      // The editor saves through the API; the dashboard chart is drawn from a service's answer.
      await reporter.getByLabel("Description").fill(
        "The projector in room A12 does not detect HDMI from any laptop",
      );
      await reporter.getByRole("button", { name: "Save changes" }).click();
      await reporter.getByText("Saved.").waitFor({ timeout: 10_000 });
      const staff = watch(await (await browser.newContext()).newPage());
      await staff.goto(`${url}/`);
      await staff.getByRole("button", { name: /^Helpdesk staff/ }).click();
      await staff.waitForURL(/\/tickets$/);
      await staff.goto(`${url}/dashboard?analysis=unclosed`);
      await staff.locator(".chart svg").first().waitFor({ timeout: 10_000 });
      assert.deepEqual(errors, []);

      for (const process of processes) process.child.kill("SIGTERM");
      await Promise.all(processes.map((p) => p.child.status));
      assert.deepEqual(await snapshot(project), before, "nothing written in the project while serving");
      assert.ok((await snapshot(kvDir)).has("helpdesk.sqlite3"), "the store is in its folder");
      for (const process of processes) {
        assert.doesNotMatch(process.stderr(), /NotCapable|PermissionDenied|Requires \w+ access/);
      }
    } finally {
      for (const process of processes) {
        try {
          process.child.kill("SIGKILL");
        } catch { /* already stopped */ }
      }
      await browser.close();
      await Deno.remove(project, { recursive: true });
      await Deno.remove(kvDir, { recursive: true });
    }
  },
);
