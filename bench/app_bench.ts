/**
 * `deno task bench`: how close the web app runs to what the machine allows, measured in one run.
 *
 * - ticket creation through the API ÷ raw Deno KV atomic commits (same file-backed KV, 32 concurrent writers)
 * - reporter list page with N tickets stored ÷ a Hono hello-world (both separate processes, same client)
 * - p50/p99 latency of create, list page, ticket page and message post under 32 concurrent clients
 * - JavaScript bytes (gzipped) per page
 * - web app memory (RSS) with M tickets stored
 * - live ticket streams (bench/stream_bench.ts), on a web app process of their own: memory per idle stream
 *   (raw TCP clients that never read; RSS after a forced full GC; where the unread events wait; what the
 *   STALL_MS drop frees), the list page's latency while they are open, and commit-to-page delivery latency of
 *   messages posted 50 at a time, every event matched to its POST (none missed, repeated or reordered)
 *
 * Flags: --tickets N (default 100000), --rss-tickets M (default 1000000), --seconds S per measurement (default 5),
 * --streams N idle streams (default 300), --posts N messages for the delivery measurement (default 1000),
 * --only PARTS to run some parts, comma-separated: create, pages, rss, streams, coldstart, import, mine, history,
 * queue, search (e.g. --only=streams, --only=mine,history).
 * mine, history (bench/reporters_bench.ts): My tickets (page and API) and a ticket's history (API and page) on
 * --tickets tickets, against the reporter list page on the same store.
 * queue: the staff queue page with sort=updated and with waiting=helpdesk on --tickets tickets (1,000 of them
 * answered by staff first), the same first page again and again (list cache) and a page not asked before each
 * time (cursors collected through the API), against the default staff list page.
 * coldstart (bench/cold_start_bench.ts): the web app's process start → first page, on --tickets tickets and
 * 1,000 corrections.
 * import (bench/import_bench.ts): `deno task import` of --tickets seeded tickets in random and id order, with
 * and without messages, a rerun after SIGKILL, and the store's bytes per ticket.
 * search (bench/search_bench.ts): index build, start-up, RSS and q= / similar latency on --tickets seeded
 * tickets with their threads.
 * The table is printed padded as `deno fmt` pads it, so it pastes into README.md as is.
 */
import { parseArgs } from "node:util";
import { monotonicFactory } from "ulid";
import { loadConfig, SERVICES } from "../lib/config.ts";
import { openStore } from "../lib/data/mod.ts";
import { createHelpdesk } from "../lib/helpdesk.ts";
import { buildIslands } from "../lib/islands/mod.ts";
import { BUILD_DIR, DENO_CONFIG, ISLANDS_DIR } from "../lib/paths.ts";
import { createApp } from "../routes/app.tsx";
import { STALL_MS } from "../routes/pages/pulled_stream.ts";
import { coldStartRow } from "./cold_start_bench.ts";
import { importRows } from "./import_bench.ts";
import { reporterRows } from "./reporters_bench.ts";
import { searchRows } from "./search_bench.ts";
import { fillTickets, percentiles, progress } from "./fixtures.ts";
import {
  closeIdleStreams,
  deliveryLatency,
  type IdleStream,
  idleStreamState,
  liveRssMb,
  openIdleStreams,
  rssMb,
  seedLongThread,
  waitUntilWritten,
  writeGcHook,
} from "./stream_bench.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    tickets: { type: "string", default: "100000" },
    "rss-tickets": { type: "string", default: "1000000" },
    seconds: { type: "string", default: "5" },
    streams: { type: "string", default: "300" },
    posts: { type: "string", default: "1000" },
    only: { type: "string", default: "" },
  },
});
const PARTS = [
  "create",
  "pages",
  "rss",
  "streams",
  "coldstart",
  "import",
  "mine",
  "history",
  "queue",
  "search",
];
const only = values.only ? values.only.split(",").map((p) => p.trim()) : PARTS;
for (const part of only) {
  if (!PARTS.includes(part)) throw new Error(`--only: unknown part "${part}" (parts: ${PARTS.join(", ")})`);
}
const runs = (part: string) => only.includes(part);
const STREAMS = Number(values.streams);
const POSTS = Number(values.posts);
const TICKETS = Number(values.tickets);
const RSS_TICKETS = Number(values["rss-tickets"]);
const SECONDS = Number(values.seconds);
const CLIENTS = 32;
const CONFIG = new URL("../deno.json", import.meta.url).pathname;
const here = (path: string) => new URL(path, import.meta.url).pathname;
const work = await Deno.makeTempDir({ prefix: "helpdesk_bench_" });
// The web app process only reads the island build, as deployed: make it as `deno task build` does.
await buildIslands({ islandsDir: ISLANDS_DIR, outDir: BUILD_DIR, config: DENO_CONFIG });

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

