/**
 * Import at the store's speed: `deno task import` of a seeded history (the demo seed's tickets and threads,
 * cli/seed.ts) in random order and in id order, with and without messages; a rerun of a finished import; an
 * import killed with SIGKILL mid-way, verified, and run again; and what the store's bytes per ticket are made
 * of, from SQLite's own page statistics. Part `import` of `deno task bench` (bench/app_bench.ts).
 */
import { DatabaseSync } from "node:sqlite";
import { seededRandom, seedLines } from "../cli/seed.ts";
import { keys } from "../lib/data/keys.ts";
import { countByStatusCategory, type Db, openStore } from "../lib/data/mod.ts";
import { verifyStore } from "../lib/data/verify.ts";
import { DENO_CONFIG } from "../lib/paths.ts";
import { percentiles } from "./fixtures.ts";

const IMPORT = new URL("../cli/import.ts", import.meta.url).pathname;
// The seeded history ends here (any time before the real now: import refuses times in the future).
const SEED_NOW = new Date("2026-03-10T12:00:00.000Z");

interface ImportRun {
  seconds: number;
  peakMb: number;
  summary: string;
}

/** Runs `deno task import FILE` on the store at `kvPath` (made anew unless `keep`), timed from spawn to exit. */
async function runImport(file: string, kvPath: string, keep = false): Promise<ImportRun> {
  if (!keep) await removeStore(kvPath);
  const started = performance.now();
  const child = spawnImport(file, kvPath);
  const out = new Response(child.stdout).text();
  const err = new Response(child.stderr).text();
  let peakMb = 0;
  let done = false;
  const status = child.status.finally(() => done = true);
  while (!done) {
    peakMb = Math.max(peakMb, await peakRssMb(child.pid));
    await Promise.race([status, new Promise((resolve) => setTimeout(resolve, 100))]);
  }
  const { code } = await status;
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`import of ${file} exited ${code}: ${await err}`);
  return { seconds, peakMb, summary: (await out).trim() };
}

function spawnImport(file: string, kvPath: string): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", DENO_CONFIG, IMPORT, file],
    env: { HELPDESK_KV: kvPath },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** The process's peak resident memory so far (VmHWM), 0 once it is gone. */
