import assert from "node:assert/strict";
import {
  addMessage,
  countByStatusCategory,
  countUnclosedOpenedSince,
  createTicket,
  getTicket,
  listMessages,
  listTickets,
  resolutionByOpenMonth,
  type Ticket,
  updateTicket,
} from "./mod.ts";
import { verifyStore } from "./verify.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import { memoryDb } from "./testing.ts";
import { bucketEstimateMs, histogramBucketOf } from "./resolution_histogram.ts";

const histogramHours = (hours: number) => bucketEstimateMs(histogramBucketOf(hours * 3_600_000)) / 3_600_000;

const at = (iso: string) => new Date(iso);
const strip = ({ version: _, ...record }: Ticket) => record;

Deno.test("[data] a created ticket is stored open with its version and counted", async () => {
  const db = await memoryDb();
  const ticket = await createTicket(db, {
    description: "Radiator in E104 is cold",
    category: "facility_management",
    categoryConfidence: 0.9,
    openedAt: at("2026-03-10T09:00:00Z"),
  });
  assert.equal(ticket.status, "open");
  assert.equal(ticket.closedAt, null);
  assert.deepEqual(await getTicket(db, ticket.id), ticket);
  const counts = await countByStatusCategory(db);
  assert.equal(counts.open.facility_management, 1);
  assert.equal(counts.active.facility_management, 0);
  assert.deepEqual(await verifyStore(db), []);
  db.kv.close();
});

Deno.test("[data] an update with a stale version is refused and nothing changes", async () => {
  const db = await memoryDb();
  const ticket = await createTicket(db, {
    description: "Wi-Fi drops",
    category: "technical_it",
    categoryConfidence: 0.8,
    openedAt: at("2026-03-10T09:00:00Z"),
  });
  const first = await updateTicket(
    db,
    ticket.id,
    (t) => ({ ...strip(t), description: "Wi-Fi drops in B2" }),
    {
      expectedVersion: ticket.version,
    },
  );
  assert.notEqual(first.version, ticket.version);
  await assert.rejects(
    updateTicket(db, ticket.id, (t) => ({ ...strip(t), description: "lost" }), {
      expectedVersion: ticket.version,
    }),
    ConflictError,
  );
  assert.equal((await getTicket(db, ticket.id))!.description, "Wi-Fi drops in B2");
  db.kv.close();
});

Deno.test("[data] updating a missing ticket is NotFoundError", async () => {
  const db = await memoryDb();
  await assert.rejects(
    updateTicket(db, "01JZZZZZZZZZZZZZZZZZZZZZZZ", (t) => strip(t), { expectedVersion: null }),
    NotFoundError,
  );
  db.kv.close();
});

Deno.test("[data] closing moves counters from unclosed to the opening month's resolution time", async () => {
  const db = await memoryDb();
  const ticket = await createTicket(db, {
    description: "Door lock broken",
    category: "facility_management",
    categoryConfidence: 0.9,
    openedAt: at("2026-03-10T09:00:00Z"),
  });
  const from = Date.parse("2026-03-10T00:00:00Z");
  const now = Date.parse("2026-03-10T23:59:59.999Z");
  assert.equal(await countUnclosedOpenedSince(db, from, now), 1);
  const active = await updateTicket(db, ticket.id, (t) => ({
    ...strip(t),
    status: "active",
    activatedAt: "2026-03-10T10:00:00.000Z",
  }), { expectedVersion: ticket.version });
  await updateTicket(db, ticket.id, (t) => ({
    ...strip(t),
    status: "closed",
    closedAt: "2026-03-10T15:00:00.000Z",
  }), { expectedVersion: active.version });
  assert.equal(await countUnclosedOpenedSince(db, from, now), 0);
  const months = await resolutionByOpenMonth(db, at("2026-04-02T00:00:00Z"));
  assert.deepEqual(months, [
    {
      month: "2026-03",
      closed: 1,
      averageHours: 6,
      medianHours: histogramHours(6),
      p90Hours: histogramHours(6),
    },
    { month: "2026-04", closed: 0, averageHours: null, medianHours: null, p90Hours: null },
  ]);
  assert.deepEqual(await verifyStore(db), []);
  db.kv.close();
});

Deno.test("[data] lists are newest first, filtered by index, and page by cursor", async () => {
  const db = await memoryDb();
  const ids: string[] = [];
  for (let i = 0; i < 7; i++) {
    const t = await createTicket(db, {
      description: `ticket ${i}`,
      category: i % 2 ? "technical_it" : "facility_management",
      categoryConfidence: 0.9,
      openedAt: at(`2026-03-10T09:0${i}:00Z`),
    });
    ids.push(t.id);
  }
  const page1 = await listTickets(db, { statuses: ["open", "active"], limit: 3 });
  assert.deepEqual(page1.tickets.map((t) => t.id), ids.slice(4).reverse());
  const page2 = await listTickets(db, { statuses: ["open", "active"], limit: 3, cursor: page1.cursor! });
  assert.deepEqual(page2.tickets.map((t) => t.id), ids.slice(1, 4).reverse());
  const page3 = await listTickets(db, { statuses: ["open", "active"], limit: 3, cursor: page2.cursor! });
  assert.deepEqual(page3.tickets.map((t) => t.id), [ids[0]]);
  assert.equal(page3.cursor, null);
  const it = await listTickets(db, { statuses: ["open"], category: "technical_it", limit: 10 });
  assert.deepEqual(it.tickets.map((t) => t.id), [ids[5], ids[3], ids[1]]);
  db.kv.close();
});

