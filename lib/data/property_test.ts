import assert from "node:assert/strict";
import fc from "fast-check";
import { CATEGORIES } from "../categories.ts";
import { HOUR_MS } from "../time.ts";
import {
  addMessage,
  allTickets,
  countByStatusCategory,
  createTicket,
  listTickets,
  resolutionByOpenMonth,
  STATUSES,
  type Ticket,
  updateTicket,
} from "./mod.ts";
import { verifyStore } from "./verify.ts";
import { monthOf } from "./time_buckets.ts";
import { memoryDb } from "./testing.ts";

const START = Date.parse("2025-01-01T00:00:00Z");

const operation = fc.oneof(
  fc.record({
    kind: fc.constant("create" as const),
    category: fc.constantFrom(...CATEGORIES),
    hours: fc.integer({ min: 0, max: 24 * 400 }),
  }),
  fc.record({
    kind: fc.constant("advance" as const),
    pick: fc.nat(),
    hours: fc.integer({ min: 0, max: 24 * 60 }),
  }),
  fc.record({
    kind: fc.constant("recategorise" as const),
    pick: fc.nat(),
    category: fc.constantFrom(...CATEGORIES),
  }),
  fc.record({ kind: fc.constant("message" as const), pick: fc.nat() }),
);

Deno.test("[data] any sequence of changes keeps indexes and counters equal to a recount", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(operation, { maxLength: 40 }),
      fc.constantFrom("UTC", "America/New_York", "Asia/Kolkata"),
      async (ops, timeZone) => {
        const db = await memoryDb(timeZone);
        const ids: string[] = [];
        try {
          for (const op of ops) {
            if (op.kind === "create") {
              const t = await createTicket(db, {
                description: "something",
                category: op.category,
                categoryConfidence: 0.5,
                openedAt: new Date(START + op.hours * HOUR_MS),
              });
              ids.push(t.id);
              continue;
            }
            if (ids.length === 0) continue;
            const id = ids[op.pick % ids.length];
            const strip = ({ version: _, ...r }: Ticket) => r;
            if (op.kind === "advance") {
              await updateTicket(db, id, (t) => {
                const later = new Date(Date.parse(t.updatedAt) + op.hours * HOUR_MS).toISOString();
                if (t.status === "open") {
                  return { ...strip(t), status: "active", activatedAt: later, updatedAt: later };
                }
                if (t.status === "active") {
                  return { ...strip(t), status: "closed", closedAt: later, updatedAt: later };
                }
                return strip(t);
              }, { expectedVersion: null });
            } else if (op.kind === "recategorise") {
              await updateTicket(
                db,
                id,
                (t) => ({ ...strip(t), category: op.category, categorySource: "staff" }),
                {
                  expectedVersion: null,
                },
              );
            } else {
              await addMessage(db, id, {
                authorRole: "reporter",
                authorName: null,
                text: "hi",
                createdAt: new Date(),
              })
                .catch(() => {/* closed threads refuse messages; that is fine here */});
            }
          }
          assert.deepEqual(await verifyStore(db), []);
          // Median and p90 per opening month: within 5 % of the nearest-rank value of the durations.
          const closedTickets = (await Array.fromAsync(allTickets(db))).filter((t) => t.status === "closed");
          const months = await resolutionByOpenMonth(db, new Date(START + 500 * 24 * HOUR_MS));
          for (const m of months) {
            const durations = closedTickets.filter((t) =>
              monthOf(Date.parse(t.openedAt), timeZone) === m.month
            )
              .map((t) => (Date.parse(t.closedAt!) - Date.parse(t.openedAt)) / HOUR_MS).sort((a, b) => a - b);
            assert.equal(m.closed, durations.length);
            for (const [p, got] of [[50, m.medianHours], [90, m.p90Hours]] as const) {
              if (durations.length === 0) assert.equal(got, null);
              else {
                const exact = durations[Math.ceil((p * durations.length) / 100) - 1];
                assert.ok(Math.abs(got! - exact) <= 0.05 * exact, `p${p} ${got} vs ${exact}`);
              }
            }
          }
          // The status+category counters also agree with the lists built from the pointer indexes.
          const counts = await countByStatusCategory(db);
          for (const status of STATUSES) {
            for (const category of CATEGORIES) {
              const page = await listTickets(db, { statuses: [status], category, limit: 100 });
              assert.equal(counts[status][category], page.tickets.length);
            }
          }
          const all = (await Array.fromAsync(allTickets(db))).map((t) => t.id);
          assert.equal(all.length, ids.length);
          // Paging through every status (read straight from the records) and through the open and
          // active indexes visits each ticket once, newest first.
          for (const statuses of [[...STATUSES], ["open", "active"] as const]) {
            const seen: string[] = [];
            let cursor: string | undefined;
            do {
              const page = await listTickets(db, { statuses, limit: 3, cursor });
              seen.push(...page.tickets.map((t) => t.id));
              cursor = page.cursor ?? undefined;
            } while (cursor);
            const expected = (await Array.fromAsync(allTickets(db)))
              .filter((t) => (statuses as readonly string[]).includes(t.status)).map((t) => t.id).reverse();
            assert.deepEqual(seen, expected);
          }
        } finally {
          db.kv.close();
        }
      },
    ),
    { numRuns: 60 },
  );
});
