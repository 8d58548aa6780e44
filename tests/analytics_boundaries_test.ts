/** Worked examples of the edges the property test also samples: inclusive periods and zone-local months. */
import assert from "node:assert/strict";
import type { Category } from "../lib/categories.ts";
import { createTicket, type Db, type Ticket, updateTicket } from "../lib/data/mod.ts";
import { createResolutionTimeService } from "../services/resolution_time/app.ts";
import { createUnclosedService } from "../services/unclosed/app.ts";
import { histogramHours, memoryDb } from "./helpers.ts";

async function open(db: Db, iso: string, category: Category = "technical_it"): Promise<Ticket> {
  return await createTicket(db, {
    description: "x",
    category,
    categoryConfidence: 0.9,
    openedAt: new Date(iso),
  });
}

async function close(db: Db, ticket: Ticket, iso: string) {
  const { version: _, ...record } = ticket;
  await updateTicket(db, ticket.id, () => ({
    ...record,
    status: "closed",
    activatedAt: ticket.openedAt,
    closedAt: iso,
    updatedAt: iso,
  }), { expectedVersion: null });
}

Deno.test("[analytics] the unclosed period includes both its start and now, to the millisecond", async () => {
  const db = await memoryDb();
  const now = new Date("2026-03-10T09:30:00.000Z");
  await open(db, "2026-03-10T07:29:59.999Z"); // 1 ms before the start: out
  await open(db, "2026-03-10T07:30:00.000Z"); // exactly the start: in
  await open(db, "2026-03-10T09:30:00.000Z"); // exactly now: in
  const closed = await open(db, "2026-03-10T08:00:00.000Z");
  await close(db, closed, "2026-03-10T09:00:00.000Z"); // closed: out
  const app = createUnclosedService(db, { now: () => now });
  const body = await (await app.request("/v1/unclosed?hours=2")).json();
  assert.deepEqual(body, { from: "2026-03-10T07:30:00.000Z", to: "2026-03-10T09:30:00.000Z", count: 2 });
  db.kv.close();
});

Deno.test("[analytics] months start at local midnight in Kolkata (UTC+05:30)", async () => {
  const db = await memoryDb("Asia/Kolkata");
  // 18:30 UTC on 28 Feb is 00:00 on 1 March in India.
  const feb = await open(db, "2026-02-28T18:29:59.999Z");
  const mar = await open(db, "2026-02-28T18:30:00.000Z");
  await close(db, feb, "2026-02-28T20:29:59.999Z"); // 2 hours
  await close(db, mar, "2026-03-01T00:30:00.000Z"); // 6 hours
  const app = createResolutionTimeService(db, { now: () => new Date("2026-03-15T00:00:00Z") });
  assert.deepEqual(await (await app.request("/v1/resolution-time")).json(), {
    months: [
      {
        month: "2026-02",
        closed: 1,
        averageHours: 2,
        medianHours: histogramHours(2),
        p90Hours: histogramHours(2),
      },
      {
        month: "2026-03",
        closed: 1,
        averageHours: 6,
        medianHours: histogramHours(6),
        p90Hours: histogramHours(6),
      },
    ],
  });
  db.kv.close();
});

Deno.test("[analytics] New York months follow daylight saving time, and a close on the boundary keeps the opening month", async () => {
  const db = await memoryDb("America/New_York");
  // November starts at 04:00 UTC (EDT, UTC−4); December at 05:00 UTC (EST, UTC−5).
  const oct = await open(db, "2026-11-01T03:59:59.999Z");
  const nov = await open(db, "2026-11-01T04:00:00.000Z");
  const lateNov = await open(db, "2026-12-01T04:30:00.000Z");
  const dec = await open(db, "2026-12-01T05:00:00.000Z");
  await close(db, oct, "2026-11-01T04:00:00.000Z"); // closed exactly as November begins
  await close(db, nov, "2026-12-01T05:00:00.000Z"); // closed exactly as December begins
  await close(db, lateNov, "2026-12-01T05:30:00.000Z");
  await close(db, dec, "2026-12-01T06:00:00.000Z");
  const app = createResolutionTimeService(db, { now: () => new Date("2026-12-20T00:00:00Z") });
  const { months } = await (await app.request("/v1/resolution-time")).json();
  assert.deepEqual(months.map((m: { month: string; closed: number }) => [m.month, m.closed]), [
    ["2026-10", 1],
    ["2026-11", 2],
    ["2026-12", 1],
  ]);
  assert.ok(Math.abs(months[0].averageHours - 1 / 3_600_000) < 1e-12);
  assert.equal(months[1].averageHours, (30 * 24 + 1 + 1) / 2);
  db.kv.close();
});

Deno.test("[analytics] resolution time narrows to from/to and still lists months without closed tickets", async () => {
  const db = await memoryDb();
  const jan = await open(db, "2026-01-15T00:00:00Z");
  await open(db, "2026-02-15T00:00:00Z");
  await close(db, jan, "2026-01-16T00:00:00Z");
  const app = createResolutionTimeService(db, { now: () => new Date("2026-04-02T00:00:00Z") });
  assert.deepEqual(await (await app.request("/v1/resolution-time?from=2026-02&to=2026-03")).json(), {
    months: [
      { month: "2026-02", closed: 0, averageHours: null, medianHours: null, p90Hours: null },
      { month: "2026-03", closed: 0, averageHours: null, medianHours: null, p90Hours: null },
    ],
  });
  assert.deepEqual(await (await app.request("/v1/resolution-time?to=2026-01")).json(), {
    months: [{
      month: "2026-01",
      closed: 1,
      averageHours: 24,
      medianHours: histogramHours(24),
      p90Hours: histogramHours(24),
    }],
  });
  db.kv.close();
});
