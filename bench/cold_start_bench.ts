/**
 * Cold start of the web app as it is deployed: from spawning `deno run routes/server.ts` (read-only build,
 * no spawning, writes to the KV folder only) to the first answered page, on a store with many tickets and
 * staff corrections (the classifier replays every correction at start-up). Part `coldstart` of
 * `deno task bench` (bench/app_bench.ts).
 */
import { ulid } from "ulid";
import { CATEGORIES } from "../lib/categories.ts";
import { writeCorrection } from "../lib/data/corrections.ts";
import type { Db } from "../lib/data/db.ts";
import { openStore } from "../lib/data/mod.ts";
import { buildIslands } from "../lib/islands/mod.ts";
import { BUILD_DIR, DENO_CONFIG, ISLANDS_DIR } from "../lib/paths.ts";
import { fillTickets, freePort, percentiles, progress, spawnDeployedWebApp } from "./fixtures.ts";

/** Stores `count` staff corrections, as many tickets' worth of re-categorised descriptions. */
async function fillCorrections(db: Db, count: number) {
  const texts = [
    "The printer on the third floor prints blank pages",
    "Nobody answers the phone at the housing office",
    "The door of lecture hall B does not lock",
    "Eduroam asks for my password again every hour",
  ];
  for (let done = 0; done < count; done += 500) {
    const op = db.kv.atomic();
    for (let i = done; i < Math.min(count, done + 500); i++) {
      writeCorrection(op, {
        ticketId: ulid(),
        text: `${texts[i % texts.length]} (#${i})`,
        category: CATEGORIES[(i + 1) % CATEGORIES.length],
        correctedAt: new Date().toISOString(),
      });
    }
    const result = await op.commit();
    if (!result.ok) throw new Error("storing corrections failed");
  }
}

/** One cold start: milliseconds from spawn to the first 200 of `path`. */
async function coldStart(kvPath: string, path: string): Promise<number> {
  const port = freePort();
  const started = performance.now();
  const child = spawnDeployedWebApp(kvPath, port);
  try {
    for (;;) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}${path}`, {
          headers: { cookie: "helpdesk_role=reporter" },
        });
        await res.body?.cancel();
        if (res.ok) return performance.now() - started;
        throw new Error(`${path} answered ${res.status}`);
      } catch (error) {
        if (!(error instanceof TypeError)) throw error; // not listening yet: a network error
      }
      if (performance.now() - started > 60_000) throw new Error("the web app did not start within 60 s");
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } finally {
    child.kill("SIGTERM");
    await child.status;
  }
}

/**
 * Measures `runs` cold starts (after one that warms Deno's transpile cache, as a deployment's warm-up
 * does) on a store of `tickets` tickets and `corrections` corrections in `work`; returns the table row.
 */
export async function coldStartRow(
  work: string,
  options: { tickets: number; corrections: number; runs: number },
): Promise<string[]> {
  const kvPath = `${work}/coldstart/helpdesk.sqlite3`;
  const db = await openStore({ kvPath });
  await fillTickets(
    db,
    options.tickets,
    Date.now(),
    progress("filling the cold-start store", options.tickets),
  );
  await fillCorrections(db, options.corrections);
  db.kv.close();
  // What `deno task build` leaves for the server to read.
  await buildIslands({ islandsDir: ISLANDS_DIR, outDir: BUILD_DIR, config: DENO_CONFIG });
  await coldStart(kvPath, "/tickets");
  const times: number[] = [];
  for (let i = 0; i < options.runs; i++) times.push(await coldStart(kvPath, "/tickets"));
  const { p50 } = percentiles(times);
  const ms = (n: number) => `${n.toFixed(0)} ms`;
  return [
    `cold start: process start → first list page, ${options.tickets.toLocaleString("en")} tickets and ${
      options.corrections.toLocaleString("en")
    } corrections stored`,
    `median ${ms(p50)} (${ms(Math.min(...times))}–${ms(Math.max(...times))}, ${options.runs} starts)`,
    "",
    "< 1 s",
  ];
}
