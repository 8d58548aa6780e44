/**
 * SIGKILL the web app in the middle of a write load, restart it: every acknowledged write is there, nothing
 * is half-written (indexes and counters equal a recount), and the app serves again.
 */
import assert from "node:assert/strict";
import { allTickets, listMessages, openStore } from "../lib/data/mod.ts";
import { verifyStore } from "../lib/data/verify.ts";

const SERVER = new URL("../routes/server.ts", import.meta.url).pathname;
const CONFIG = new URL("../deno.json", import.meta.url).pathname;

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function startServer(kvPath: string, port: number) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", CONFIG, SERVER],
    env: { HELPDESK_KV: kvPath, PORT: String(port), HELPDESK_HOST: "127.0.0.1" },
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/openapi.json`);
      await res.body?.cancel();
      if (res.ok) return child;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGKILL");
  throw new Error("the web app did not start within a minute");
}

Deno.test("[crash] acknowledged writes survive SIGKILL mid-load and the store stays consistent", {
  sanitizeOps: false,
  sanitizeResources: false,
}, async () => {
  const dir = await Deno.makeTempDir({ prefix: "helpdesk_crash_" });
  const kvPath = `${dir}/helpdesk.sqlite3`;
  const port = freePort();
  const base = `http://127.0.0.1:${port}/api/v1`;
  const headers = { "content-type": "application/json", "x-helpdesk-role": "reporter" };
  const child = await startServer(kvPath, port);
  const tickets: string[] = [];
  const messages: { ticketId: string; id: string }[] = [];
  let killed = false;

  const client = async (n: number) => {
    for (let i = 0; !killed; i++) {
      try {
        const res = await fetch(`${base}/tickets`, {
          method: "POST",
          headers,
          body: JSON.stringify({ description: `client ${n} ticket ${i}: the printer is jammed` }),
        });
        if (res.status !== 201) {
          await res.body?.cancel();
          continue;
        }
        const ticket = await res.json();
        tickets.push(ticket.id);
        const m = await fetch(`${base}/tickets/${ticket.id}/messages`, {
          method: "POST",
          headers,
          body: JSON.stringify({ text: `message ${i}` }),
        });
        if (m.status === 201) messages.push({ ticketId: ticket.id, id: (await m.json()).id });
        else await m.body?.cancel();
      } catch {
        return; // the server is gone; writes without an answer were never acknowledged
      }
    }
  };
  const load = Array.from({ length: 8 }, (_, n) => client(n));
  // Kill once the load is well under way.
  while (tickets.length < 150) await new Promise((r) => setTimeout(r, 20));
  child.kill("SIGKILL");
  killed = true;
  await child.status;
  await Promise.all(load);

  const db = await openStore({ kv: await Deno.openKv(kvPath) });
  try {
    const stored = new Set((await Array.fromAsync(allTickets(db))).map((t) => t.id));
    for (const id of tickets) assert.ok(stored.has(id), `acknowledged ticket ${id} survived`);
    for (const { ticketId, id } of messages) {
      assert.ok(
        (await listMessages(db, ticketId)).some((m) => m.id === id),
        `acknowledged message ${id} survived`,
      );
    }
    assert.deepEqual(
      await verifyStore(db),
      [],
      "no half-written ticket: indexes and counters match the records",
    );
  } finally {
    db.kv.close();
  }

  const again = await startServer(kvPath, port);
  try {
    const res = await fetch(`${base}/tickets?limit=1`, { headers });
    assert.equal(res.status, 200);
    assert.equal((await res.json()).tickets.length, 1);
  } finally {
    again.kill("SIGKILL");
    await again.status;
    await Deno.remove(dir, { recursive: true });
  }
});
