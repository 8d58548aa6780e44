/** Synthetic ticket histories for benchmarks: many tickets written fast through the bulk-import path. */
import { ulid } from "ulid";
import { CATEGORIES } from "../lib/categories.ts";
import type { Db } from "../lib/data/db.ts";
import { type ImportItem, importTickets } from "../lib/data/import.ts";
import type { TicketRecord } from "../lib/data/types.ts";
import { DAY_MS, HOUR_MS } from "../lib/time.ts";
import { DENO_CONFIG } from "../lib/paths.ts";

const DESCRIPTIONS = [
  "The radiator in room E104 is cold since Monday",
  "Wi-Fi keeps dropping in the library on the second floor",
  "The canteen food was cold again and the queue took 30 minutes",
  "Projector in A12 does not detect HDMI from laptops",
  "Water dripping from the ceiling in hall 2",
  "The registrar's office staff were rude on the phone",
];

/** Fills a store with `count` tickets opened over the 18 months before `now`, in bulk commits. */
export async function fillTickets(
  db: Db,
  count: number,
  now = Date.now(),
  onProgress?: (done: number) => void,
) {
  const span = 18 * 30 * DAY_MS;
  const BATCH = 2000;
  let random = 42;
  const next = () => (random = (random * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let done = 0; done < count; done += BATCH) {
    const items: ImportItem[] = [];
    for (let i = done; i < Math.min(count, done + BATCH); i++) {
      // Spread in opening order so ids (ULIDs of the opening time) grow with time, like real tickets.
      const opened = now - span + Math.floor((i / count) * span);
      const age = (now - opened) / span;
      const roll = next();
      const status = roll < age * 0.95 ? "closed" : roll < age * 0.95 + 0.1 ? "active" : "open";
      const activated = status === "open" ? null : opened + Math.floor(next() * 48 * HOUR_MS);
      const closed = status === "closed" ? activated! + Math.floor(next() * 200 * HOUR_MS) : null;
      const last = Math.min(now, closed ?? activated ?? opened);
      const ticket: TicketRecord = {
        id: ulid(opened),
        description: DESCRIPTIONS[i % DESCRIPTIONS.length] + ` (#${i})`,
        category: CATEGORIES[i % 3],
        categorySource: "auto",
        categoryConfidence: 0.9,
        status,
        openedAt: new Date(opened).toISOString(),
        activatedAt: activated === null ? null : new Date(Math.min(activated, now)).toISOString(),
        closedAt: closed === null ? null : new Date(Math.min(closed, now)).toISOString(),
        updatedAt: new Date(last).toISOString(),
      };
      items.push({ ticket, messages: [] });
    }
    await importTickets(db, items);
    onProgress?.(Math.min(count, done + BATCH));
  }
}

/** Prints a progress line that rewrites itself on a terminal. */
export function progress(label: string, total: number): (done: number) => void {
  const tty = Deno.stderr.isTerminal();
  let lastPrinted = 0;
  return (done) => {
    if (!tty && done - lastPrinted < total / 10 && done < total) return;
    lastPrinted = done;
    const line = `${label}: ${done.toLocaleString("en")} / ${total.toLocaleString("en")}`;
    Deno.stderr.writeSync(
      new TextEncoder().encode(tty ? `\r${line}` + (done >= total ? "\n" : "") : line + "\n"),
    );
  };
}

/** Median and 99th percentile of a list of milliseconds. */
export function percentiles(samples: number[]): { p50: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: at(0.5), p99: at(0.99) };
}

const SERVER = new URL("../routes/server.ts", import.meta.url).pathname;

/** A free TCP port on 127.0.0.1 (free when asked; the caller binds it soon after). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/**
 * Spawns the web app as it is deployed — `routes/server.ts` with no permission to spawn and write
 * permission for the KV file's folder only — on `kvPath` and `port`; kill it with SIGTERM when done.
 */
export function spawnDeployedWebApp(kvPath: string, port: number): Deno.ChildProcess {
  const kvDir = kvPath.replace(/\/[^/]*$/, "");
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      "--deny-run",
      "--allow-read",
      "--allow-net",
      "--allow-env",
      `--allow-write=${kvDir}`,
      "--config",
      DENO_CONFIG,
      SERVER,
    ],
    env: { HELPDESK_KV: kvPath, PORT: String(port), HELPDESK_HOST: "127.0.0.1" },
    stdout: "null",
    stderr: "inherit",
  }).spawn();
}
