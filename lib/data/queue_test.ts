import assert from "node:assert/strict";
import fc from "fast-check";
import { CATEGORIES, type Category } from "../categories.ts";
import { MINUTE_MS } from "../time.ts";
import {
  addMessage,
  createTicket,
  getTicket,
  listMessages,
  type ListQuery,
  listTickets,
  type Role,
  type Status,
  STATUSES,
  type Ticket,
  updateTicket,
} from "./mod.ts";
import { waitingOn } from "./thread_state.ts";
import { keys } from "./keys.ts";
import { verifyStore } from "./verify.ts";
import { memoryDb } from "./testing.ts";

const START = Date.parse("2026-05-01T08:00:00Z");

/** What the model keeps of a ticket: enough to compute waitingOn and both orders directly. */
interface Model {
  id: string;
  status: Status;
  category: Category;
  updatedMs: number;
  thread: { role: Role; internal: boolean }[];
}

/** "Who is waiting", computed straight from the thread, not from the record's thread state. */
function expectedWaiting(m: Model): Role | null {
  if (m.status === "closed") return null;
  const visible = m.thread.filter((x) => !x.internal);
  return visible.at(-1)?.role === "helpdesk" ? "reporter" : "helpdesk";
}

const operation = fc.oneof(
  fc.record({ kind: fc.constant("create" as const), category: fc.constantFrom(...CATEGORIES) }),
  fc.record({
    kind: fc.constant("message" as const),
    pick: fc.nat(),
    role: fc.constantFrom<Role>("reporter", "helpdesk"),
    internal: fc.boolean(),
  }),
  fc.record({ kind: fc.constant("advance" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("tick" as const), minutes: fc.integer({ min: 0, max: 90 }) }),
);

/** Every ticket a query lists, page by page through its cursors. */
async function listAll(db: Awaited<ReturnType<typeof memoryDb>>, query: Omit<ListQuery, "limit">) {
  const seen: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await listTickets(db, { ...query, limit: 2, cursor });
    seen.push(...page.tickets.map((t) => t.id));
    cursor = page.cursor ?? undefined;
  } while (cursor);
  return seen;
}

Deno.test("[data] waitingOn and the queue indexes equal a direct computation for any history", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(operation, { maxLength: 30 }), async (ops) => {
      const db = await memoryDb();
      const models: Model[] = [];
      let now = START;
      try {
        for (const op of ops) {
          if (op.kind === "tick") {
            now += op.minutes * MINUTE_MS;
            continue;
          }
          if (op.kind === "create") {
            const t = await createTicket(db, {
              description: "the printer jams",
              category: op.category,
              categoryConfidence: 0.9,
              openedAt: new Date(now),
            });
            models.push({ id: t.id, status: "open", category: op.category, updatedMs: now, thread: [] });
            continue;
          }
          if (models.length === 0) continue;
          const m = models[op.pick % models.length];
          if (op.kind === "advance") {
            if (m.status === "closed") continue;
            const at = new Date(Math.max(now, m.updatedMs)).toISOString();
            const next: Status = m.status === "open" ? "active" : "closed";
            await updateTicket(db, m.id, ({ version: _, ...t }: Ticket) => ({
              ...t,
              status: next,
              ...(next === "active" ? { activatedAt: at } : { closedAt: at }),
              updatedAt: at,
            }), { expectedVersion: null });
            m.status = next;
            m.updatedMs = Date.parse(at);
            continue;
          }
          if (m.status === "closed") continue;
          const message = await addMessage(db, m.id, {
            authorRole: op.role,
            authorName: null,
            internal: op.internal,
            text: "any news?",
            createdAt: new Date(now),
          });
          m.thread.push({ role: op.role, internal: op.internal });
          // A note is not activity a reporter sees: it leaves updatedAt where it was.
          if (!op.internal) m.updatedMs = Date.parse(message.createdAt);
        }
        assert.deepEqual(await verifyStore(db), []);
        for (const m of models) {
          const t = (await getTicket(db, m.id))!;
          assert.equal(waitingOn(t), expectedWaiting(m));
          assert.equal(Date.parse(t.updatedAt), m.updatedMs);
          assert.equal(t.noteCount, m.thread.filter((x) => x.internal).length);
          const thread = await listMessages(db, m.id);
          assert.deepEqual(thread.map((x) => x.internal), m.thread.map((x) => x.internal));
        }
        const byOpened = (a: Model, b: Model) => a.id < b.id ? 1 : -1;
        const byUpdated = (a: Model, b: Model) =>
          a.updatedMs !== b.updatedMs ? b.updatedMs - a.updatedMs : byOpened(a, b);
        for (const statuses of [[...STATUSES], ["open"] as Status[], ["active", "closed"] as Status[]]) {
          for (const category of [undefined, ...CATEGORIES]) {
            const among = models.filter((m) =>
              statuses.includes(m.status) && (!category || m.category === category)
            );
            assert.deepEqual(
              await listAll(db, { statuses, category, sort: "updated" }),
              among.toSorted(byUpdated).map((m) => m.id),
            );
            for (const waiting of ["helpdesk", "reporter"] as const) {
              const waits = among.filter((m) => expectedWaiting(m) === waiting);
              assert.deepEqual(
                await listAll(db, { statuses, category, waiting }),
                waits.toSorted(byOpened).map((m) => m.id),
              );
              assert.deepEqual(
                await listAll(db, { statuses, category, waiting, sort: "updated" }),
                waits.toSorted(byUpdated).map((m) => m.id),
              );
            }
          }
        }
      } finally {
        db.kv.close();
      }
    }),
    { numRuns: 40 },
  );
});

Deno.test("[data] an old record without thread state is filled from its thread when the writer opens it", async () => {
  const db = await memoryDb();
  const t = await createTicket(db, {
    description: "the projector in B2 flickers",
    category: "technical_it",
    categoryConfidence: 0.9,
    openedAt: new Date(START),
  });
  await addMessage(db, t.id, {
    authorRole: "helpdesk",
    authorName: null,
    text: "on it",
    createdAt: new Date(),
  });
  // Make it look like a release-1 store at format 2: no thread state, no flag on the message.
  const record = (await db.kv.get<Record<string, unknown>>(keys.ticket(t.id))).value!;
  const { noteCount: _n, lastVisibleRole: _l, lastNoteAt: _a, ...old } = record;
  const message = (await db.kv.get<Record<string, unknown>>(keys.message(t.id, 1))).value!;
  const { internal: _i, ...oldMessage } = message;
  await db.kv.atomic().set(keys.ticket(t.id), old).set(keys.message(t.id, 1), oldMessage)
    .set(keys.storeFormat(), 2).commit();
  assert.equal(waitingOn((await getTicket(db, t.id))!), "helpdesk");
  const { migrateStore } = await import("./migrate.ts");
  assert.equal(await migrateStore(db.kv), 1);
  const filled = (await getTicket(db, t.id))!;
  assert.equal(waitingOn(filled), "reporter");
  assert.equal((await listMessages(db, t.id))[0].internal, false);
  db.kv.close();
});
