import assert from "node:assert/strict";
import { exportLines } from "../cli/export.ts";
import { describeSummary, importLines } from "../cli/import.ts";
import { seededRandom, seedLines } from "../cli/seed.ts";
import type { Category } from "../lib/categories.ts";
import {
  allTickets,
  countByStatusCategory,
  type Db,
  getTicket,
  listMessages,
  openStore,
} from "../lib/data/mod.ts";
import { keys } from "../lib/data/keys.ts";
import { verifyStore } from "../lib/data/verify.ts";
import { memoryDb } from "./helpers.ts";

const NOW = new Date("2026-03-10T12:00:00.000Z");
const classify = (_text: string) => ({ category: "technical_it" as Category, confidence: 0.42 });

async function* linesOf(lines: string[]) {
  for (const line of lines) yield line;
}

let counter = 0;
/** A valid export line with a fresh id; `overrides` replace fields. */
function line(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  counter++;
  const id = `01JNZ${String(counter).padStart(21, "0")}`;
  return {
    id,
    description: `Radiator in E${counter} is cold`,
    category: "facility_management",
    categorySource: "auto",
    categoryConfidence: 0.93,
    status: "closed",
    openedAt: "2026-03-01T08:00:00.000Z",
    activatedAt: "2026-03-01T09:00:00.000Z",
    closedAt: "2026-03-02T10:00:00.000Z",
    updatedAt: "2026-03-02T10:00:00.000Z",
    messages: [{
      id: `01JNZM${String(counter).padStart(20, "0")}`,
      ticketId: id,
      authorRole: "helpdesk",
      authorName: "Sam",
      text: "On our way",
      createdAt: "2026-03-01T09:05:00.000Z",
    }],
    ...overrides,
  };
}

const json = (value: unknown) => JSON.stringify(value);

async function count(db: Awaited<ReturnType<typeof memoryDb>>) {
  let n = 0;
  for await (const _ of allTickets(db)) n++;
  return n;
}

