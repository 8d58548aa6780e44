/**
 * `deno task bench`: how close the web app runs to what the machine allows, measured in one run.
 *
 * - ticket creation through the API ÷ raw Deno KV atomic commits (same file-backed KV, 32 concurrent writers)
 * - reporter list page with N tickets stored ÷ a Hono hello-world (both separate processes, same client)
 * - p50/p99 latency of create, list page, ticket page and message post under 32 concurrent clients
 * - JavaScript bytes (gzipped) per page
 * - web app memory (RSS) with M tickets stored
 *
 * Flags: --tickets N (default 100000), --rss-tickets M (default 1000000), --seconds S per measurement (default 5).
 */
import { parseArgs } from "node:util";
import { monotonicFactory } from "ulid";
import { openDb } from "../lib/data/mod.ts";
import { createHelpdesk } from "../lib/helpdesk.ts";
import { buildIslands } from "../lib/islands/mod.ts";
import { DENO_CONFIG, ISLANDS_DIR } from "../lib/paths.ts";
import { createApp } from "../routes/app.tsx";
import { fillTickets, percentiles, progress } from "./fixtures.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    tickets: { type: "string", default: "100000" },
    "rss-tickets": { type: "string", default: "1000000" },
    seconds: { type: "string", default: "5" },
  },
});
const TICKETS = Number(values.tickets);
const RSS_TICKETS = Number(values["rss-tickets"]);
const SECONDS = Number(values.seconds);
const CLIENTS = 32;
const CONFIG = new URL("../deno.json", import.meta.url).pathname;
const here = (path: string) => new URL(path, import.meta.url).pathname;
const work = await Deno.makeTempDir({ prefix: "helpdesk_bench_" });

