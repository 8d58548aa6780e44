/**
 * Each analytics service against a direct computation over the same random history, written through the
 * app's path or imported: tickets opened,
 * started and closed at random times — and exactly on the edges that matter (the period's start, "now",
 * month starts in the campus zone, one millisecond either side) — in UTC, New York and Berlin (DST),
 * Kolkata (a half-hour offset) and Kiritimati (UTC+14). The oracle below never uses lib/data: its months come from Intl on its own.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { CATEGORIES, type Category } from "../lib/categories.ts";
import { allTickets, createTicket, type Ticket, updateTicket } from "../lib/data/mod.ts";
import { importTickets } from "../lib/data/import.ts";
import { verifyStore } from "../lib/data/verify.ts";
import { createActiveByCategoryService } from "../services/active_by_category/app.ts";
import { createBacklogService } from "../services/backlog/app.ts";
import { createResolutionTimeService } from "../services/resolution_time/app.ts";
import { DAY_MS, HOUR_MS } from "../lib/time.ts";
import { createUnclosedService } from "../services/unclosed/app.ts";
import { memoryDb } from "./helpers.ts";

const ZONES = ["UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "Pacific/Kiritimati"];

/** "YYYY-MM" of a time on the wall clock of `timeZone` (Swedish dates are ISO-like). */
function wallMonth(ms: number, timeZone: string): string {
  return new Date(ms).toLocaleString("sv-SE", { timeZone }).slice(0, 7);
}

function wallAsUtc(ms: number, timeZone: string): number {
  return Date.parse(new Date(ms).toLocaleString("sv-SE", { timeZone }).replace(" ", "T") + "Z");
}

/** The instant a month starts in `timeZone`, `back` months before the month of `ms`. */
function monthStart(ms: number, back: number, timeZone: string): number {
  const [y, m] = wallMonth(ms, timeZone).split("-").map(Number);
  const guess = Date.UTC(y, m - 1 - back, 1);
  let start = guess - (wallAsUtc(guess, timeZone) - guess);
  start = guess - (wallAsUtc(start, timeZone) - start);
  return start;
}

function addMonths(month: string, n: number): string {
  const [y, m] = month.split("-").map(Number);
  const index = y * 12 + (m - 1) + n;
  return `${Math.floor(index / 12)}-${String(index % 12 + 1).padStart(2, "0")}`;
}

type Period = { hours: number } | { days: number };
const periodMs = (p: Period) => "hours" in p ? p.hours * HOUR_MS : p.days * DAY_MS;

const openedArb = fc.oneof(
  fc.record({ kind: fc.constant("ago" as const), ms: fc.integer({ min: 0, max: 420 * DAY_MS }) }),
  fc.record({ kind: fc.constant("periodStart" as const), delta: fc.constantFrom(-1, 0, 1) }),
  fc.record({
    kind: fc.constant("monthStart" as const),
    back: fc.integer({ min: 0, max: 13 }),
    delta: fc.constantFrom(-1, 0, 1),
  }),
  fc.constant({ kind: "now" as const }),
);

const closeArb = fc.oneof(
  fc.record({ kind: fc.constant("after" as const), ms: fc.integer({ min: 0, max: 40 * DAY_MS }) }),
  fc.constant({ kind: "now" as const }),
  fc.constant({ kind: "nextMonthStart" as const }),
);

const ticketArb = fc.record({
  category: fc.constantFrom(...CATEGORIES),
  opened: openedArb,
  activateAfter: fc.option(fc.integer({ min: 0, max: 10 * DAY_MS }), { nil: null }),
  close: fc.option(closeArb, { nil: null }),
});

type TicketSpec = typeof ticketArb extends fc.Arbitrary<infer T> ? T : never;

const periodArb: fc.Arbitrary<Period> = fc.oneof(
  fc.record({ hours: fc.integer({ min: 1, max: 24 * 60 }) }),
  fc.record({ days: fc.integer({ min: 1, max: 500 }) }),
  fc.constant({ days: 3652 }),
);

const rangeArb = fc.record({
  from: fc.option(fc.integer({ min: -16, max: 2 }), { nil: null }),
  to: fc.option(fc.integer({ min: -16, max: 2 }), { nil: null }),
});

/** A ticket's final state as the oracle sees it. */
interface Fact {
  category: Category;
  opened: number;
  status: "open" | "active" | "closed";
  closed: number | null;
}