Deno.test("[cli] import reports each bad line by number and reason, stores only the good ones", async () => {
  const db = await memoryDb();
  const good1 = line();
  const good2 = line({
    status: "open",
    activatedAt: null,
    closedAt: null,
    updatedAt: "2026-03-01T08:00:00.000Z",
    messages: [],
  });
  const base = line();
  const lines = [
    json(good1),
    "{not json",
    json({ ...line(), closedAt: null }),
    json({ ...line(), updatedAt: "2026-03-11T00:00:00.000Z" }),
    json({ ...base, messages: [{ ...(base.messages as object[])[0], text: "   " }] }),
    "",
    json(good2),
    json({ ...line(), priority: "high" }),
    json({ ...line(), activatedAt: "2026-02-28T00:00:00.000Z" }),
    json({
      ...base,
      messages: [{ ...(base.messages as object[])[0], createdAt: "2026-03-03T00:00:00.000Z" }],
    }),
    "[1, 2]",
    json({ ...line(), description: "" }),
    json({ ...line(), openedAt: "2026-02-30T08:00:00.000Z" }),
    json({ ...line(), status: "open" }),
    json({ ...line(), id: "not-a-ulid" }),
    json({ ...line(), category: "parking" }),
  ];
  const reported: [number, string][] = [];
  const summary = await importLines(db, linesOf(lines), {
    now: NOW,
    classify,
    onBadLine: (n, reason) => reported.push([n, reason]),
  });
  assert.deepEqual(summary.bad.map((b) => [b.line, b.reason]), reported);
  const reasons = Object.fromEntries(summary.bad.map((b) => [b.line, b.reason]));
  assert.deepEqual(Object.keys(reasons).map(Number), [2, 3, 4, 5, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
  assert.match(reasons[2], /not valid JSON/);
  assert.match(reasons[3], /a closed ticket needs activatedAt and closedAt/);
  assert.match(reasons[4], /updatedAt is in the future/);
  assert.match(reasons[5], /messages\[0\]\.text: Please write a message/);
  assert.match(reasons[8], /Unknown field priority/);
  assert.match(reasons[9], /activatedAt is before openedAt/);
  assert.match(reasons[10], /messages\[0\]\.createdAt is after the ticket was closed/);
  assert.match(reasons[11], /must be a JSON object/);
  assert.match(reasons[12], /description: Please describe the problem/);
  assert.match(reasons[13], /openedAt: must be an ISO 8601 time in UTC/);
  assert.match(reasons[14], /an open ticket has no activatedAt or closedAt/);
  assert.match(reasons[15], /id: That is not a ticket id/);
  assert.match(reasons[16], /category: The category must be one of/);
  assert.equal(summary.imported, 2);
  assert.equal(summary.messages, 1);
  assert.equal(await count(db), 2);
  assert.ok(await getTicket(db, good1.id as string));
  assert.ok(await getTicket(db, good2.id as string));
  assert.deepEqual(await verifyStore(db), []);
  assert.match(
    describeSummary(summary, 1.25),
    /imported 2 tickets \(1 message\), skipped 0 already stored, 13 bad lines in 1\.3 s/,
  );
  db.kv.close();
});

Deno.test("[cli] importing the same file twice changes nothing the second time", async () => {
  const db = await memoryDb();
  const lines = Array.from(
    { length: 30 },
    (_, i) =>
      json(
        line(i % 3 === 0 ? { status: "active", closedAt: null, updatedAt: "2026-03-01T09:05:00.000Z" } : {}),
      ),
  );
  const first = await importLines(db, linesOf(lines), { now: NOW, classify });
  assert.deepEqual([first.imported, first.existing, first.bad.length], [30, 0, 0]);
  const counts = await countByStatusCategory(db);
  const second = await importLines(db, linesOf(lines), { now: NOW, classify });
  assert.deepEqual([second.imported, second.existing, second.bad.length], [0, 30, 0]);
  assert.deepEqual(await countByStatusCategory(db), counts);
  assert.equal(counts.active.facility_management, 10);
  assert.equal(counts.closed.facility_management, 20);
  // A repeated id inside one file is imported once too.
  const again = line();
  const dup = await importLines(db, linesOf([json(again), json(again)]), { now: NOW, classify });
  assert.deepEqual([dup.imported, dup.existing], [1, 1]);
  assert.deepEqual(await verifyStore(db), []);
  db.kv.close();
});

Deno.test("[cli] a line without category is classified; a given category without a source counts as staff's", async () => {
  const db = await memoryDb();
  const { category: _, categorySource: __, categoryConfidence: ___, ...bare } = line();
  const { categorySource: _s, categoryConfidence: _c, ...given } = line({ category: "services_complaints" });
  await importLines(db, linesOf([json(bare), json(given)]), { now: NOW, classify });
  const auto = (await getTicket(db, bare.id as string))!;
  assert.deepEqual([auto.category, auto.categorySource, auto.categoryConfidence], [
    "technical_it",
    "auto",
    0.42,
  ]);
  const staff = (await getTicket(db, given.id as string))!;
  assert.deepEqual([staff.category, staff.categorySource, staff.categoryConfidence], [
    "services_complaints",
    "staff",
    null,
  ]);
  db.kv.close();
});

Deno.test("[cli] big batches and a thread too long for one commit are split under Deno KV's limits", async () => {
  const db = await memoryDb("Europe/Berlin");
  const long = line();
  // 250 messages of 4000 two-byte characters: about 2 MB, far over one commit's 800 KB.
  long.messages = Array.from({ length: 250 }, (_, i) => ({
    id: `01JNZN${String(i).padStart(20, "0")}`,
    authorRole: i % 2 ? "helpdesk" : "reporter",
    authorName: null,
    text: "é".repeat(3999) + i,
    createdAt: "2026-03-01T09:05:00.000Z",
  }));
  const many = Array.from({ length: 450 }, () => json(line()));
  const summary = await importLines(db, linesOf([json(long), ...many]), {
    now: NOW,
    classify,
    windowTickets: 1000,
  });
  assert.deepEqual([summary.imported, summary.bad.length], [451, 0]);
  assert.equal((await listMessages(db, long.id as string)).length, 250);
  assert.equal(await count(db), 451);
  assert.deepEqual(await verifyStore(db), []);
  db.kv.close();
});

Deno.test("[cli] deno task import exits 1 when a line was bad, and says which", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cli_import_" });
  try {
    const file = `${dir}/tickets.jsonl`;
    await Deno.writeTextFile(file, [json(line()), "{oops"].join("\n") + "\n");
    const cmd = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--config",
        new URL("../deno.json", import.meta.url).pathname,
        "cli/import.ts",
        file,
      ],
      cwd: new URL("..", import.meta.url).pathname,
      env: { HELPDESK_KV: `${dir}/kv.sqlite3` },
    });
    const { code, stdout, stderr } = await cmd.output();
    const out = new TextDecoder().decode(stdout);
    const err = new TextDecoder().decode(stderr);
    assert.equal(code, 1, err);
    assert.match(out, /imported 1 ticket \(1 message\), skipped 0 already stored, 1 bad line/);
    assert.match(err, /line 2: not valid JSON/);
    const usage = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--config", new URL("../deno.json", import.meta.url).pathname, "cli/import.ts"],
      cwd: new URL("..", import.meta.url).pathname,
      env: { HELPDESK_KV: `${dir}/kv.sqlite3` },
    }).output();
    assert.equal(usage.code, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Seeded export lines (every one with its category and thread) and the same lines in a random order. */
function seededHistory(tickets: number) {
  const sorted = [...seedLines({ tickets, seed: 13, now: NOW, timeZone: "UTC", classify })];
  const random = seededRandom(29);
  const shuffled = [...sorted];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
  }
  return { sorted, shuffled };
}

