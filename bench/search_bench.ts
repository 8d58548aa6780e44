/**
 * Search at scale, part `search` of `deno task bench` (bench/app_bench.ts): a store of seeded tickets with
 * their threads (100,000 tickets bring some 310,000 messages), then
 * - the index build in process: time and JavaScript heap it takes;
 * - the web app as deployed (routes/server.ts in its own process): spawn → first list page, spawn → first
 *   search answered (the index builds in the background), and its RSS with the index built;
 * - `GET /api/v1/tickets?q=` latency, median and p99, over queries of one to three words with prefixes and
 *   typos, as both roles, one client after another; and `GET /api/v1/tickets/similar` likewise.
 */
import { parseTicketLine, toImportItem } from "../cli/ticket_lines.ts";
import { seedLines } from "../cli/seed.ts";
import { createClassifier } from "../lib/classifier/mod.ts";
import { type ImportItem, importTickets } from "../lib/data/import.ts";
import { openStore } from "../lib/data/mod.ts";
import { TicketIndex } from "../lib/search/ticket_index.ts";
import { freePort, percentiles, progress, spawnDeployedWebApp } from "./fixtures.ts";
import { rssMb } from "./stream_bench.ts";

/** Queries as people type them (also used by bench/search_libraries_bench.ts): words, prefixes, typos, several words; some match little, some a lot. */
export const QUERIES = [
  "projector",
  "wifi",
  "heating",
  "radiator cold",
  "water ceiling",
  "printer",
  "canteen",
  "eduroam password",
  "projctor",
  "radiater",
  "libary wifi",
  "lect hall",
  "e104",
  "b2.14",
  "the door",
  "light flickers",
  "toilet",
  "registrar rude",
  "vpn",
  "login moodle",
  "window broken",
  "elevator",
  "queue",
  "cold food canteen",
  "noise",
  "keys",
  "room",
  "still not working",
  "smell",
  "screen",
];

/** Texts to find similar tickets for, as someone starts to type them. */
const SIMILAR_TEXTS = [
  "The projector in lecture hall 2 shows no picture",
  "wifi in the library keeps dropping",
  "Heating is off in room 4.21, it is freezing",
  "Water comes through the ceiling when it rains",
  "The printer on the second floor jams all the time",
  "I cannot log in to eduroam with my new password",
  "The canteen staff were unfriendly and the food was cold",
  "lights flicker in the reading room",
];

const noClassifier = () => {
  throw new Error("seeded lines carry their category");
};

/** Fills a store at `kvPath` with `tickets` seeded tickets and their threads; returns the message count. */
async function fillSeeded(kvPath: string, tickets: number): Promise<number> {
  const db = await openStore({ kvPath });
  const now = new Date();
  const report = progress("filling the search store", tickets);
  let items: ImportItem[] = [];
  let done = 0;
  let messages = 0;
  const classifier = createClassifier([]);
  const classify = (text: string) => classifier.classify(text);
  for (const text of seedLines({ tickets, seed: 10, now, timeZone: "UTC", classify })) {
    const item = toImportItem(parseTicketLine(text, now), noClassifier);
    messages += item.messages.length;
    items.push(item);
    if (items.length === 2000) {
      await importTickets(db, items);
      done += items.length;
      items = [];
      report(done);
    }
  }
  await importTickets(db, items);
  report(done + items.length);
  db.kv.close();
  return messages;
}