/** Runs `op` from `clients` concurrent loops for `seconds` (or `maxOps` calls); returns ops per second and latencies. */
async function load(
  op: (i: number) => Promise<void>,
  seconds = SECONDS,
  clients = CLIENTS,
  maxOps = Infinity,
) {
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  let count = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    while (performance.now() < end && count < maxOps) {
      const t0 = performance.now();
      await op(count++);
      latencies.push(performance.now() - t0);
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  return { perSecond: latencies.length / elapsed, ...percentiles(latencies) };
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Starts `deno run FILE` (or `deno serve FILE` with `serve: true`) on a free port and waits until it answers. */
async function spawnServer(
  args: string[],
  env: Record<string, string>,
  probe: string,
  options: { serve?: boolean } = {},
) {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: options.serve
      ? ["serve", "-A", "--config", CONFIG, "--host", "127.0.0.1", "--port", String(port), ...args]
      : ["run", "-A", "--config", CONFIG, ...args],
    env: { ...env, PORT: String(port), HELPDESK_HOST: "127.0.0.1" },
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    try {
      const res = await fetch(url + probe);
      await res.body?.cancel();
      if (res.ok) return { child, url };
    } catch { /* starting */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server ${args.join(" ")} did not start`);
}

async function drain(res: Response, expected: number) {
  await res.arrayBuffer();
  if (res.status !== expected) throw new Error(`expected ${expected}, got ${res.status}`);
}

const fmt = (n: number, digits = 2) => n.toFixed(digits);
const rows: string[] = [];
const row = (...cells: string[]) => rows.push(`| ${cells.join(" | ")} |`);

// 1. Creation through the API vs raw atomic commits, in-process, on file-backed KV.
{
  const rawKv = await Deno.openKv(`${work}/raw.sqlite3`);
  const nextId = monotonicFactory();
  const raw = await load(async () => {
    const id = nextId();
    const res = await rawKv.atomic().check({ key: ["raw", id], versionstamp: null })
      .set(["raw", id], { id, description: "The radiator in room E104 is cold" }).commit();
    if (!res.ok) throw new Error("raw commit failed");
  });
  rawKv.close();
  const db = await openDb(await Deno.openKv(`${work}/api.sqlite3`));
  const manifest = await buildIslands({
    islandsDir: ISLANDS_DIR,
    outDir: `${work}/build`,
    config: DENO_CONFIG,
  });
  const app = createApp({ helpdesk: await createHelpdesk(db), manifest, buildDir: `${work}/build` });
  const body = JSON.stringify({ description: "The radiator in room E104 is cold since Monday" });
  const api = await load(async () => {
    const res = await app.request("/api/v1/tickets", {
      method: "POST",
      headers: { "content-type": "application/json", "x-helpdesk-role": "reporter" },
      body,
    });
    await drain(res, 201);
  });
  db.kv.close();
  row(
    "ticket creation through the API ÷ raw KV atomic commits",
    `${fmt(api.perSecond, 0)} / ${fmt(raw.perSecond, 0)} per s`,
    fmt(api.perSecond / raw.perSecond),
    "≥ 0.5",
  );
}

// 2–4. The web app as its own process on a store with TICKETS tickets.
{
  const kvPath = `${work}/list.sqlite3`;
  const db = await openDb(await Deno.openKv(kvPath));
  await fillTickets(db, TICKETS, Date.now(), progress("filling the page store", TICKETS));
  db.kv.close();
  // The analytics services too, so the dashboard draws its chart as it does in production.
  const services = await Promise.all(
    ["unclosed", "resolution_time", "active_by_category"].map((name) =>
      spawnServer([here(`../services/${name}/main.ts`)], { HELPDESK_KV: kvPath }, "/health", { serve: true })
    ),
  );
  const web = await spawnServer(
    [here("../routes/server.ts")],
    {
      HELPDESK_KV: kvPath,
      HELPDESK_UNCLOSED_URL: services[0].url,
      HELPDESK_RESOLUTION_URL: services[1].url,
      HELPDESK_ACTIVE_URL: services[2].url,
    },
    "/api/v1/openapi.json",
  );
  const hello = await spawnServer([here("hello_server.ts")], {}, "/");
  const reporter = { cookie: "helpdesk_role=reporter" };
  const jsonReporter = { "content-type": "application/json", "x-helpdesk-role": "reporter" };

  const helloRate = await load(async () => await drain(await fetch(hello.url + "/"), 200));
  const list = await load(async () =>
    await drain(await fetch(web.url + "/tickets", { headers: reporter }), 200)
  );
  row(
    `reporter list page (${TICKETS.toLocaleString("en")} tickets) ÷ Hono hello-world`,
    `${fmt(list.perSecond, 0)} / ${fmt(helloRate.perSecond, 0)} per s`,
    fmt(list.perSecond / helloRate.perSecond),
    "≥ 0.10",
  );

  // Pages never asked before miss the list cache: staff pages from cursors collected through the API
  // (limit 24, so none of them is one of the 25-ticket pages the list page asks for).
  const staff = { cookie: "helpdesk_role=helpdesk" };
  const cursors: string[] = [];
  for (let cursor = ""; cursors.length < 3000;) {
    const res = await fetch(`${web.url}/api/v1/tickets?limit=24${cursor ? `&cursor=${cursor}` : ""}`, {
      headers: { "x-helpdesk-role": "helpdesk" },
    });
    const answer = await res.json();
    if (!answer.cursor) break;
    cursors.push(cursor = answer.cursor);
  }
  const miss = await load(
    async (i) => await drain(await fetch(`${web.url}/tickets?cursor=${cursors[i]}`, { headers: staff }), 200),
    SECONDS,
    CLIENTS,
    cursors.length,
  );
  row(
    `staff list page, each request a page not asked before (list cache miss)`,
    `${fmt(miss.perSecond, 0)} per s`,
    fmt(miss.perSecond / helloRate.perSecond),
    "report",
  );

  const page = await (await fetch(`${web.url}/api/v1/tickets?limit=100`, { headers: jsonReporter })).json();
  const ids: string[] = page.tickets.map((t: { id: string }) => t.id);
  const create = await load(async () =>
    await drain(
      await fetch(`${web.url}/api/v1/tickets`, {
        method: "POST",
        headers: jsonReporter,
        body: JSON.stringify({ description: "The wifi in the library keeps dropping" }),
      }),
      201,
    )
  );
  const ticketPage = await load(async (i) =>
    await drain(await fetch(`${web.url}/tickets/${ids[i % ids.length]}`, { headers: reporter }), 200)
  );
  const message = await load(async (i) =>
    await drain(
      await fetch(`${web.url}/api/v1/tickets/${ids[i % ids.length]}/messages`, {
        method: "POST",
        headers: jsonReporter,
        body: JSON.stringify({ text: "Any news on this?" }),
      }),
      201,
    )
  );
  for (
    const [name, r] of [["create (API)", create], ["list page", list], ["ticket page", ticketPage], [
      "message post (API)",
      message,
    ]] as const
  ) {
    row(
      `latency under ${CLIENTS} clients: ${name}`,
      `p50 ${fmt(r.p50)} ms, p99 ${fmt(r.p99)} ms`,
      "",
      "report",
    );
  }

  // JavaScript per page: the boot script's imports and everything they import, gzipped.
  const jsBytes = async (path: string, cookie: string) => {
    const html = await (await fetch(web.url + path, { headers: { cookie } })).text();
    const seen = new Set<string>();
    const queue = [...html.matchAll(/from"(\/static\/build\/[^"]+)"/g)].map((m) => m[1]);
    let total = 0;
    while (queue.length) {
      const url = queue.pop()!;
      if (seen.has(url)) continue;
      seen.add(url);
      const code = await (await fetch(web.url + url)).text();
      total += (await new Response(new Blob([code]).stream().pipeThrough(new CompressionStream("gzip")))
        .arrayBuffer()).byteLength;
      for (const m of code.matchAll(/from\s*"\.\/([^"]+)"|import\s*"\.\/([^"]+)"/g)) {
        queue.push(url.replace(/[^/]+$/, m[1] ?? m[2]));
      }
    }
    return total;
  };
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  row(
    "JavaScript (gzipped): reporter list page",
    kb(await jsBytes("/tickets", reporter.cookie)),
    "",
    "≤ 20 KB",
  );
  row(
    "JavaScript (gzipped): reporter ticket page",
    kb(await jsBytes(`/tickets/${ids[0]}`, reporter.cookie)),
    "",
    "≤ 20 KB",
  );
  row(
    "JavaScript (gzipped): staff dashboard",
    kb(await jsBytes("/dashboard", "helpdesk_role=helpdesk")),
    "",
    "≤ 45 KB",
  );

  for (const s of services) s.child.kill("SIGTERM");
  await Promise.all(services.map((s) => s.child.status));
  web.child.kill("SIGTERM");
  hello.child.kill("SIGTERM");
  await Promise.all([web.child.status, hello.child.status]);
}

// 5. Memory of the web app with RSS_TICKETS tickets stored, after serving some pages.
if (RSS_TICKETS > 0) {
  const kvPath = `${work}/rss.sqlite3`;
  const db = await openDb(await Deno.openKv(kvPath));
  await fillTickets(db, RSS_TICKETS, Date.now(), progress("filling the memory store", RSS_TICKETS));
  db.kv.close();
  const web = await spawnServer(
    [here("../routes/server.ts")],
    { HELPDESK_KV: kvPath },
    "/api/v1/openapi.json",
  );
  await load(
    async () =>
      await drain(await fetch(web.url + "/tickets", { headers: { cookie: "helpdesk_role=helpdesk" } }), 200),
    3,
  );
  const status = await Deno.readTextFile(`/proc/${web.child.pid}/status`);
  const rss = Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
  row(
    `web app memory (RSS) with ${RSS_TICKETS.toLocaleString("en")} tickets stored`,
    `${rss.toFixed(0)} MB`,
    "",
    "report",
  );
  web.child.kill("SIGTERM");
  await web.child.status;
}

await Deno.remove(work, { recursive: true });
console.log(
  `\n${CLIENTS} concurrent clients, ${SECONDS} s per measurement, Deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} cores\n`,
);
console.log("| measurement | result | ratio | goal |\n|---|---|---|---|");
console.log(rows.join("\n"));
