/**
 * The opening-time bucket covers behind the unclosed count: every piece of a period is counted exactly once
 * (no gap, no overlap), the record-by-record part stays within one 10-minute bucket, and a period that ends
 * now is read in a few runs whatever its length.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { countUnclosedOpenedSince, createTicket, type Db, type Ticket, updateTicket } from "./mod.ts";
import { BUCKET_LEVELS, bucketsOf, coverSince, type RangeCover } from "./time_buckets.ts";
import { DAY_MS, HOUR_MS, MINUTE_MS } from "../time.ts";
import { verifyStore } from "./verify.ts";
import { memoryDb } from "./testing.ts";

const FINEST = BUCKET_LEVELS[0].size;
const BLOCK = BUCKET_LEVELS[BUCKET_LEVELS.length - 1].size;
const LEVEL_NAMES = BUCKET_LEVELS.map((l) => l.level);
const bucketSize = (level: string) => BUCKET_LEVELS.find((l) => l.level === level)!.size;

interface Piece {
  from: number;
  to: number;
  /** The bucket level, or "exact" for a range counted record by record. */
  kind: string;
}

/** The cover's pieces in time order, each as a half-open millisecond range. */
function pieces(cover: RangeCover): Piece[] {
  return [
    ...cover.exact.map(([from, to]) => ({ from, to, kind: "exact" })),
    ...cover.runs.map((run) => {
      const size = bucketSize(run.level);
      return { from: run.start * size, to: run.end * size, kind: run.level };
    }),
  ].sort((a, b) => a.from - b.from);
}

/** Asserts that the pieces tile [from, to) exactly and returns them; exact pieces lie within one finest bucket. */
function assertTiles(cover: RangeCover, from: number, to: number): Piece[] {
  const list = pieces(cover);
  assert.ok(list.length > 0, "a non-empty range has pieces");
  assert.equal(list[0].from, from, "the first piece starts at the range's start");
  for (let i = 1; i < list.length; i++) {
    assert.equal(
      list[i].from,
      list[i - 1].to,
      `piece ${i} starts where piece ${i - 1} ends (no gap, no overlap)`,
    );
  }
  assert.equal(list[list.length - 1].to, to, "the last piece ends at the range's end");
  for (const piece of list) {
    assert.ok(piece.from < piece.to, "no empty piece");
    if (piece.kind === "exact") {
      // Record by record only for part of one 10-minute bucket.
      assert.ok(piece.to - piece.from < FINEST, "an exact piece is shorter than the finest bucket");
      assert.equal(Math.floor((piece.to - 1) / FINEST), Math.floor(piece.from / FINEST));
    }
  }
  for (const run of cover.runs) {
    assert.ok(Number.isInteger(run.start) && Number.isInteger(run.end) && run.start < run.end);
  }
  return list;
}

// Times from 2016 to 2036, and gaps that mix arbitrary lengths with ones near bucket boundaries.
const nowArb = fc.oneof(
  fc.integer({ min: Date.parse("2016-01-01T00:00:00Z"), max: Date.parse("2036-01-01T00:00:00Z") }),
  fc.record({
    index: fc.integer({ min: 16_000, max: 24_000 }),
    size: fc.constantFrom(...BUCKET_LEVELS.map((l) => l.size)),
    delta: fc.constantFrom(-1, 0, 1),
  }).map(({ index, size, delta }) => Math.floor(index * DAY_MS / size) * size + delta),
);
const spanArb = fc.oneof(
  fc.integer({ min: 0, max: 3652 * DAY_MS }),
  fc.integer({ min: 0, max: 2 * HOUR_MS }),
  fc.record({
    count: fc.integer({ min: 0, max: 200 }),
    unit: fc.constantFrom(MINUTE_MS, FINEST, HOUR_MS, DAY_MS, BLOCK),
    delta: fc.constantFrom(-1, 0, 1),
  }).map(({ count, unit, delta }) => Math.max(0, count * unit + delta)),
);

