import assert from "node:assert/strict";
import { formatMismatches } from "../cli/verify.ts";
import {
  createTicket,
  type Db,
  openStore,
  resolutionByOpenMonth,
  type Ticket,
  updateTicket,
} from "../lib/data/mod.ts";
import { keys } from "../lib/data/keys.ts";
import { histogramBucketOf } from "../lib/data/resolution_histogram.ts";
import { repairStore } from "../lib/data/repair.ts";
import { verifyStore } from "../lib/data/verify.ts";
import { histogramHours, memoryDb } from "./helpers.ts";

const ROOT = new URL("..", import.meta.url).pathname;

async function someTickets(db: Db) {
  const strip = ({ version: _, ...r }: Ticket) => r;
  const a = await createTicket(db, {
    description: "Leak",
    category: "facility_management",
    categoryConfidence: 0.9,
    openedAt: new Date("2026-02-28T20:00:00Z"),
  });
  await updateTicket(
    db,
    a.id,
    (t) => ({ ...strip(t), status: "active", activatedAt: "2026-02-28T21:00:00.000Z" }),
    { expectedVersion: null },
  );
  await updateTicket(
    db,
    a.id,
    (t) => ({ ...strip(t), status: "closed", closedAt: "2026-03-01T01:00:00.000Z" }),
    { expectedVersion: null },
  );
  await createTicket(db, {
    description: "Wi-Fi",
    category: "technical_it",
    categoryConfidence: 0.9,
    openedAt: new Date("2026-03-02T10:00:00Z"),
  });
  return a;
}

function verifyCli(kvPath: string, args: string[] = [], timeZone = "UTC") {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", `${ROOT}deno.json`, "cli/verify.ts", ...args],
    cwd: ROOT,
    env: { HELPDESK_KV: kvPath, HELPDESK_TIMEZONE: timeZone },
  }).output();
}

Deno.test("[cli] verify finds a tampered counter, a lost index and a stray index, and repair fixes them", async () => {
  const db = await memoryDb();
  const a = await someTickets(db);
  assert.deepEqual(await verifyStore(db), []);
  await db.kv.set(keys.countByStatusCategory("open", "technical_it"), new Deno.KvU64(5n));
  await db.kv.delete(keys.byStatus("closed", a.id));
  await db.kv.set(keys.byStatus("open", a.id), a.id);
  const mismatches = await verifyStore(db);
  const sorted = (rows: unknown[][]) => rows.map((r) => JSON.stringify(r)).sort();
  assert.deepEqual(
    sorted(mismatches.map((m) => [m.key, m.expected, m.actual])),
    sorted([
      [keys.byStatus("closed", a.id), a.id, null],
      [keys.countByStatusCategory("open", "technical_it"), "1", "5"],
      [keys.byStatus("open", a.id), null, a.id],
    ]),
  );
  const table = formatMismatches(mismatches);
  assert.match(table, /^key\s+expected\s+actual\n-+/);
  assert.match(table, /\["stats_tickets_by_status_category","open","technical_it"\]\s+1\s+5/);
  assert.match(table, /\(none\)/);
  assert.equal((await repairStore(db)).length, 3);
  assert.deepEqual(await verifyStore(db), []);
  db.kv.close();
});

Deno.test("[cli] verify finds a tampered resolution-time histogram bucket, and repair fixes it", async () => {
  const db = await memoryDb();
  await someTickets(db);
  // Ticket a: opened 28 Feb 20:00, closed 1 Mar 01:00 UTC — 5 hours, counted in February's histogram.
  const bucket = histogramBucketOf(5 * 3_600_000);
  await db.kv.set(keys.resolutionHistogram("2026-02", bucket), new Deno.KvU64(3n));
  await db.kv.set(keys.resolutionHistogram("2026-02", bucket + 7), new Deno.KvU64(1n));
  const mismatches = await verifyStore(db);
  assert.deepEqual(
    mismatches.map((m) => [m.key, m.expected, m.actual]).sort(),
    [
      [keys.resolutionHistogram("2026-02", bucket), "1", "3"],
      [keys.resolutionHistogram("2026-02", bucket + 7), null, "1"],
    ].sort(),
  );
  await repairStore(db);
  assert.deepEqual(await verifyStore(db), []);
  const [feb] = await resolutionByOpenMonth(db, new Date("2026-03-10T00:00:00Z"));
  assert.equal(feb.medianHours, histogramHours(5));
  db.kv.close();
});

Deno.test("[cli] repair moves the month counters to a new campus time zone", async () => {
  const kv = await Deno.openKv(":memory:");
  await someTickets(await openStore({ kv, timeZone: "UTC" }));
  await assert.rejects(openStore({ kv, timeZone: "Asia/Kolkata" }), /kept in time zone "UTC"/);
  const fixed = await repairStore(await openStore({ kv, timeZone: "Asia/Kolkata" }, { anyTimeZone: true }));
  assert.ok(fixed.some((m) => m.key[0] === "stats_closed_by_open_month"));
  const db = await openStore({ kv, timeZone: "Asia/Kolkata" });
  assert.deepEqual(await verifyStore(db), []);
  // Opened 20:00 UTC on 28 Feb is 01:30 on 1 March in India.
  const months = await resolutionByOpenMonth(db, new Date("2026-03-10T00:00:00Z"));
  assert.deepEqual(months, [{
    month: "2026-03",
    closed: 1,
    averageHours: 5,
    medianHours: histogramHours(5),
    p90Hours: histogramHours(5),
  }]);
  kv.close();
});

Deno.test("[cli] deno task verify: exit 0 when clean, a diff and exit 1 when not, --repair fixes it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cli_verify_" });
  try {
    const kvPath = `${dir}/kv.sqlite3`;
    const kv = await Deno.openKv(kvPath);
    await someTickets(await openStore({ kv }));
    kv.close();
    const clean = await verifyCli(kvPath);
    assert.equal(clean.code, 0);
    assert.equal(
      new TextDecoder().decode(clean.stdout).trim(),
      "verified 2 tickets: indexes and counters match",
    );

    const tamper = await Deno.openKv(kvPath);
    await tamper.set(keys.closedByOpenMonth("2026-02"), new Deno.KvU64(7n));
    tamper.close();
    const dirty = await verifyCli(kvPath);
    const out = new TextDecoder().decode(dirty.stdout);
    assert.equal(dirty.code, 1);
    assert.match(out, /1 differences/);
    assert.match(out, /\["stats_closed_by_open_month","2026-02"\]\s+1\s+7/);

    const repaired = await verifyCli(kvPath, ["--repair"]);
    assert.equal(repaired.code, 0, new TextDecoder().decode(repaired.stderr));
    assert.match(new TextDecoder().decode(repaired.stdout), /repaired 1 keys[\s\S]*verified 2 tickets/);

    const otherZone = await verifyCli(kvPath, [], "America/New_York");
    assert.equal(otherZone.code, 1);
    assert.match(new TextDecoder().decode(otherZone.stderr), /kept in time zone "UTC"/);
    const check = await openStore({ kv: await Deno.openKv(kvPath) }, { readOnly: true });
    assert.deepEqual(await verifyStore(check), []);
    check.kv.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