async function peakRssMb(pid: number): Promise<number> {
  try {
    const status = await Deno.readTextFile(`/proc/${pid}/status`);
    return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

async function removeStore(kvPath: string) {
  for (const suffix of ["", "-wal", "-shm"]) await Deno.remove(kvPath + suffix).catch(() => {});
}

async function countTickets(db: Db): Promise<number> {
  const counts = await countByStatusCategory(db);
  return Object.values(counts).flatMap((byCategory) => Object.values(byCategory)).reduce((a, b) => a + b, 0);
}

/** Which part of the store a key's first part belongs to. */
function groupOf(prefix: string): string {
  if (prefix === "tickets") return "records";
  if (prefix === "messages_by_ticket") return "messages";
  if (prefix.startsWith("tickets_")) return "indexes";
  if (prefix.startsWith("stats_")) return "counters";
  if (prefix === "ticket_states") return "state log";
  return "meta and corrections";
}

const GROUPS = ["records", "messages", "indexes", "counters", "state log", "meta and corrections"];

/**
 * What the KV file's bytes are: key + value bytes of each kind of entry (the kv table's rows), the rest of
 * each row (value encoding, version, sequence, expiry and the record header), SQLite's index on the expiry
 * column (which holds every key once more), free space and headers in the table's pages, and the rest of the
 * file (other tables, free pages).
 */
function breakdown(kvPath: string): { file: number; parts: [string, number][] } {
  const file = Deno.statSync(kvPath).size;
  const db = new DatabaseSync(kvPath, { readOnly: true });
  try {
    const entries = new Map<string, number>();
    // A key starts with its first part: the string tag 0x02, its bytes, and 0x00.
    const rows = db.prepare(
      `select substr(k, 2, instr(substr(k, 2), x'00') - 1) as prefix, sum(length(k)) + sum(length(v)) as bytes
       from kv group by prefix`,
    ).all() as { prefix: Uint8Array | string; bytes: number }[];
    for (const { prefix, bytes } of rows) {
      const name = typeof prefix === "string" ? prefix : new TextDecoder().decode(prefix);
      entries.set(groupOf(name), (entries.get(groupOf(name)) ?? 0) + bytes);
    }
    const stat = (name: string) =>
      db.prepare(
        "select sum(payload) as payload, sum(unused) as unused, sum(pgsize) as size from dbstat where name = ?",
      ).get(name) as { payload: number; unused: number; size: number };
    const kv = stat("kv");
    const expiry = stat("kv_expiration_ms_idx");
    const entryBytes = [...entries.values()].reduce((a, b) => a + b, 0);
    const parts: [string, number][] = [
      ...GROUPS.map((group): [string, number] => [`${group} (keys + values)`, entries.get(group) ?? 0]),
      ["SQLite: rest of each row (encoding, version, seq, expiry, header)", kv.payload - entryBytes],
      ["SQLite: index on expiry (every key again)", expiry.size],
      ["SQLite: free space, cell and page headers of the kv table", kv.size - kv.payload],
      ["SQLite: other tables, free pages", file - kv.size - expiry.size],
    ];
    return { file, parts };
  } finally {
    db.close();
  }
}

/** Median and range of a few runs, in seconds. */
function spread(runs: ImportRun[]): { median: number; text: string } {
  const seconds = runs.map((r) => r.seconds);
  const median = percentiles(seconds.map((s) => s * 1000)).p50 / 1000;
  const range = runs.length > 1
    ? ` (${Math.min(...seconds).toFixed(1)}–${Math.max(...seconds).toFixed(1)})`
    : "";
  return { median, text: `${median.toFixed(1)} s${range}` };
}

/**
 * The import rows of the bench table: `tickets` seeded tickets, each variant imported `runs` times into a
 * new store.
 */
export async function importRows(
  work: string,
  options: { tickets: number; runs: number },
): Promise<string[][]> {
  const { tickets, runs } = options;
  const n = tickets.toLocaleString("en");
  const step = (what: string) => console.error(`import: ${what}`);
  step(`seeding ${n} tickets`);
  const seeded = [...seedLines({
    tickets,
    seed: 42,
    now: SEED_NOW,
    timeZone: "UTC",
    classify: () => ({ category: "technical_it", confidence: 0.5 }),
  })];
  const idOf = (line: string) => (JSON.parse(line) as { id: string }).id;
  const byId = seeded.map((line) => ({ id: idOf(line), line })).sort((a, b) => a.id < b.id ? -1 : 1)
    .map((l) => l.line);
  const random = seededRandom(7);
  const shuffled = [...byId];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
  }
  const withoutMessages = (line: string) => JSON.stringify({ ...JSON.parse(line), messages: [] });
  const messages = seeded.reduce((sum, line) => sum + (JSON.parse(line).messages as unknown[]).length, 0);
  const files = {
    random: `${work}/import_random.jsonl`,
    sorted: `${work}/import_sorted.jsonl`,
    randomBare: `${work}/import_random_bare.jsonl`,
    sortedBare: `${work}/import_sorted_bare.jsonl`,
  };
  await Deno.writeTextFile(files.random, shuffled.join("\n") + "\n");
  await Deno.writeTextFile(files.sorted, byId.join("\n") + "\n");
  await Deno.writeTextFile(files.randomBare, shuffled.map(withoutMessages).join("\n") + "\n");
  await Deno.writeTextFile(files.sortedBare, byId.map(withoutMessages).join("\n") + "\n");

  const kvPath = `${work}/import.sqlite3`;
  const timed: Record<keyof typeof files, ImportRun[]> = {
    random: [],
    sorted: [],
    randomBare: [],
    sortedBare: [],
  };
  // Alternating runs, so a slow moment of the machine does not fall on one variant only.
  for (let r = 0; r < runs; r++) {
    for (const variant of Object.keys(files) as (keyof typeof files)[]) {
      step(`${variant}, run ${r + 1} of ${runs}`);
      timed[variant].push(await runImport(files[variant], kvPath));
    }
  }
  // The store as the last bare run left it: records without threads.
  const bare = breakdown(kvPath);
  await runImport(files.random, kvPath);
  const full = breakdown(kvPath);
  step("rerun of the finished import");
  const rerun = await runImport(files.random, kvPath, true);

  step("killing an import mid-way");
  await removeStore(kvPath);
  const child = spawnImport(files.random, kvPath);
  let watcher: Db | null = null;
  // About one commit per 100 tickets: stop it once about half are stored.
  while (true) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    watcher ??= await Deno.stat(kvPath).then(() => openStore({ kvPath }, { readOnly: true }), () => null);
    const commits = (await watcher?.kv.get<Deno.KvU64>(keys.ticketChanges()))?.value?.value ?? 0n;
    if (commits * 100n >= BigInt(tickets) / 2n) break;
  }
  child.kill("SIGKILL");
  await child.status;
  await child.stdout.cancel();
  await child.stderr.cancel();
  watcher?.kv.close();
  const killed = await openStore({ kvPath }, { readOnly: true });
  const stored = await countTickets(killed);
  const afterKill = (await verifyStore(killed)).length;
  killed.kv.close();
  step("rerun after the kill");
  const resumed = await runImport(files.random, kvPath, true);
  const finished = await openStore({ kvPath }, { readOnly: true });
  const afterRerun = (await verifyStore(finished)).length;
  const total = await countTickets(finished);
  finished.kv.close();

  const withMessages = `${n} tickets with ${messages.toLocaleString("en")} messages`;
  const rate = (run: { median: number }) =>
    `${Math.round(tickets / run.median).toLocaleString("en")} tickets/s`;
  const r = spread(timed.random), s = spread(timed.sorted);
  const rb = spread(timed.randomBare), sb = spread(timed.sortedBare);
  const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
  const perTicket = (bytes: number) => `${Math.round(bytes / tickets).toLocaleString("en")} B`;
  const rows: string[][] = [
    [
      `\`deno task import\`, ${withMessages}, random order (median of ${runs})`,
      `${r.text}, ${rate(r)}`,
      "",
      "< 10 s",
    ],
    [`the same in id order`, `${s.text}, ${rate(s)}`, (r.median / s.median).toFixed(2), "random ÷ id ≈ 1"],
    [
      `\`deno task import\`, ${n} tickets without messages, random order`,
      `${rb.text}, ${rate(rb)}`,
      "",
      "report",
    ],
    [
      `the same in id order`,
      `${sb.text}, ${rate(sb)}`,
      (rb.median / sb.median).toFixed(2),
      "random ÷ id ≈ 1",
    ],
    [
      `peak memory (RSS) of the import, with messages / without`,
      `${Math.max(...timed.random.map((t) => t.peakMb)).toFixed(0)} MB / ${
        Math.max(...timed.randomBare.map((t) => t.peakMb)).toFixed(0)
      } MB`,
      "",
      "report",
    ],
    [`rerun of a finished import (all ${n} already stored)`, `${rerun.seconds.toFixed(1)} s`, "", "report"],
    [
      `import killed with SIGKILL at ${stored.toLocaleString("en")} of ${n} stored: verify differences`,
      String(afterKill),
      "",
      "0",
    ],
    [
      `rerun after the kill: time, then stored tickets and verify differences`,
      `${resumed.seconds.toFixed(1)} s, then ${total.toLocaleString("en")} and ${afterRerun}`,
      "",
      `${n} and 0`,
    ],
    [
      `KV file per ticket, with messages / records only (the same tickets without messages)`,
      `${perTicket(full.file)} / ${perTicket(bare.file)} (${mb(full.file)} / ${mb(bare.file)})`,
      "",
      "report",
    ],
    ...full.parts.map(([name, bytes], i) => [
      `… of which ${name}`,
      `${perTicket(bytes)} / ${perTicket(bare.parts[i][1])}`,
      `${((bytes / full.file) * 100).toFixed(0)}%`,
      "report",
    ]),
  ];
  return rows;
}