Deno.test("[data] messages are numbered in order, move updatedAt but not the version, and a closed thread refuses them", async () => {
  const db = await memoryDb();
  const ticket = await createTicket(db, {
    description: "Projector in A12",
    category: "technical_it",
    categoryConfidence: 0.9,
    openedAt: at("2026-03-10T09:00:00Z"),
  });
  const m1 = await addMessage(db, ticket.id, {
    authorRole: "reporter",
    authorName: "Ana",
    text: "still broken",
    createdAt: at("2026-03-10T09:05:00Z"),
  });
  const m2 = await addMessage(db, ticket.id, {
    authorRole: "helpdesk",
    authorName: null,
    text: "on our way",
    createdAt: at("2026-03-10T09:06:00Z"),
  });
  assert.deepEqual((await listMessages(db, ticket.id)).map((m) => m.id), [m1.id, m2.id]);
  assert.deepEqual((await listMessages(db, ticket.id, { afterSeq: m1.seq })).map((m) => m.id), [m2.id]);
  const after = (await getTicket(db, ticket.id))!;
  assert.deepEqual([m1.seq, m2.seq], [1, 2]);
  assert.equal(after.updatedAt, "2026-03-10T09:06:00.000Z");
  assert.equal(after.messageCount, 2);
  // A message edits nothing a client saw: an edit begun before it must not be refused.
  assert.equal(after.version, ticket.version);
  await updateTicket(db, ticket.id, (t) => ({ ...strip(t), status: "closed", closedAt: t.updatedAt }), {
    expectedVersion: null,
  });
  await assert.rejects(
    addMessage(db, ticket.id, {
      authorRole: "helpdesk",
      authorName: null,
      text: "x",
      createdAt: at("2026-03-11"),
    }),
    ConflictError,
  );
  assert.equal((await listMessages(db, ticket.id)).length, 2);
  db.kv.close();
});

Deno.test("[data] 500 concurrent message posts on one ticket all succeed, numbered 1…500 without gaps", async () => {
  const db = await memoryDb();
  const ticket = await createTicket(db, {
    description: "Printer jam",
    category: "technical_it",
    categoryConfidence: 0.9,
    openedAt: at("2026-03-10T09:00:00Z"),
  });
  const posted = await Promise.all(Array.from({ length: 500 }, (_, i) =>
    addMessage(db, ticket.id, {
      authorRole: "reporter",
      authorName: null,
      text: `message ${i}`,
      createdAt: at("2026-03-10T09:05:00Z"),
    })));
  const thread = await listMessages(db, ticket.id);
  assert.deepEqual(thread.map((m) => m.seq), Array.from({ length: 500 }, (_, i) => i + 1));
  assert.deepEqual(new Set(thread.map((m) => m.text)), new Set(posted.map((m) => m.text)));
  assert.equal((await getTicket(db, ticket.id))!.messageCount, 500);
  db.kv.close();
});

Deno.test("[data] months are counted in the store's time zone", async () => {
  const db = await memoryDb("America/New_York");
  // 02:00 UTC on 1 March is still 28 February in New York.
  const t = await createTicket(db, {
    description: "Leak",
    category: "facility_management",
    categoryConfidence: 0.9,
    openedAt: at("2026-03-01T02:00:00Z"),
  });
  await updateTicket(
    db,
    t.id,
    (x) => ({ ...strip(x), status: "closed", closedAt: "2026-03-01T04:00:00.000Z" }),
    {
      expectedVersion: t.version,
    },
  );
  const months = await resolutionByOpenMonth(db, at("2026-03-15T00:00:00Z"));
  assert.deepEqual(months, [
    {
      month: "2026-02",
      closed: 1,
      averageHours: 2,
      medianHours: histogramHours(2),
      p90Hours: histogramHours(2),
    },
    { month: "2026-03", closed: 0, averageHours: null, medianHours: null, p90Hours: null },
  ]);
  db.kv.close();
});

Deno.test("[data] a store refuses to open in another time zone than its counters", async () => {
  const kv = await Deno.openKv(":memory:");
  const { openStore } = await import("./mod.ts");
  await openStore({ kv, timeZone: "Europe/Berlin" });
  await assert.rejects(openStore({ kv, timeZone: "UTC" }), /Europe\/Berlin/);
  kv.close();
});
