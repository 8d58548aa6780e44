import assert from "node:assert/strict";
import fc from "fast-check";
import { ulid } from "ulid";
import { CATEGORIES, type Category } from "../categories.ts";
import { type ImportItem, importTickets } from "./import.ts";
import {
  addMessage,
  createTicket,
  createTicketLister,
  type ListQuery,
  listTickets,
  STATUSES,
  type Ticket,
  type TicketRecord,
  updateTicket,
} from "./mod.ts";
import { memoryDb } from "./testing.ts";

// A few queries asked again and again, as pages are: a stale cached answer would show on a repeat.
const query = fc.constantFrom<ListQuery>(
  { statuses: ["open", "active"], limit: 3 },
  { statuses: [...STATUSES], limit: 5 },
  { statuses: ["open"], category: "technical_it", limit: 5 },
  { statuses: ["closed"], limit: 5 },
);

/** A new open ticket as the importer takes it. */
function importItem(id: string, at: string, category: Category): ImportItem {
  const ticket: TicketRecord = {
    id,
    description: "imported",
    category,
    categorySource: "auto",
    categoryConfidence: 1,
    status: "open",
    openedAt: at,
    activatedAt: null,
    closedAt: null,
    updatedAt: at,
  };
  return { ticket, messages: [] };
}

const step = fc.oneof(
  fc.record({ kind: fc.constant("list" as const), query }),
  fc.record({ kind: fc.constant("create" as const), category: fc.constantFrom(...CATEGORIES) }),
  fc.record({ kind: fc.constant("advance" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("edit" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("message" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("import" as const), category: fc.constantFrom(...CATEGORIES) }),
);

Deno.test("[data] the cached lister always answers what an uncached list would", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(step, { maxLength: 40 }), async (steps) => {
      const db = await memoryDb();
      const lister = createTicketLister(db);
      const ids: string[] = [];
      const strip = ({ version: _, ...r }: Ticket) => r;
      let clock = Date.parse("2026-01-01T00:00:00Z");
      const now = () => new Date(clock += 60_000);
      try {
        for (const s of steps) {
          if (s.kind === "list") {
            // Twice: the second answer comes from the cache when nothing changed in between.
            for (let i = 0; i < 2; i++) {
              assert.deepEqual(
                await lister(s.query as ListQuery),
                await listTickets(db, s.query as ListQuery),
              );
            }
          } else if (s.kind === "create") {
            ids.push(
              (await createTicket(db, {
                description: "x",
                category: s.category,
                categoryConfidence: 1,
                openedAt: now(),
              }))
                .id,
            );
          } else if (s.kind === "import") {
            const at = now().toISOString();
            const id = ulid(Date.parse(at));
            await importTickets(db, [importItem(id, at, s.category)]);
            ids.push(id);
          } else if (ids.length > 0) {
            const id = ids[s.pick % ids.length];
            if (s.kind === "message") {
              await addMessage(db, id, {
                authorRole: "reporter",
                authorName: null,
                text: "hi",
                createdAt: now(),
              })
                .catch(() => {/* closed */});
            } else {
              await updateTicket(db, id, (t) => {
                const at = now().toISOString();
                if (s.kind === "edit") {
                  return { ...strip(t), description: t.description + "!", updatedAt: at };
                }
                if (t.status === "open") {
                  return { ...strip(t), status: "active", activatedAt: at, updatedAt: at };
                }
                if (t.status === "active") {
                  return { ...strip(t), status: "closed", closedAt: at, updatedAt: at };
                }
                return strip(t);
              }, { expectedVersion: null });
            }
          }
        }
      } finally {
        db.kv.close();
      }
    }),
    { numRuns: 80 },
  );
});

Deno.test("[data] a repeated list is served without reading the indexes again", async () => {
  const db = await memoryDb();
  await createTicket(db, {
    description: "x",
    category: "technical_it",
    categoryConfidence: 1,
    openedAt: new Date(),
  });
  const lister = createTicketLister(db);
  const q: ListQuery = { statuses: ["open"], limit: 10 };
  const first = await lister(q);
  assert.equal(await lister(q), first, "the same page object: no lists, no record reads");
  await createTicket(db, {
    description: "y",
    category: "technical_it",
    categoryConfidence: 1,
    openedAt: new Date(),
  });
  const after = await lister(q);
  assert.notEqual(after, first);
  assert.equal(after.tickets.length, 2);
  db.kv.close();
});

Deno.test("[data] every kind of ticket write makes cached lists current again", async () => {
  const db = await memoryDb();
  const lister = createTicketLister(db);
  const all: ListQuery = { statuses: [...STATUSES], limit: 10 };
  const strip = ({ version: _, ...r }: Ticket) => r;
  const t = await createTicket(db, {
    description: "x",
    category: "technical_it",
    categoryConfidence: 1,
    openedAt: new Date(),
  });
  const at = new Date().toISOString();
  const id = ulid();
  const writes: [string, () => Promise<unknown>][] = [
    [
      "create",
      () =>
        createTicket(db, {
          description: "y",
          category: "technical_it",
          categoryConfidence: 1,
          openedAt: new Date(),
        }),
    ],
    [
      "update",
      () => updateTicket(db, t.id, (x) => ({ ...strip(x), description: "z" }), { expectedVersion: null }),
    ],
    [
      "message",
      () =>
        addMessage(db, t.id, { authorRole: "helpdesk", authorName: null, text: "hi", createdAt: new Date() }),
    ],
    ["import", () => importTickets(db, [importItem(id, at, "facility_management")])],
  ];
  for (const [name, write] of writes) {
    await lister(all);
    await write();
    assert.deepEqual(await lister(all), await listTickets(db, all), `after ${name}`);
  }
  db.kv.close();
});
