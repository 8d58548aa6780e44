/**
 * Service 4 on known histories: days are campus calendar days (a DST day of 23 or 25 hours is one day),
 * unclosed at the end of each day counts what was opened by then and not yet closed, and bad parameters
 * are refused with a message naming them.
 */
import assert from "node:assert/strict";
import { createTicket, type Db, type Ticket, updateTicket } from "../lib/data/mod.ts";
import { createBacklogService } from "../services/backlog/app.ts";
import { backlogAnswerSchema } from "../services/contracts.ts";
import { memoryDb } from "./helpers.ts";

async function open(db: Db, at: string) {
  return await createTicket(db, {
    description: "the heating is off",
    category: "facility_management",
    categoryConfidence: 0.9,
    openedAt: new Date(at),
  });
}

async function close(db: Db, ticket: Ticket, at: string) {
  const strip = ({ version: _, ...r }: Ticket) => r;
  await updateTicket(db, ticket.id, (t) => ({ ...strip(t), status: "active", activatedAt: at }), {
    expectedVersion: null,
  });
  await updateTicket(db, ticket.id, (t) => ({ ...strip(t), status: "closed", closedAt: at, updatedAt: at }), {
    expectedVersion: null,
  });
}

Deno.test("[analytics] backlog: Berlin days across the spring DST change, unclosed at each day's end", async () => {
  const db = await memoryDb("Europe/Berlin");
  // 29 March 2026 is 23 hours long in Berlin (clocks go 02:00 → 03:00 CET→CEST).
  const a = await open(db, "2026-03-27T22:59:59.999Z"); // 23:59:59.999 on the 27th in Berlin (UTC+1)
  await open(db, "2026-03-27T23:00:00.000Z"); // 00:00 on the 28th
  const c = await open(db, "2026-03-28T23:30:00.000Z"); // 00:30 on the 29th
  await close(db, a, "2026-03-29T21:59:59.999Z"); // 23:59:59.999 on the 29th (UTC+2 now)
  await close(db, c, "2026-03-29T22:00:00.000Z"); // 00:00 on the 30th
  const app = createBacklogService(db, { now: () => new Date("2026-03-30T08:00:00Z") });
  const res = await app.request("/v1/backlog?days=4");
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.ok(backlogAnswerSchema.safeParse(body).success);
  assert.deepEqual(body, {
    days: [
      { date: "2026-03-27", opened: 1, closed: 0, unclosedAtEnd: 1 },
      { date: "2026-03-28", opened: 1, closed: 0, unclosedAtEnd: 2 },
      { date: "2026-03-29", opened: 1, closed: 1, unclosedAtEnd: 2 },
      { date: "2026-03-30", opened: 0, closed: 1, unclosedAtEnd: 1 },
    ],
  });
  db.kv.close();
});

Deno.test("[analytics] backlog: today is the campus date, far ahead of UTC in Kiritimati (UTC+14)", async () => {
  const db = await memoryDb("Pacific/Kiritimati");
  await open(db, "2026-05-01T10:00:00.000Z"); // already 2 May, 00:00 in Kiritimati
  const app = createBacklogService(db, { now: () => new Date("2026-05-01T10:30:00Z") });
  const { days } = await (await app.request("/v1/backlog?days=2")).json();
  assert.deepEqual(days, [
    { date: "2026-05-01", opened: 0, closed: 0, unclosedAtEnd: 0 },
    { date: "2026-05-02", opened: 1, closed: 0, unclosedAtEnd: 1 },
  ]);
  const year = await (await app.request("/v1/backlog?days=366")).json();
  assert.equal(year.days.length, 366);
  assert.equal(year.days[0].date, "2025-05-02");
  db.kv.close();
});

Deno.test("[analytics] backlog refuses days that are missing, not whole, out of 1–366, repeated or unknown", async () => {
  const db = await memoryDb();
  const app = createBacklogService(db);
  for (
    const [query, message] of [
      ["", /days=N/],
      ["?days=0", /days must be at least 1/],
      ["?days=367", /days must be at most 366/],
      ["?days=1.5", /days must be a whole number/],
      ["?days=-3", /days must be a whole number/],
      ["?days=", /days must be a whole number/],
      ["?days=7&days=8", /days is given more than once/],
      ["?days=7&weeks=1", /unknown parameter weeks/i],
    ] as const
  ) {
    const res = await app.request(`/v1/backlog${query}`);
    assert.equal(res.status, 400, query);
    assert.match((await res.json()).error, message, query);
  }
  assert.equal((await app.request("/health")).status, 200);
  assert.equal((await app.request("/v1/backlog?days=7", { method: "POST" })).status, 405);
  db.kv.close();
});
