/**
 * verify beside writers: run while tickets are filed, moved along their status path, corrected and
 * written to, it reports no difference that is not real; and it does find real ones in threads.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { addMessage, createTicket, type Db, getTicket, updateTicket } from "./mod.ts";
import { keys } from "./keys.ts";
import { repairStore } from "./repair.ts";
import { verifyStore } from "./verify.ts";
import type { Category } from "../categories.ts";
import { memoryDb } from "./testing.ts";

const CATEGORIES: Category[] = ["facility_management", "technical_it", "services_complaints"];

function file(db: Db, i: number) {
  return createTicket(db, {
    description: `ticket ${i}`,
    category: CATEGORIES[i % 3],
    categoryConfidence: 0.9,
    openedAt: new Date(Date.UTC(2026, i % 12, 1 + (i % 27), i % 24)),
  });
}

/** One random write: a new ticket, a message, a status step or a category correction. */
async function randomWrite(db: Db, ids: string[], choice: number, i: number) {
  const id = ids[choice % ids.length];
  const kind = choice % 4;
  if (kind === 0 || ids.length === 0) {
    ids.push((await file(db, i)).id);
    return;
  }
  const ticket = (await getTicket(db, id))!;
  if (kind === 1 && ticket.status !== "closed") {
    await addMessage(db, id, {
      authorRole: "reporter",
      authorName: null,
      text: `m${i}`,
      createdAt: new Date(),
    })
      .catch(() => {}); // closed meanwhile
    return;
  }
  await updateTicket(db, id, (t) => {
    const { version: _, messageCount: __, ...record } = t;
    const at = new Date(Math.max(Date.now(), Date.parse(t.updatedAt))).toISOString();
    if (kind === 2 && t.status === "open") {
      return { ...record, status: "active", activatedAt: at, updatedAt: at };
    }
    if (kind === 2 && t.status === "active") {
      return { ...record, status: "closed", closedAt: at, updatedAt: at };
    }
    return { ...record, category: CATEGORIES[(CATEGORIES.indexOf(t.category) + 1) % 3], updatedAt: at };
  }, { expectedVersion: null });
}

Deno.test("[data] verify run beside random concurrent writers never reports a difference", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.nat(1000), { minLength: 50, maxLength: 200 }), async (choices) => {
      const db = await memoryDb();
      const ids: string[] = [];
      for (let i = 0; i < 10; i++) ids.push((await file(db, i)).id);
      let writing = true;
      const writers = (async () => {
        // Eight writers at once, like eight busy clients.
        const queue = [...choices.entries()];
        await Promise.all(Array.from({ length: 8 }, async () => {
          for (let next = queue.shift(); next; next = queue.shift()) {
            await randomWrite(db, ids, next[1], next[0]);
          }
        }));
        writing = false;
      })();
      const reports: number[] = [];
      while (writing) reports.push((await verifyStore(db)).length);
      await writers;
      assert.ok(reports.length > 0);
      assert.deepEqual(reports.filter((n) => n !== 0), [], "verify reported differences during writes");
      assert.deepEqual(await verifyStore(db), []);
      db.kv.close();
    }),
    { numRuns: 8 },
  );
});

Deno.test("[data] verify finds a record behind its thread, and repair brings it level", async () => {
  const db = await memoryDb();
  const ticket = await file(db, 1);
  await addMessage(db, ticket.id, {
    authorRole: "reporter",
    authorName: null,
    text: "a",
    createdAt: new Date(),
  });
  const entry = await db.kv.get<Record<string, unknown>>(keys.ticket(ticket.id));
  // Simulate a writer bug: the record forgets its last message and goes back in time.
  const stale = { ...entry.value!, messageCount: 0, updatedAt: ticket.openedAt };
  await db.kv.atomic().set(keys.ticket(ticket.id), stale).sum(keys.ticketChanges(), 1n).commit();
  const found = (await verifyStore(db)).filter((m) => m.recordFix?.messageCount !== undefined);
  assert.equal(found.length, 1);
  assert.deepEqual(found[0].key, keys.ticket(ticket.id));
  assert.match(found[0].expected!, /messageCount ≥ 1/);
  await repairStore(db);
  assert.deepEqual(await verifyStore(db), []);
  const repaired = (await getTicket(db, ticket.id))!;
  assert.equal(repaired.messageCount, 1);
  db.kv.close();
});
