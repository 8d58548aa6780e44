import assert from "node:assert/strict";
import fc from "fast-check";
import { CATEGORIES } from "./categories.ts";
import {
  changeTicket,
  createHelpdesk,
  fileTicket,
  readHistory,
  restoreDescription,
  viewTicket,
} from "./helpdesk.ts";
import { type HistoryEntry, historyProblem, type Ticket } from "./data/mod.ts";
import { verifyStore } from "./data/verify.ts";
import { memoryDb } from "./data/testing.ts";
import { exportLines } from "../cli/export.ts";
import { importLines } from "../cli/import.ts";

const WORDS = ["printer", "jams", "radiator", "cold", "wifi", "down", "door", "stuck", "canteen", "slow"];
const text = fc.array(fc.constantFrom(...WORDS), { minLength: 2, maxLength: 6 }).map((w) => w.join(" "));
const who = fc.record({
  role: fc.constantFrom("reporter" as const, "helpdesk" as const),
  name: fc.option(fc.constantFrom("Ana", "Ben", "Sam"), { nil: null }),
});

const operation = fc.oneof(
  fc.record({ kind: fc.constant("file" as const), text, who }),
  fc.record({ kind: fc.constant("describe" as const), pick: fc.nat(), text, who }),
  fc.record({
    kind: fc.constant("categorise" as const),
    pick: fc.nat(),
    category: fc.constantFrom(...CATEGORIES),
  }),
  fc.record({ kind: fc.constant("advance" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("restore" as const), pick: fc.nat(), entry: fc.nat() }),
);

/** The description, category and status the history says the ticket has, replayed from its entries. */
function replay(history: HistoryEntry[], start: Pick<Ticket, "category">) {
  const state = { description: "", category: start.category as string, status: "open" };
  for (const entry of history) {
    if (entry.field === "created") state.description = entry.to!;
    else state[entry.field] = entry.to!;
  }
  return state;
}

Deno.test("[history] any sequence of changes: the history replays to the ticket, verify agrees, export → import → export is identical", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(operation, { maxLength: 25 }), async (ops) => {
      const db = await memoryDb();
      let clock = Date.parse("2026-03-01T08:00:00Z");
      const h = await createHelpdesk(db, { now: () => new Date(clock += 60_000) });
      const ids: string[] = [];
      const first = new Map<string, Ticket>();
      const staff = { role: "helpdesk" as const, reporterKeyHash: null, name: "Sam" };
      try {
        for (const op of ops) {
          const id = ids[("pick" in op ? op.pick : 0) % Math.max(ids.length, 1)];
          try {
            if (op.kind === "file") {
              const t = await fileTicket(h, { description: op.text }, { ...op.who, reporterKeyHash: null });
              ids.push(t.id);
              first.set(t.id, t);
            } else if (!id) continue;
            else if (op.kind === "describe") {
              await changeTicket(h, { ...op.who, reporterKeyHash: null }, id, { saw: {} }, {
                description: op.text,
              });
            } else if (op.kind === "categorise") {
              await changeTicket(h, staff, id, { saw: {} }, { category: op.category });
            } else if (op.kind === "advance") {
              const t = await viewTicket(h, staff, id);
              if (t.status !== "closed") {
                await changeTicket(h, staff, id, { saw: {} }, {
                  status: t.status === "open" ? "active" : "closed",
                });
              }
            } else {
              const t = await viewTicket(h, staff, id);
              await restoreDescription(h, staff, id, (op.entry % Math.max(t.historyCount, 1)) + 1, {
                version: t.version,
              });
            }
          } catch (error) {
            // Refusals (a closed ticket, which a reporter does not even see; a number that is no description
            // change) change nothing.
            const refusal = /closed|no description change|not visible to you/;
            if (!(error instanceof Error) || !refusal.test(error.message)) throw error;
          }
        }
        for (const id of ids) {
          const ticket = await viewTicket(h, staff, id);
          const history = await readHistory(h, staff, id);
          assert.equal(historyProblem(ticket, history), null);
          const state = replay(history, first.get(id)!);
          assert.equal(state.description, ticket.description);
          assert.equal(state.status, ticket.status);
          assert.equal(state.category, ticket.category);
        }
        assert.deepEqual(await verifyStore(db), []);
        const lines: string[] = [];
        for await (const line of exportLines(db)) lines.push(line);
        const target = await memoryDb();
        try {
          await importLines(
            target,
            (async function* () {
              yield* lines;
            })(),
            { now: new Date(clock + 1), classify: () => ({ category: "technical_it", confidence: 1 }) },
          );
          const again: string[] = [];
          for await (const line of exportLines(target)) again.push(line);
          assert.deepEqual(again, lines);
          assert.deepEqual(await verifyStore(target), []);
        } finally {
          target.kv.close();
        }
      } finally {
        db.kv.close();
      }
    }),
    { numRuns: 40 },
  );
});