/** Builds the history through the data API (the web app's write path) and returns what it should say. */
async function buildHistory(
  db: Awaited<ReturnType<typeof memoryDb>>,
  specs: TicketSpec[],
  nowMs: number,
  period: Period,
): Promise<Fact[]> {
  const facts: Fact[] = [];
  const iso = (ms: number) => new Date(ms).toISOString();
  const strip = ({ version: _, ...record }: Ticket) => record;
  for (const spec of specs) {
    const o = spec.opened;
    let opened = o.kind === "ago"
      ? nowMs - o.ms
      : o.kind === "periodStart"
      ? nowMs - periodMs(period) + o.delta
      : o.kind === "monthStart"
      ? monthStart(nowMs, o.back, db.timeZone) + o.delta
      : nowMs;
    opened = Math.max(0, Math.min(nowMs, opened));
    const ticket = await createTicket(db, {
      description: "something broke",
      category: spec.category,
      categoryConfidence: 0.9,
      openedAt: new Date(opened),
    });
    const fact: Fact = { category: spec.category, opened, status: "open", closed: null };
    facts.push(fact);
    if (spec.activateAfter === null || opened + spec.activateAfter > nowMs) continue;
    const activated = opened + spec.activateAfter;
    await updateTicket(db, ticket.id, (t) => ({
      ...strip(t),
      status: "active",
      activatedAt: iso(activated),
      updatedAt: iso(activated),
    }), { expectedVersion: null });
    fact.status = "active";
    if (spec.close === null) continue;
    const c = spec.close;
    const closed = Math.max(
      activated,
      c.kind === "after" ? activated + c.ms : c.kind === "now" ? nowMs : monthStart(opened, -1, db.timeZone),
    );
    if (closed > nowMs) continue;
    await updateTicket(db, ticket.id, (t) => ({
      ...strip(t),
      status: "closed",
      closedAt: iso(closed),
      updatedAt: iso(closed),
    }), { expectedVersion: null });
    fact.status = "closed";
    fact.closed = closed;
  }
  return facts;
}

function expectedMonths(facts: Fact[], nowMs: number, timeZone: string, from?: string, to?: string) {
  if (facts.length === 0) return [];
  const first = wallMonth(Math.min(...facts.map((f) => f.opened)), timeZone);
  const current = wallMonth(nowMs, timeZone);
  const months: string[] = [];
  for (let m = first; m <= (current > first ? current : first); m = addMonths(m, 1)) months.push(m);
  return months.filter((m) => (!from || m >= from) && (!to || m <= to)).map((month) => {
    const closed = facts.filter((f) => f.closed !== null && wallMonth(f.opened, timeZone) === month);
    const durations = closed.map((f) => f.closed! - f.opened).sort((a, b) => a - b);
    const totalMs = durations.reduce((sum, d) => sum + d, 0);
    // Nearest rank: the value at rank ⌈p·n/100⌉ of the sorted durations.
    const rank = (p: number) =>
      durations.length ? durations[Math.ceil(p * durations.length / 100) - 1] / HOUR_MS : null;
    return {
      month,
      closed: closed.length,
      averageHours: closed.length ? totalMs / closed.length / HOUR_MS : null,
      medianHours: rank(50),
      p90Hours: rank(90),
    };
  });
}

/** The campus date ("YYYY-MM-DD") of a time, from Intl on its own. */
function wallDate(ms: number, timeZone: string): string {
  return new Date(ms).toLocaleString("sv-SE", { timeZone }).slice(0, 10);
}

/** The backlog the oracle expects: for each of the last `days` campus dates, counted ticket by ticket. */
function expectedBacklog(facts: Fact[], nowMs: number, timeZone: string, days: number) {
  const [y, m, d] = wallDate(nowMs, timeZone).split("-").map(Number);
  const answer = [];
  for (let back = days - 1; back >= 0; back--) {
    const date = new Date(Date.UTC(y, m - 1, d - back)).toISOString().slice(0, 10);
    answer.push({
      date,
      opened: facts.filter((f) => wallDate(f.opened, timeZone) === date).length,
      closed: facts.filter((f) => f.closed !== null && wallDate(f.closed, timeZone) === date).length,
      // Opened on or before the date and not closed on or before it (dates compare as strings).
      unclosedAtEnd: facts.filter((f) =>
        wallDate(f.opened, timeZone) <= date && (f.closed === null || wallDate(f.closed, timeZone) > date)
      ).length,
    });
  }
  return answer;
}