Deno.test("[data] coverSince tiles [from, end of the bucket holding now) exactly, in at most five reads", () => {
  fc.assert(
    fc.property(nowArb, spanArb, (now, span) => {
      const from = now - span;
      const cover = coverSince(from, now);
      const list = pieces(cover);
      const last = list[list.length - 1];
      assertTiles(cover, from, last.to);
      // The end lies past now, at the end of the (finest for exact) bucket of the last piece holding now.
      const lastSize = last.kind === "exact" ? FINEST : bucketSize(last.kind);
      assert.ok(last.to > now, "now is covered");
      assert.equal(last.to % lastSize, 0, "the cover ends on a bucket boundary");
      assert.ok(last.to - lastSize <= now, "the last bucket holds now: nothing past its end is read");
      // A few reads whatever the period: at most one exact range and one run per level, finest first.
      assert.ok(cover.exact.length <= 1);
      assert.ok(cover.runs.length <= BUCKET_LEVELS.length);
      const order = cover.runs.map((run) => LEVEL_NAMES.indexOf(run.level));
      assert.deepEqual(order, [...order].sort((a, b) => a - b));
      assert.equal(new Set(order).size, order.length);
      // Below the top level a run climbs to the next boundary: fewer buckets than fit in the coarser one.
      for (const run of cover.runs) {
        const i = LEVEL_NAMES.indexOf(run.level);
        if (i < BUCKET_LEVELS.length - 1) {
          assert.ok(run.end - run.start < BUCKET_LEVELS[i + 1].size / BUCKET_LEVELS[i].size);
        } else {
          assert.ok(run.end - run.start <= Math.ceil(span / BLOCK) + 1);
        }
      }
    }),
    { numRuns: 3000 },
  );
});

Deno.test("[data] coverSince is empty when the start is after now", () => {
  assert.deepEqual(coverSince(1_000_000_001, 1_000_000_000), { exact: [], runs: [] });
});

Deno.test("[data] a day back from 10:30 reads the partial 10 minutes, 10-minute buckets, hours, then today", () => {
  const from = Date.parse("2026-07-14T10:34:56.789Z");
  const now = Date.parse("2026-07-15T10:30:00.000Z");
  const iso = (ms: number) => new Date(ms).toISOString();
  assert.deepEqual(pieces(coverSince(from, now)).map((p) => [p.kind, iso(p.from), iso(p.to)]), [
    ["exact", "2026-07-14T10:34:56.789Z", "2026-07-14T10:40:00.000Z"],
    ["10min", "2026-07-14T10:40:00.000Z", "2026-07-14T11:00:00.000Z"],
    ["hour", "2026-07-14T11:00:00.000Z", "2026-07-15T00:00:00.000Z"],
    ["day", "2026-07-15T00:00:00.000Z", "2026-07-16T00:00:00.000Z"],
  ]);
});

Deno.test("[data] every unclosed ticket counts once at each level, 10 minutes included", () => {
  const ms = Date.parse("2026-07-15T10:39:59.999Z");
  assert.deepEqual(bucketsOf(ms).map((b) => b.level), LEVEL_NAMES);
  for (const { level, index } of bucketsOf(ms)) {
    const size = bucketSize(level);
    assert.ok(index * size <= ms && ms < (index + 1) * size);
  }
});

const ticketArb = fc.record({
  // Opening time relative to now, with weight on the edges that matter: the period's start, now, and
  // bucket boundaries near both.
  opened: fc.oneof(
    fc.integer({ min: 0, max: 60 * DAY_MS }),
    fc.constantFrom(0, 1, FINEST - 1, FINEST, FINEST + 1),
    fc.record({ delta: fc.constantFrom(-1, 0, 1) }),
  ),
  closed: fc.boolean(),
});

async function openAt(db: Db, ms: number): Promise<Ticket> {
  return await createTicket(db, {
    description: "x",
    category: "technical_it",
    categoryConfidence: 0.9,
    openedAt: new Date(ms),
  });
}

Deno.test("[data] countUnclosedOpenedSince equals a direct count", async () => {
  await fc.assert(
    fc.asyncProperty(
      nowArb,
      fc.integer({ min: 1, max: 40 * DAY_MS }),
      fc.array(ticketArb, { maxLength: 15 }),
      async (now, span, specs) => {
        const from = now - span;
        const db = await memoryDb();
        try {
          const expected: number[] = [];
          for (const spec of specs) {
            const opened = typeof spec.opened === "number" ? now - spec.opened : from + spec.opened.delta;
            const ticket = await openAt(db, opened);
            if (spec.closed) {
              const { version: _, ...record } = ticket;
              const at = new Date(now).toISOString();
              await updateTicket(db, ticket.id, () => ({
                ...record,
                status: "closed",
                activatedAt: record.openedAt,
                closedAt: at,
                updatedAt: at,
              }), { expectedVersion: ticket.version });
            } else {
              expected.push(opened);
            }
          }
          const count = expected.filter((ms) => ms >= from && ms <= now).length;
          assert.equal(await countUnclosedOpenedSince(db, from, now), count);
          assert.deepEqual(await verifyStore(db), []);
        } finally {
          db.kv.close();
        }
      },
    ),
    { numRuns: 60 },
  );
});