async function exported(db: Db): Promise<string> {
  let text = "";
  for await (const line of exportLines(db)) text += line + "\n";
  return text;
}

const ROOT = new URL("..", import.meta.url).pathname;

/** Runs `deno task import FILE` on the store at `kvPath`. */
function importCommand(file: string, kvPath: string) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", `${ROOT}deno.json`, "cli/import.ts", file],
    cwd: ROOT,
    env: { HELPDESK_KV: kvPath },
    stdout: "piped",
    stderr: "piped",
  });
}

Deno.test("[cli] a file in random order imports to the same store as in id order: same export bytes, verify clean", async () => {
  const { sorted, shuffled } = seededHistory(1500);
  const inOrder = await memoryDb();
  const summary = await importLines(inOrder, linesOf(sorted), { now: NOW, classify });
  assert.deepEqual([summary.imported, summary.bad.length], [1500, 0]);
  const expected = await exported(inOrder);
  // Windows much smaller than the file, on this thread and on parser threads: the result is the same.
  for (const options of [{ windowTickets: 400 }, { windowTickets: 250, parsers: 2 }, {}]) {
    const db = await memoryDb();
    const random = await importLines(db, linesOf(shuffled), { now: NOW, ...options });
    assert.deepEqual([random.imported, random.messages], [summary.imported, summary.messages]);
    assert.equal(await exported(db), expected);
    assert.deepEqual(await verifyStore(db), []);
    db.kv.close();
  }
  inOrder.kv.close();
});

Deno.test("[cli] lines parsed on parser threads are reported and imported as on this thread", async () => {
  const good = line();
  const { category: _, categorySource: __, categoryConfidence: ___, ...bare } = line();
  const lines = [json(good), "{oops", "", json(bare), json({ ...line(), status: "open" }), json(good)];
  const results = [];
  for (const parsers of [0, 1, 3]) {
    const db = await memoryDb();
    const reported: number[] = [];
    const summary = await importLines(db, linesOf(lines), {
      now: NOW,
      parsers,
      onBadLine: (n) => reported.push(n),
    });
    results.push({ summary, reported, out: await exported(db) });
    db.kv.close();
  }
  for (const result of results) assert.deepEqual(result, results[0]);
  assert.deepEqual(results[0].reported, [2, 5]);
  assert.deepEqual([results[0].summary.imported, results[0].summary.existing], [2, 1]);
});

Deno.test("[cli] deno task import killed with SIGKILL mid-way: verify is clean, and a rerun skips what was stored and finishes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cli_import_kill_" });
  try {
    const tickets = 12_000;
    const { sorted, shuffled } = seededHistory(tickets);
    const file = `${dir}/tickets.jsonl`;
    await Deno.writeTextFile(file, shuffled.join("\n") + "\n");
    const kvPath = `${dir}/kv.sqlite3`;
    const child = importCommand(file, kvPath).spawn();
    // Watch the change counter (one per commit) and kill the import once some commits have landed.
    let watcher: Db | null = null;
    for (let tries = 0; tries < 3000; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      watcher ??= await Deno.stat(kvPath).then(() => openStore({ kvPath }, { readOnly: true }), () => null);
      const commits = (await watcher?.kv.get<Deno.KvU64>(keys.ticketChanges()))?.value?.value ?? 0n;
      if (commits >= 3n) break;
    }
    child.kill("SIGKILL");
    const status = await child.status;
    await child.stdout.cancel();
    await child.stderr.cancel();
    watcher?.kv.close();
    assert.equal(status.signal, "SIGKILL");

    const afterKill = await openStore({ kvPath }, { readOnly: true });
    const stored = await count(afterKill);
    assert.ok(stored > 0 && stored < tickets, `killed mid-way: ${stored} of ${tickets} stored`);
    assert.deepEqual(await verifyStore(afterKill), []);
    afterKill.kv.close();

    const rerun = await importCommand(file, kvPath).output();
    const out = new TextDecoder().decode(rerun.stdout);
    assert.equal(rerun.code, 0, new TextDecoder().decode(rerun.stderr));
    const imported = (tickets - stored).toLocaleString("en");
    assert.match(
      out,
      new RegExp(`imported ${imported} tickets .*skipped ${stored.toLocaleString("en")} already`),
    );

    const db = await openStore({ kvPath }, { readOnly: true });
    assert.equal(await count(db), tickets);
    assert.deepEqual(await verifyStore(db), []);
    const whole = await memoryDb();
    await importLines(whole, linesOf(sorted), { now: NOW, classify });
    assert.deepEqual(await countByStatusCategory(db), await countByStatusCategory(whole));
    assert.equal(await exported(db), await exported(whole));
    db.kv.close();
    whole.kv.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
