import assert from "node:assert/strict";
import { exportLines } from "../cli/export.ts";
import { importLines } from "../cli/import.ts";
import { addMessage, createTicket, type Db, type Ticket, updateTicket } from "../lib/data/mod.ts";
import { verifyStore } from "../lib/data/verify.ts";
import { memoryDb } from "./helpers.ts";

async function collect(lines: AsyncIterable<string>) {
  const all: string[] = [];
  for await (const line of lines) all.push(line);
  return all;
}

/** A small history written the way the web app writes it: creates, messages, staff changes. */
async function appHistory(db: Db) {
  const strip = ({ version: _, ...r }: Ticket) => r;
  const at = (iso: string) => new Date(iso);
  const a = await createTicket(db, {
    description: "Projector in A12 shows no picture",
    category: "technical_it",
    categoryConfidence: 0.61,
    openedAt: at("2026-01-31T23:30:00.000Z"),
    // With an actor the ticket keeps a history, which the round trip must carry too.
    actor: { role: "reporter", name: "Ana" },
  });
  await addMessage(db, a.id, {
    authorRole: "reporter",
    authorName: "Ana",
    text: "Still broken",
    createdAt: at("2026-02-01T08:00:00.000Z"),
  });
  await addMessage(db, a.id, {
    authorRole: "helpdesk",
    authorName: null,
    // An internal note travels through export and import like any message.
    internal: true,
    text: "On our way\nwith a cable",
    createdAt: at("2026-02-01T09:00:00.000Z"),
  });
  await updateTicket(
    db,
    a.id,
    (t) => ({
      ...strip(t),
      status: "active",
      activatedAt: "2026-02-01T09:30:00.000Z",
      updatedAt: "2026-02-01T09:30:00.000Z",
    }),
    { expectedVersion: null, actor: { role: "helpdesk", name: "Sam" } },
  );
  await updateTicket(
    db,
    a.id,
    (t) => ({
      ...strip(t),
      status: "closed",
      closedAt: "2026-02-02T10:00:00.000Z",
      updatedAt: "2026-02-02T10:00:00.000Z",
    }),
    { expectedVersion: null, actor: { role: "helpdesk", name: null } },
  );
  const b = await createTicket(db, {
    description: "Canteen queue — 40 minutes, «again» 🙁",
    category: "facility_management",
    categoryConfidence: 0.4,
    openedAt: at("2026-03-01T10:00:00.000Z"),
  });
  await updateTicket(
    db,
    b.id,
    (t) => ({
      ...strip(t),
      category: "services_complaints",
      categorySource: "staff",
      categoryConfidence: null,
      updatedAt: "2026-03-01T11:00:00.000Z",
    }),
    { expectedVersion: null },
  );
  await createTicket(db, {
    description: "Door lock broken",
    category: "facility_management",
    categoryConfidence: 0.99,
    openedAt: at("2026-03-05T10:00:00.000Z"),
  });
}

Deno.test("[cli] export → import into an empty store → export gives identical lines", async () => {
  for (const timeZone of ["UTC", "Asia/Kolkata"]) {
    const source = await memoryDb(timeZone);
    await appHistory(source);
    const first = await collect(exportLines(source));
    assert.equal(first.length, 3);
    const ticket = JSON.parse(first[0]);
    assert.deepEqual(Object.keys(ticket), [
      "id",
      "description",
      "category",
      "categorySource",
      "categoryConfidence",
      "status",
      "openedAt",
      "activatedAt",
      "closedAt",
      "updatedAt",
      "messages",
      "history",
    ]);
    assert.equal(ticket.messages.length, 2);
    assert.deepEqual(
      ticket.history.map((e: { field: string; actorName: string | null }) => [e.field, e.actorName]),
      [["created", "Ana"], ["status", "Sam"], ["status", null]],
    );
    // A ticket without a history has no history field: lines from before histories stay as they were.
    assert.equal("history" in JSON.parse(first[1]), false);
    assert.deepEqual(ticket.messages.map((m: { internal: boolean }) => m.internal), [false, true]);

    const target = await memoryDb(timeZone);
    const summary = await importLines(
      target,
      (async function* () {
        yield* first;
      })(),
      {
        now: new Date("2026-03-10T00:00:00Z"),
        classify: () => {
          throw new Error("every exported line has a category");
        },
      },
    );
    assert.deepEqual([summary.imported, summary.bad.length], [3, 0]);
    assert.deepEqual(await collect(exportLines(target)), first);
    assert.deepEqual(await verifyStore(target), []);
    source.kv.close();
    target.kv.close();
  }
});

Deno.test("[cli] deno task export writes the same lines to a file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cli_export_" });
  try {
    const kvPath = `${dir}/kv.sqlite3`;
    const kv = await Deno.openKv(kvPath);
    const { openStore } = await import("../lib/data/mod.ts");
    const db = await openStore({ kv });
    await appHistory(db);
    const expected = (await collect(exportLines(db))).map((l) => l + "\n").join("");
    kv.close();
    const root = new URL("..", import.meta.url).pathname;
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--config", `${root}deno.json`, "cli/export.ts", `${dir}/out.jsonl`],
      cwd: root,
      env: { HELPDESK_KV: kvPath },
    }).output();
    assert.equal(code, 0, new TextDecoder().decode(stderr));
    assert.equal(await Deno.readTextFile(`${dir}/out.jsonl`), expected);
    assert.match(new TextDecoder().decode(stderr), /exported 3 tickets/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