/** Asks all four services and compares each answer with the oracle's over `facts`. */
async function checkServices(
  db: Awaited<ReturnType<typeof memoryDb>>,
  facts: Fact[],
  nowMs: number,
  period: Period,
  range: { from: number | null; to: number | null },
  days: number,
) {
  const timeZone = db.timeZone;
  const now = () => new Date(nowMs);

  const query = "hours" in period ? `hours=${period.hours}` : `days=${period.days}`;
  const unclosed = await (await createUnclosedService(db, { now }).request(`/v1/unclosed?${query}`))
    .json();
  const fromMs = nowMs - periodMs(period);
  assert.deepEqual(unclosed, {
    from: new Date(fromMs).toISOString(),
    to: new Date(nowMs).toISOString(),
    count: facts.filter((f) => f.status !== "closed" && f.opened >= fromMs && f.opened <= nowMs).length,
  });

  const current = wallMonth(nowMs, timeZone);
  let from = range.from === null ? undefined : addMonths(current, range.from);
  let to = range.to === null ? undefined : addMonths(current, range.to);
  if (from && to && from > to) [from, to] = [to, from];
  const params = new URLSearchParams({ ...(from ? { from } : {}), ...(to ? { to } : {}) });
  const res = await createResolutionTimeService(db, { now }).request(`/v1/resolution-time?${params}`);
  const { months } = await res.json();
  const expected = expectedMonths(facts, nowMs, timeZone, from, to);
  assert.deepEqual(months.map((m: { month: string }) => m.month), expected.map((m) => m.month));
  months.forEach((m: Record<string, number | null>, i: number) => {
    assert.equal(m.closed, expected[i].closed);
    if (expected[i].averageHours === null) assert.equal(m.averageHours, null);
    else assert.ok(Math.abs(m.averageHours! - expected[i].averageHours!) < 1e-9);
    for (const field of ["medianHours", "p90Hours"] as const) {
      const exact = expected[i][field];
      if (exact === null) assert.equal(m[field], null);
      // Within 5 % of the exact percentile (and exactly 0 when it is 0).
      else assert.ok(Math.abs(m[field]! - exact) <= 0.05 * exact, `${field} ${m[field]} vs ${exact}`);
    }
  });

  const active = await (await createActiveByCategoryService(db).request("/v1/active-by-category")).json();
  assert.deepEqual(active, {
    categories: CATEGORIES.map((category) => ({
      category,
      active: facts.filter((f) => f.category === category && f.status === "active").length,
    })),
  });

  const backlog = await (await createBacklogService(db, { now }).request(`/v1/backlog?days=${days}`)).json();
  assert.deepEqual(backlog, { days: expectedBacklog(facts, nowMs, timeZone, days) });
}

const daysArb = fc.oneof(
  fc.integer({ min: 1, max: 45 }),
  fc.constantFrom(366),
  fc.integer({ min: 1, max: 366 }),
);
const nowArb = fc.integer({
  min: Date.parse("2025-06-01T00:00:00Z"),
  max: Date.parse("2027-06-01T00:00:00Z"),
});

Deno.test("[analytics] all four services equal a direct count over random histories", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...ZONES),
      nowArb,
      periodArb,
      fc.array(ticketArb, { maxLength: 25 }),
      rangeArb,
      daysArb,
      async (timeZone, nowMs, period, specs, range, days) => {
        const db = await memoryDb(timeZone);
        try {
          const facts = await buildHistory(db, specs, nowMs, period);
          await checkServices(db, facts, nowMs, period, range, days);
        } finally {
          db.kv.close();
        }
      },
    ),
    { numRuns: 100 },
  );
});

Deno.test("[analytics] all four services equal a direct count over random imported histories", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...ZONES),
      nowArb,
      periodArb,
      fc.array(ticketArb, { maxLength: 25 }),
      rangeArb,
      daysArb,
      async (timeZone, nowMs, period, specs, range, days) => {
        // The same history written once through the web app's path, then exported and imported elsewhere.
        const built = await memoryDb(timeZone);
        const db = await memoryDb(timeZone);
        try {
          const facts = await buildHistory(built, specs, nowMs, period);
          const items = (await Array.fromAsync(allTickets(built))).map(({ version: _, ...ticket }) => ({
            ticket,
            messages: [],
          }));
          await importTickets(db, items);
          await checkServices(db, facts, nowMs, period, range, days);
          assert.deepEqual(await verifyStore(db), []);
        } finally {
          built.kv.close();
          db.kv.close();
        }
      },
    ),
    { numRuns: 40 },
  );
});

Deno.test("[analytics] random histories leave indexes and counters equal to a recount", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...ZONES),
      periodArb,
      fc.array(ticketArb, { maxLength: 25 }),
      async (timeZone, period, specs) => {
        const db = await memoryDb(timeZone);
        try {
          await buildHistory(db, specs, Date.parse("2026-03-31T23:30:00Z"), period);
          assert.deepEqual(await verifyStore(db), []);
        } finally {
          db.kv.close();
        }
      },
    ),
    { numRuns: 40 },
  );
});