/**
 * Starts `deno run FILE` on a free port (given in PORT, or in `portVariable`) and waits until it answers;
 * its error output goes to ours, or line by line to `stderrLine`.
 */
async function spawnServer(
  args: string[],
  env: Record<string, string>,
  probe: string,
  options: { portVariable?: string; stderrLine?: (line: string) => void } = {},
) {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", CONFIG, ...args],
    env: { ...env, [options.portVariable ?? "PORT"]: String(port), HELPDESK_HOST: "127.0.0.1" },
    stdout: "null",
    stderr: options.stderrLine ? "piped" : "inherit",
  }).spawn();
  if (options.stderrLine) {
    const each = options.stderrLine;
    (async () => {
      let rest = "";
      for await (const text of child.stderr.pipeThrough(new TextDecoderStream())) {
        const lines = (rest + text).split("\n");
        rest = lines.pop()!;
        lines.forEach(each);
      }
    })();
  }
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
const rows: string[][] = [];
const row = (...cells: string[]) => rows.push(cells);

// 1. Creation through the API vs raw atomic commits, in-process, on file-backed KV.
if (runs("create")) {
  const rawKv = await Deno.openKv(`${work}/raw.sqlite3`);
  const nextId = monotonicFactory();
  const raw = await load(async () => {
    const id = nextId();
    const res = await rawKv.atomic().check({ key: ["raw", id], versionstamp: null })
      .set(["raw", id], { id, description: "The radiator in room E104 is cold" }).commit();
    if (!res.ok) throw new Error("raw commit failed");
  });
  rawKv.close();
  const db = await openStore({ kvPath: `${work}/api.sqlite3` });
  const manifest = await buildIslands({
    islandsDir: ISLANDS_DIR,
    outDir: `${work}/build`,
    config: DENO_CONFIG,
  });
  const app = createApp({
    helpdesk: await createHelpdesk(db),
    manifest,
    buildDir: `${work}/build`,
    serviceUrls: loadConfig().serviceUrls,
  });
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
if (runs("pages")) {
  const kvPath = `${work}/list.sqlite3`;
  const db = await openStore({ kvPath });
  await fillTickets(db, TICKETS, Date.now(), progress("filling the page store", TICKETS));
  db.kv.close();
  // The analytics services too, so the dashboard draws its chart as it does in production.
  const services = await Promise.all(
    SERVICES.map((s) =>
      spawnServer([here(`../${s.entry}`)], { HELPDESK_KV: kvPath }, "/health", {
        portVariable: s.portVariable,
      })
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
if (RSS_TICKETS > 0 && runs("rss")) {
  const kvPath = `${work}/rss.sqlite3`;
  const db = await openStore({ kvPath });
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

// 6. Live ticket streams, on a web app process of their own: what idle streams cost, and how fast a committed
// message reaches the pages that follow its ticket.
if (runs("streams")) {
  const THREAD = 2000;
  const STALLED = 50;
  const kvPath = `${work}/streams.sqlite3`;
  const db = await openStore({ kvPath });
  await fillTickets(db, 1000, Date.now());
  // Replies of ~100 characters; and one thread of ~2,500-character messages, more than the kernel takes.
  const thread = await seedLongThread(db, THREAD);
  const bigThread = await seedLongThread(db, THREAD, { textLength: 2500 });
  db.kv.close();
  // The server logs each stream it ended for a client that stopped reading: counted here, not printed.
  let stallErrors = 0, inStallTrace = false;
  const web = await spawnServer(
    ["--v8-flags=--expose-gc", "--preload", await writeGcHook(work), here("../routes/server.ts")],
    { HELPDESK_KV: kvPath },
    "/api/v1/openapi.json",
    {
      stderrLine: (line) => {
        if (line.includes("Error: the client stopped reading")) {
          stallErrors++;
          inStallTrace = true;
        } else if (!(inStallTrace && line.startsWith("    at "))) {
          inStallTrace = false;
          console.error(line);
        }
      },
    },
  );
  const port = Number(new URL(web.url).port);
  const step = (what: string) => console.error(`streams: ${what}`);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const staffList = async () =>
    await drain(await fetch(web.url + "/tickets", { headers: { cookie: "helpdesk_role=helpdesk" } }), 200);
  const rss = () => liveRssMb(web.child);
  /** Opens idle streams and waits until the server wrote all it will; also the highest RSS meanwhile. */
  const openAndWait = async (path: string, count: number) => {
    const opened = performance.now();
    let peak = 0, writing = true;
    const sampling = (async () => {
      while (writing) {
        peak = Math.max(peak, await rssMb(web.child.pid));
        await sleep(250);
      }
    })();
    const streams = await openIdleStreams(web.url, path, "helpdesk_role=reporter", count);
    const written = await waitUntilWritten(port, streams);
    writing = false;
    await sampling;
    return { streams, written, peak, opened, seconds: (written.writtenAt - opened) / 1000 };
  };
  /** Closes streams and returns the RSS after: the memory they held is (RSS before − after) ÷ count. */
  const closeAndMeasure = async (streams: IdleStream[]) => {
    closeIdleStreams(streams);
    await sleep(1500);
    return await rss();
  };

  // Memory: RSS right after a full GC. The first streams grow the process, which keeps (and later reuses)
  // most of that after they close, so a stream's own cost is what closing it gives back.
  await load(staffList, 2); // warm-up
  const quiet = await load(staffList, SECONDS);
  const rssStart = await rss();
  step(`opening ${STREAMS} idle streams after the thread's last message`);
  const caughtUp = await openAndWait(`/tickets/${thread.id}/events?after=${THREAD}`, STREAMS);
  const rssCaughtUp = await rss();
  const rssCaughtUpClosed = await closeAndMeasure(caughtUp.streams);

  step(`opening ${STREAMS} idle streams on a ${THREAD}-message thread`);
  const rssBeforeIdle = await rss();
  const idle = await openAndWait(`/tickets/${thread.id}/events?after=0`, STREAMS);
  const rssIdle = await rss();

  const bigMb = (bigThread.sseBytes / 2 ** 20).toFixed(1);
  step(`opening ${STALLED} idle streams on a thread of ${bigMb} MB`);
  const stalled = await openAndWait(`/tickets/${bigThread.id}/events?after=0`, STALLED);
  const rssStalled = await rss();
  const busy = await load(staffList, SECONDS);
  // An event left untaken for STALL_MS drops its client: wait for that, then look again.
  step(`waiting for the ${STALL_MS / 1000} s stall limit`);
  await sleep(Math.max(0, stalled.written.writtenAt + STALL_MS + 3000 - performance.now()));
  const rssStalledLater = await rss();
  const idleLater = await idleStreamState(port, idle.streams);
  const stalledLater = await idleStreamState(port, stalled.streams);
  const idleAge = (performance.now() - idle.opened) / 1000;
  // Closing a socket with unread data resets the connection, which ends whatever the server still had on it.
  const rssStalledClosed = await closeAndMeasure(stalled.streams);
  const rssIdleClosed = await closeAndMeasure(idle.streams);

  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  const mb = (n: number) => `${n.toFixed(0)} MB`;
  const perStream = (mbDelta: number, n: number) => kb((mbDelta * 2 ** 20) / n);
  const idleName = `${STREAMS} idle streams, client never reads, ${
    THREAD.toLocaleString("en")
  }-message thread`;
  row(
    `server RSS after a full GC: at start → after all the idle streams below closed (kept for reuse)`,
    `${mb(rssStart)} → ${mb(rssIdleClosed)}`,
    "",
    "report",
  );
  row(
    `${STREAMS} idle streams caught up (\`after=${THREAD}\`): memory per stream, (RSS open − closed) ÷ ${STREAMS}`,
    perStream(rssCaughtUp - rssCaughtUpClosed, STREAMS),
    "",
    "report",
  );
  row(
    `${idleName}: RSS before → open (peak while sending)`,
    `${mb(rssBeforeIdle)} → ${mb(rssIdle)} (peak ${mb(idle.peak)}, ${fmt(idle.seconds, 1)} s to send)`,
    "",
    "report",
  );
  row(
    `${idleName}: memory per stream, (RSS open − closed) ÷ ${STREAMS}`,
    perStream(rssStalledClosed - rssIdleClosed, STREAMS),
    "",
    "report",
  );
  row(
    `${idleName}: unread events in kernel socket buffers (not in RSS) ÷ the whole thread`,
    `${kb(idle.written.kernelBytesPerStream)} / ${kb(thread.sseBytes)}`,
    fmt(idle.written.kernelBytesPerStream / thread.sseBytes),
    "report",
  );
  row(
    `${idleName}: connections the server still holds ${idleAge.toFixed(0)} s after opening`,
    `${idleLater.serverOpen} of ${idle.written.serverOpen}`,
    "",
    "report",
  );
  row(
    `${STALLED} idle streams on a ${bigMb} MB thread (more than the kernel takes): RSS growth per stream, kernel per stream`,
    `${perStream(rssStalled - rssIdle, STALLED)}, ${kb(stalled.written.kernelBytesPerStream)}`,
    "",
    "report",
  );
  row(
    `the same, ${
      STALL_MS / 1000
    } s after their event went untaken: memory per stream (RSS open − closed), connections the server closed`,
    `${perStream(rssStalledLater - rssStalledClosed, STALLED)}, ${
      stalled.written.serverOpen - stalledLater.serverOpen
    } of ${stalled.written.serverOpen}`,
    "",
    `0 KB, ${stalled.written.serverOpen} of ${stalled.written.serverOpen}`,
  );
  row(
    `stall errors the server logged ("the client stopped reading"), all once the clients closed`,
    String(stallErrors),
    "",
    String(STALLED),
  );
  row(
    `staff list page with ${STREAMS + STALLED} idle streams open ÷ with none`,
    `p50 ${fmt(busy.p50)} / ${fmt(quiet.p50)} ms, p99 ${fmt(busy.p99)} / ${fmt(quiet.p99)} ms`,
    fmt(busy.p50 / quiet.p50),
    "report",
  );

  const READERS = 3, IN_FLIGHT = 50;
  step(`posting ${POSTS} messages to ${READERS} readers`);
  const delivery = await deliveryLatency(web.url, { posts: POSTS, inFlight: IN_FLIGHT, readers: READERS });
  const d = percentiles(delivery.latencies);
  const p = percentiles(delivery.postLatencies);
  row(
    `commit-to-page delivery (event received − POST answered 201), ${READERS} readers, ${
      POSTS.toLocaleString("en")
    } posts ${IN_FLIGHT} in flight`,
    `p50 ${fmt(d.p50)} ms, p99 ${fmt(d.p99)} ms`,
    "",
    "report",
  );
  row(
    `events that arrived before their POST's 201, of ${delivery.latencies.length.toLocaleString("en")}`,
    delivery.beforeAnswer.toLocaleString("en"),
    "",
    "report",
  );
  row(
    `message events missed / duplicated / out of order (seq not previous + 1)`,
    `${delivery.missed} / ${delivery.duplicated} / ${delivery.outOfOrder}`,
    "",
    "0 / 0 / 0",
  );
  row(
    `latency of a message post, ${IN_FLIGHT} in flight on one ticket`,
    `p50 ${fmt(p.p50)} ms, p99 ${fmt(p.p99)} ms`,
    "",
    "report",
  );
  web.child.kill("SIGTERM");
  await web.child.status;
}

// 7. Search and similar tickets on a big store with threads (bench/search_bench.ts).
if (runs("search")) {
  for (const cells of await searchRows(work, { tickets: TICKETS })) row(...cells);
}

// 8. Cold start of the web app's process on a big store (bench/cold_start_bench.ts).
if (runs("coldstart")) row(...await coldStartRow(work, { tickets: TICKETS, corrections: 1000, runs: 5 }));

// 9. Import of a seeded history in any order, resumed after a kill; the store's size (bench/import_bench.ts).
if (runs("import")) {
  for (const cells of await importRows(work, { tickets: TICKETS, runs: 3 })) {
    row(...cells);
  }
}

// 10. My tickets and histories: range reads of one key's or one ticket's keys (bench/reporters_bench.ts).
if (runs("mine") || runs("history")) {
  const tools = {
    load: (op: (i: number) => Promise<void>) => load(op),
    startWebApp: async (kvPath: string) => {
      const web = await spawnServer(
        [here("../routes/server.ts")],
        { HELPDESK_KV: kvPath },
        "/api/v1/openapi.json",
      );
      return {
        url: web.url,
        stop: async () => {
          web.child.kill("SIGTERM");
          await web.child.status;
        },
      };
    },
  };
  for (const cells of await reporterRows(work, { tickets: TICKETS, parts: only }, tools)) row(...cells);
}

// 11. The staff queue's orders and filters (pointer indexes, lib/data/queue.ts) on a big store.
if (runs("queue")) {
  const kvPath = `${work}/queue.sqlite3`;
  const db = await openStore({ kvPath });
  await fillTickets(db, TICKETS, Date.now(), progress("filling the queue store", TICKETS));
  db.kv.close();
  const web = await spawnServer(
    [here("../routes/server.ts")],
    { HELPDESK_KV: kvPath },
    "/api/v1/openapi.json",
  );
  const staffApi = { "x-helpdesk-role": "helpdesk" };
  const staffJson = { ...staffApi, "content-type": "application/json" };
  // Staff answer 1,000 unclosed tickets, so they wait on the reporter and their activity moves.
  const unclosed: string[] = [];
  for (let cursor = ""; unclosed.length < 1000;) {
    const res = await fetch(
      `${web.url}/api/v1/tickets?status=open&limit=100${cursor ? `&cursor=${cursor}` : ""}`,
      {
        headers: staffApi,
      },
    );
    const answer = await res.json();
    unclosed.push(...answer.tickets.map((t: { id: string }) => t.id));
    if (!answer.cursor) break;
    cursor = answer.cursor;
  }
  await load(
    async (i) =>
      await drain(
        await fetch(`${web.url}/api/v1/tickets/${unclosed[i]}/messages`, {
          method: "POST",
          headers: staffJson,
          body: JSON.stringify({ text: "We are on it" }),
        }),
        201,
      ),
    60,
    CLIENTS,
    unclosed.length,
  );
  const staff = { cookie: "helpdesk_role=helpdesk" };
  const page = (query: string) => async () =>
    await drain(await fetch(`${web.url}/tickets${query}`, { headers: staff }), 200);
  // Warm up the process (JIT, list cache) before the first measurement.
  await load(page(""), 2);
  const base = await load(page(""));
  row(
    `staff queue, default order, first page (${TICKETS.toLocaleString("en")} tickets)`,
    `${fmt(base.perSecond, 0)} per s, p50 ${fmt(base.p50)} ms, p99 ${fmt(base.p99)} ms`,
    "1.00",
    "report",
  );
  for (const query of ["sort=updated", "waiting=helpdesk", "waiting=helpdesk&sort=updated"]) {
    const same = await load(page(`?${query}`));
    row(
      `staff queue ?${query}, first page again and again`,
      `${fmt(same.perSecond, 0)} per s, p50 ${fmt(same.p50)} ms, p99 ${fmt(same.p99)} ms`,
      fmt(same.perSecond / base.perSecond),
      "report",
    );
    const cursors: string[] = [];
    for (let cursor = ""; cursors.length < 2000;) {
      const res = await fetch(
        `${web.url}/api/v1/tickets?${query}&limit=24${cursor ? `&cursor=${cursor}` : ""}`,
        {
          headers: staffApi,
        },
      );
      const answer = await res.json();
      if (!answer.cursor) break;
      cursors.push(cursor = answer.cursor);
    }
    const miss = await load(
      async (i) => await page(`?${query}&cursor=${cursors[i]}`)(),
      SECONDS,
      CLIENTS,
      cursors.length,
    );
    row(
      `staff queue ?${query}, each request a page not asked before (${
        cursors.length.toLocaleString("en")
      } pages)`,
      `${fmt(miss.perSecond, 0)} per s, p50 ${fmt(miss.p50)} ms, p99 ${fmt(miss.p99)} ms`,
      fmt(miss.perSecond / base.perSecond),
      "report",
    );
  }
  web.child.kill("SIGTERM");
  await web.child.status;
}

await Deno.remove(work, { recursive: true });
console.log(
  `\n${CLIENTS} concurrent clients, ${SECONDS} s per measurement, Deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} cores\n`,
);
// Padded as `deno fmt` pads a markdown table, so the output pastes into README.md unchanged.
const table = [["measurement", "result", "ratio", "goal"], ...rows];
const widths = table[0].map((_, i) => Math.max(...table.map((cells) => cells[i].length)));
const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(" | ")} |`;
console.log(
  [line(table[0]), `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`, ...rows.map(line)].join("\n"),
);
