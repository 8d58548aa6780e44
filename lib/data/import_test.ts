import assert from "node:assert/strict";
import fc from "fast-check";
import { ulid } from "ulid";
import { type ImportItem, importTickets } from "./import.ts";
import { listMessages } from "./messages.ts";
import { memoryDb } from "./testing.ts";
import { verifyStore } from "./verify.ts";

// One- to four-byte characters, a character JSON escapes, and long runs: what makes commits big.
const textArb = fc.string({
  unit: fc.constantFrom("a", "é", "中", "😀", "\u0001", "\n"),
  minLength: 1,
  maxLength: 5000,
});

Deno.test("[data] import packs any threads into commits within Deno KV's limits: every ticket and message stored", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.record({ texts: fc.array(textArb, { maxLength: 120 }), description: textArb }), {
        minLength: 1,
        maxLength: 6,
      }),
      async (tickets) => {
        const db = await memoryDb();
        const at = "2026-03-01T10:00:00.000Z";
        const items: ImportItem[] = tickets.map(({ texts, description }) => {
          const id = ulid(Date.parse(at));
          return {
            ticket: {
              id,
              description,
              category: "technical_it",
              categorySource: "staff",
              categoryConfidence: null,
              status: "open",
              openedAt: at,
              activatedAt: null,
              closedAt: null,
              updatedAt: at,
            },
            messages: texts.map((text, i) => ({
              id: ulid(Date.parse(at)),
              ticketId: id,
              seq: i + 1,
              authorRole: "reporter",
              authorName: null,
              text,
              createdAt: at,
            })),
          };
        });
        const outcomes = await importTickets(db, items);
        assert.deepEqual(outcomes, items.map(() => "imported"));
        for (const item of items) {
          assert.equal((await listMessages(db, item.ticket.id)).length, item.messages.length);
        }
        assert.deepEqual(await verifyStore(db), []);
        db.kv.close();
      },
    ),
    { numRuns: 6 },
  );
});

Deno.test("[data] import of the biggest possible threads: 300 messages of 5,000 two-byte characters each", async () => {
  const db = await memoryDb();
  const at = "2026-03-01T10:00:00.000Z";
  const items: ImportItem[] = ["中", "😀", "\u0001"].map((unit) => {
    const id = ulid(Date.parse(at));
    return {
      ticket: {
        id,
        description: unit.repeat(5000 / unit.length),
        category: "technical_it",
        categorySource: "staff",
        categoryConfidence: null,
        status: "open",
        openedAt: at,
        activatedAt: null,
        closedAt: null,
        updatedAt: at,
      },
      messages: Array.from({ length: 300 }, (_, i) => ({
        id: ulid(Date.parse(at)),
        ticketId: id,
        seq: i + 1,
        authorRole: "helpdesk" as const,
        authorName: "x".repeat(80),
        text: unit.repeat(5000 / unit.length),
        createdAt: at,
      })),
    };
  });
  assert.deepEqual(await importTickets(db, items), ["imported", "imported", "imported"]);
  for (const item of items) assert.equal((await listMessages(db, item.ticket.id)).length, 300);
  db.kv.close();
});
