import assert from "node:assert/strict";
import { listMessages, openStore } from "./mod.ts";
import { getTicket } from "./tickets.ts";
import { keys } from "./keys.ts";
import { verifyStore } from "./verify.ts";

Deno.test("[data] a release-1 store is renumbered when the writer opens it: no message lost, verify clean", async () => {
  const kv = await Deno.openKv(":memory:");
  const id = "01KJJXC8G0HCVVWGCTXQATR20Q";
  const record = {
    id,
    description: "Projector broken",
    category: "technical_it",
    categorySource: "auto",
    categoryConfidence: 0.9,
    status: "open",
    openedAt: "2026-03-01T10:00:00.000Z",
    activatedAt: null,
    closedAt: null,
    updatedAt: "2026-03-01T10:00:00.000Z",
  };
  // Written as release 1 did: ULID message keys, no rev or messageCount, updatedAt behind the thread.
  const op = kv.atomic().set(keys.ticket(id), record);
  const ids = ["01KJJXD000000000000000000B", "01KJJXD000000000000000000A", "01KJJXD000000000000000000C"];
  ids.forEach((mid, i) =>
    op.set(["messages_by_ticket", id, mid], {
      id: mid,
      ticketId: id,
      authorRole: "reporter",
      authorName: null,
      text: `text ${mid.at(-1)}`,
      createdAt: `2026-03-01T10:0${i + 1}:00.000Z`,
    })
  );
  await op.commit();
  const db = await openStore({ kv });
  const thread = await listMessages(db, id);
  assert.deepEqual(thread.map((m) => [m.seq, m.text]), [[1, "text B"], [2, "text A"], [3, "text C"]]);
  const ticket = (await getTicket(db, id))!;
  assert.equal(ticket.messageCount, 3);
  assert.equal(ticket.updatedAt, "2026-03-01T10:03:00.000Z");
  // The counters were never written in this hand-made store; everything about threads must agree.
  const threadProblems = (await verifyStore(db)).filter((m) =>
    m.key[0] !== "stats_tickets_by_status_category" &&
    !String(m.key[0]).startsWith("stats_") && !String(m.key[0]).startsWith("tickets_")
  );
  assert.deepEqual(threadProblems, []);
  assert.equal((await kv.get(keys.storeFormat())).value, 3);
  kv.close();
});
