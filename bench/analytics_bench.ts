/**
 * `deno task bench:analytics [--sizes 1000,100000,1000000] [--requests N]` — latency of every analytics
 * endpoint with 1k, 100k and 1M tickets stored, to show that it does not grow with the number of tickets.
 *
 * Each size gets a fresh temporary KV file filled through the importer (lib/data/import.ts) with 18 months
 * of synthetic history (old tickets mostly closed, recent ones open or active). Requests go to the Hono
 * apps' `fetch` in-process — no sockets — so the numbers are the services' own cost: parameter parsing,
 * KV reads and JSON. The table gives median and p99 per endpoint and each median's ratio to the smallest
 * size.
 */
import { parseArgs } from "node:util";
import { ulid } from "ulid";
import { seededRandom } from "../cli/seed.ts";
import { CATEGORIES } from "../lib/categories.ts";
import { openStore, type TicketRecord } from "../lib/data/mod.ts";
import { type ImportItem, importTickets } from "../lib/data/import.ts";
import { DAY_MS, HOUR_MS } from "../lib/time.ts";
import { createActiveByCategoryService } from "../services/active_by_category/app.ts";
import { createBacklogService } from "../services/backlog/app.ts";
import { createResolutionTimeService } from "../services/resolution_time/app.ts";
import { createUnclosedService } from "../services/unclosed/app.ts";

const HISTORY = 548 * DAY_MS;

/** The requests measured, as path and query. */
const ENDPOINTS = [
  "/v1/unclosed?hours=24",
  "/v1/unclosed?days=7",
  "/v1/unclosed?days=365",
  "/v1/resolution-time",
  "/v1/resolution-time?from=2026-01&to=2026-06",
  "/v1/active-by-category",
  "/v1/active-by-category?format=csv",
  "/v1/resolution-time?format=csv",
  "/v1/backlog?days=30",
  "/v1/backlog?days=366",
  "/v1/backlog?days=366&format=csv",
];

/** Synthetic tickets opened evenly over the history; a log-normal resolution decides their status. */
function* syntheticTickets(count: number, nowMs: number): Generator<ImportItem> {
  const random = seededRandom(count);
  for (let i = 0; i < count; i++) {
    const openedMs = nowMs - HISTORY + Math.floor((i + random()) * HISTORY / count);
    const startMs = openedMs + Math.round(random() * 8 * HOUR_MS);
    const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const closeMs = startMs + Math.round(30 * HOUR_MS * Math.exp(1.2 * normal));
    const status = startMs > nowMs ? "open" : closeMs > nowMs ? "active" : "closed";
    const iso = (ms: number) => new Date(ms).toISOString();
    const ticket: TicketRecord = {
      id: ulid(openedMs, random),
      description: `Synthetic ticket ${i}: the projector in room ${i % 400} does not turn on`,
      category: CATEGORIES[i % 3],
      categorySource: "auto",
      categoryConfidence: 0.9,
      status,
      openedAt: iso(openedMs),
      activatedAt: status === "open" ? null : iso(startMs),
      closedAt: status === "closed" ? iso(closeMs) : null,
      updatedAt: iso(status === "closed" ? closeMs : status === "active" ? startMs : openedMs),
    };
    yield { ticket, messages: [] };
  }
}

