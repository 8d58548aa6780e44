/**
 * Many clients at once: creates, messages and racing edits of the same tickets through the API. Every
 * acknowledged write is present afterwards, every lost race is a 409 (never a silent overwrite or a 500),
 * and indexes and counters equal a recount.
 */
import assert from "node:assert/strict";
import { allTickets, listMessages } from "../lib/data/mod.ts";
import { verifyStore } from "../lib/data/verify.ts";
import { api, testApp } from "./helpers.ts";

Deno.test("[concurrency] racing clients lose nothing and every stale edit gets 409", async () => {
  const t = await testApp();
  const CLIENTS = 24;
  const ROUNDS = 6;
  const shared: { id: string; version: string }[] = [];
  for (let i = 0; i < 4; i++) {
    shared.push(
      await (await api(t.app, "reporter", "POST", "/tickets", { description: `Shared ticket ${i}: wifi` }))
        .json(),
    );
  }
  const created: string[] = [];
  const messages = new Map<string, string[]>();
  const savedEdits: { id: string; description: string; version: string }[] = [];
  let conflicts = 0;

  await Promise.all(Array.from({ length: CLIENTS }, async (_, client) => {
    for (let round = 0; round < ROUNDS; round++) {
      const res = await api(t.app, "reporter", "POST", "/tickets", {
        description: `client ${client} round ${round}`,
      });
      assert.equal(res.status, 201);
      created.push((await res.json()).id);

      const target = shared[(client + round) % shared.length];
      const text = `c${client}r${round}`;
      const m = await api(
        t.app,
        client % 2 ? "helpdesk" : "reporter",
        "POST",
        `/tickets/${target.id}/messages`,
        { text },
      );
      assert.equal(m.status, 201);
      const messageId = (await m.json()).id;
      messages.set(target.id, [...(messages.get(target.id) ?? []), messageId]);

      // Read, then edit with that version: some lose the race to another client.
      const current = await (await api(t.app, "reporter", "GET", `/tickets/${target.id}`)).json();
      const description = `Shared ticket edited by ${client} in round ${round}`;
      const edit = await api(t.app, "reporter", "PATCH", `/tickets/${target.id}`, { description }, {
        "if-match": current.version,
      });
      assert.ok(edit.status === 200 || edit.status === 409, `edit → ${edit.status}`);
      if (edit.status === 200) {
        const saved = await edit.json();
        savedEdits.push({ id: target.id, description, version: saved.version });
      } else {
        conflicts++;
        await edit.body?.cancel();
      }
    }
  }));

  const stored = new Map((await Array.fromAsync(allTickets(t.db))).map((x) => [x.id, x]));
  for (const id of created) assert.ok(stored.has(id), `acknowledged ticket ${id} is stored`);
  assert.equal(stored.size, created.length + shared.length);
  for (const [ticketId, ids] of messages) {
    const thread = new Set((await listMessages(t.db, ticketId)).map((m) => m.id));
    for (const id of ids) assert.ok(thread.has(id), `acknowledged message ${id} is stored`);
    assert.equal(thread.size, ids.length);
  }
  // The last acknowledged edit of each shared ticket is what it says now: no acknowledged edit was lost
  // to a later silent overwrite (only 200s changed the description).
  for (const ticket of shared) {
    const edits = savedEdits.filter((e) => e.id === ticket.id);
    const now = stored.get(ticket.id)!;
    if (edits.length === 0) continue;
    assert.ok(edits.some((e) => e.description === now.description));
  }
  assert.ok(conflicts > 0, "the race produced conflicts (otherwise the test proves nothing)");
  assert.deepEqual(await verifyStore(t.db), []);
  t.close();
});