/** CPU time this process has used so far, all threads, in milliseconds (Linux: /proc/self/stat). */
function cpuMs(): number {
  const fields = Deno.readTextFileSync("/proc/self/stat").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Waits until `url` answers 200 (the process is still starting while it refuses connections). */
async function firstOk(url: string, headers: Record<string, string>, started: number): Promise<number> {
  for (;;) {
    try {
      const res = await fetch(url, { headers });
      await res.body?.cancel();
      if (res.ok) return performance.now() - started;
      throw new Error(`${url} answered ${res.status}`);
    } catch (error) {
      if (!(error instanceof TypeError)) throw error;
    }
    if (performance.now() - started > 120_000) throw new Error("the web app did not start within 120 s");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Latencies of `rounds` passes over `paths`, alternating the two roles, one request at a time. */
async function latencies(base: string, paths: string[], rounds: number) {
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const [i, path] of paths.entries()) {
      const role = (round + i) % 2 === 0 ? "helpdesk" : "reporter";
      const t0 = performance.now();
      const res = await fetch(base + path, { headers: { "x-helpdesk-role": role } });
      await res.arrayBuffer();
      samples.push(performance.now() - t0);
      if (!res.ok) throw new Error(`${path} answered ${res.status}`);
    }
  }
  return { count: samples.length, ...percentiles(samples) };
}

/** Runs the search measurements in `work` on `tickets` seeded tickets; returns the table rows. */
export async function searchRows(work: string, options: { tickets: number }): Promise<string[][]> {
  const kvDir = `${work}/search`;
  const kvPath = `${kvDir}/helpdesk.sqlite3`;
  const messages = await fillSeeded(kvPath, options.tickets);
  const size = `${options.tickets.toLocaleString("en")} tickets, ${messages.toLocaleString("en")} messages`;
  const rows: string[][] = [];

  // In process: the build alone, and the heap it leaves.
  {
    const db = await openStore({ kvPath }, { readOnly: true });
    const rssBefore = Deno.memoryUsage().rss;
    const cpuBefore = cpuMs();
    const t0 = performance.now();
    const index = new TicketIndex(db);
    await index.ready();
    const seconds = (performance.now() - t0) / 1000;
    const cpuSeconds = (cpuMs() - cpuBefore) / 1000;
    const rssMbGrowth = (Deno.memoryUsage().rss - rssBefore) / 2 ** 20;
    rows.push([
      `search index build from the store (${size}), in process: wall time (CPU time of all threads)`,
      `${seconds.toFixed(1)} s (${cpuSeconds.toFixed(1)} s CPU)`,
      "",
      "",
    ]);
    rows.push(["memory (RSS) the build adds to the process", `${rssMbGrowth.toFixed(0)} MB`, "", "reported"]);
    db.kv.close();
  }

  const port = freePort();
  const base = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawnDeployedWebApp(kvPath, port);
  try {
    const page = await firstOk(`${base}/tickets`, { cookie: "helpdesk_role=reporter" }, started);
    const search = await firstOk(`${base}/api/v1/tickets?q=wifi`, { "x-helpdesk-role": "helpdesk" }, started);
    rows.push([
      "web app start → first list page / → first search answered",
      `${(page / 1000).toFixed(2)} s / ${(search / 1000).toFixed(2)} s`,
      "",
      "< 10 s",
    ]);
    const rss = await rssMb(child.pid);
    rows.push([`web app memory (RSS) with the index built, ${size}`, `${rss.toFixed(0)} MB`, "", "reported"]);
    // One pass warms the JIT, as a running server is warm.
    const searchPaths = QUERIES.map((q) => `/api/v1/tickets?${new URLSearchParams({ q, limit: "25" })}`);
    await latencies(base, searchPaths, 1);
    const q = await latencies(base, searchPaths, 20);
    rows.push([
      `search q= through the API (${QUERIES.length} queries × 20, both roles, 25 per page)`,
      `median ${q.p50.toFixed(1)} ms, p99 ${q.p99.toFixed(1)} ms`,
      "",
      "median < 20 ms, p99 < 100 ms",
    ]);
    const similarPaths = SIMILAR_TEXTS.map((text) =>
      `/api/v1/tickets/similar?${new URLSearchParams({ text })}`
    );
    await latencies(base, similarPaths, 1);
    const s = await latencies(base, similarPaths, 30);
    rows.push([
      `similar tickets through the API (${SIMILAR_TEXTS.length} texts × 30)`,
      `median ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms`,
      "",
      "reported",
    ]);
  } finally {
    child.kill("SIGTERM");
    await child.status;
  }
  return rows;
}