async function fill(path: string, count: number, nowMs: number): Promise<void> {
  const db = await openStore({ kv: await Deno.openKv(path) });
  const started = performance.now();
  let batch: ImportItem[] = [];
  let done = 0;
  for (const item of syntheticTickets(count, nowMs)) {
    batch.push(item);
    if (batch.length < 5000) continue;
    await importTickets(db, batch);
    done += batch.length;
    batch = [];
    if (done % 50_000 === 0) {
      const seconds = (performance.now() - started) / 1000;
      console.error(
        `  filled ${done.toLocaleString("en")} of ${count.toLocaleString("en")} (${seconds.toFixed(0)} s)`,
      );
    }
  }
  await importTickets(db, batch);
  db.kv.close();
  console.error(
    `  filled ${count.toLocaleString("en")} tickets in ${
      ((performance.now() - started) / 1000).toFixed(1)
    } s`,
  );
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

type Call = () => Promise<void>;

/** One caller per endpoint on the store at `path`: in-process `app.fetch`, or real HTTP with `http`. */
async function callers(path: string, nowMs: number, http: boolean) {
  const kv = await Deno.openKv(path);
  const db = await openStore({ kv }, { readOnly: true });
  const now = () => new Date(nowMs);
  const apps = {
    unclosed: createUnclosedService(db, { now }),
    resolution: createResolutionTimeService(db, { now }),
    active: createActiveByCategoryService(db),
    backlog: createBacklogService(db, { now }),
  };
  const servers: Deno.HttpServer[] = [];
  const calls = new Map<string, Call>();
  for (const endpoint of ENDPOINTS) {
    const app = apps[
      endpoint.includes("unclosed")
        ? "unclosed"
        : endpoint.includes("resolution")
        ? "resolution"
        : endpoint.includes("backlog")
        ? "backlog"
        : "active"
    ];
    let send = (url: string) => Promise.resolve(app.fetch(new Request(url)));
    let base = "http://bench";
    if (http) {
      const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, app.fetch);
      servers.push(server);
      base = `http://127.0.0.1:${server.addr.port}`;
      send = (url: string) => fetch(url);
    }
    calls.set(endpoint, async () => {
      const res = await send(base + endpoint);
      if (res.status !== 200) throw new Error(`${endpoint} answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    });
  }
  const close = async () => {
    for (const server of servers) await server.shutdown();
    kv.close();
  };
  return { calls, close };
}

/**
 * Median and p99 per endpoint and size. Sizes and endpoints take turns in small rounds, so a noisy
 * neighbour on the machine slows all of them alike instead of skewing one row.
 */
async function measure(stores: Map<number, string>, nowMs: number, requests: number, http: boolean) {
  const opened = new Map<number, Awaited<ReturnType<typeof callers>>>();
  for (const [size, path] of stores) opened.set(size, await callers(path, nowMs, http));
  const times = new Map<string, number[]>();
  const ROUND = 25;
  for (const [size, { calls }] of opened) {
    for (const [endpoint, call] of calls) {
      times.set(`${size} ${endpoint}`, []);
      for (let i = 0; i < 100; i++) await call(); // warm-up: JIT, SQLite page cache
    }
  }
  for (let done = 0; done < requests; done += ROUND) {
    for (const endpoint of ENDPOINTS) {
      for (const [size, { calls }] of opened) {
        const call = calls.get(endpoint)!;
        const list = times.get(`${size} ${endpoint}`)!;
        for (let i = 0; i < ROUND; i++) {
          const t = performance.now();
          await call();
          list.push(performance.now() - t);
        }
      }
    }
  }
  for (const { close } of opened.values()) await close();
  const results = new Map<string, { median: number; p99: number }>();
  for (const [key, list] of times) {
    list.sort((a, b) => a - b);
    results.set(key, { median: percentile(list, 0.5), p99: percentile(list, 0.99) });
  }
  return results;
}

async function main() {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      sizes: { type: "string", default: "1000,100000,1000000" },
      requests: { type: "string", default: "1000" },
      http: { type: "boolean", default: false },
    },
  });
  const sizes = values.sizes.split(",").map(Number);
  const requests = Number(values.requests);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(requests) || requests < 1) {
    console.error(
      "usage: deno task bench:analytics [--sizes 1000,100000,1000000] [--requests 1000] [--http]",
    );
    Deno.exit(2);
  }
  // A fixed present, so every size has the same months and the same periods to count.
  const nowMs = Date.parse("2026-07-15T10:30:00.000Z");
  const dir = await Deno.makeTempDir({ prefix: "analytics_bench_" });
  try {
    const stores = new Map<number, string>();
    for (const size of sizes) {
      console.error(`${size.toLocaleString("en")} tickets:`);
      stores.set(size, `${dir}/${size}.sqlite3`);
      await fill(stores.get(size)!, size, nowMs);
    }
    console.error("measuring…");
    const results = await measure(stores, nowMs, requests, values.http);
    const ms = (n: number) => n.toFixed(3);
    const how = values.http ? "HTTP on 127.0.0.1 (Deno.serve + fetch)" : "in-process app.fetch (no sockets)";
    console.log(
      `\n${how}; ${requests} requests per row after 100 warm-up requests; Deno ${Deno.version.deno}.\n`,
    );
    console.log("| endpoint | tickets | median ms | p99 ms | median ratio | p99 ratio |");
    console.log("|---|---:|---:|---:|---:|---:|");
    for (const endpoint of ENDPOINTS) {
      const base = results.get(`${sizes[0]} ${endpoint}`)!;
      for (const size of sizes) {
        const { median, p99 } = results.get(`${size} ${endpoint}`)!;
        console.log(
          `| \`${endpoint}\` | ${size.toLocaleString("en")} | ${ms(median)} | ${ms(p99)} | ` +
            `${(median / base.median).toFixed(2)} | ${(p99 / base.p99).toFixed(2)} |`,
        );
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) await main();
