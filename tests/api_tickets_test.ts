import assert from "node:assert/strict";
import { allTickets } from "../lib/data/mod.ts";
import { HOUR_MS } from "../lib/time.ts";
import { api, testApp } from "./helpers.ts";

async function count(db: Parameters<typeof allTickets>[0]) {
  let n = 0;
  for await (const _ of allTickets(db)) n++;
  return n;
}

async function file(app: Awaited<ReturnType<typeof testApp>>["app"], description: string) {
  const res = await api(app, "reporter", "POST", "/tickets", { description });
  assert.equal(res.status, 201);
  return await res.json();
}

Deno.test("[api] a reporter files a ticket: 201, open, categorised, ETag = version", async () => {
  const t = await testApp();
  const res = await api(t.app, "reporter", "POST", "/tickets", {
    description: "  The elevator in building C is stuck  ",
  });
  assert.equal(res.status, 201);
  const ticket = await res.json();
  assert.equal(ticket.description, "The elevator in building C is stuck");
  assert.equal(ticket.status, "open");
  assert.equal(ticket.category, "facility_management");
  assert.equal(ticket.categorySource, "auto");
  assert.equal(ticket.openedAt, "2026-03-10T09:00:00.000Z");
  assert.equal(ticket.activatedAt, null);
  assert.equal(ticket.closedAt, null);
  assert.equal(res.headers.get("etag"), `"${ticket.version}"`);
  assert.deepEqual(Object.keys(ticket).sort(), [
    "activatedAt",
    "category",
    "categorySource",
    "closedAt",
    "description",
    "id",
    "openedAt",
    "status",
    "updatedAt",
    "version",
    "waitingOn",
  ]);
  assert.equal(ticket.waitingOn, "helpdesk", "nobody from the helpdesk answered yet");
  t.close();
});

Deno.test("[api] a missing or unknown role is 400 naming the header", async () => {
  const t = await testApp();
  for (const role of [null, "admin", ""]) {
    const res = await api(t.app, role, "GET", "/tickets");
    assert.equal(res.status, 400);
    const body = await res.json();
    assert.equal(body.field, "X-Helpdesk-Role");
    assert.match(body.error, /role/);
  }
  const post = await api(t.app, null, "POST", "/tickets", { description: "x" });
  assert.equal(post.status, 400);
  assert.equal(await count(t.db), 0);
  t.close();
});

Deno.test("[api] the OpenAPI document needs no role", async () => {
  const t = await testApp();
  const res = await t.app.request("/api/v1/openapi.json");
  assert.equal(res.status, 200);
  const doc = await res.json();
  assert.equal(doc.openapi, "3.1.0");
  for (const path of ["/tickets", "/tickets/{id}", "/tickets/{id}/messages"]) {
    assert.ok(doc.paths[`/api/v1${path}`] ?? doc.paths[path], `documents ${path}`);
  }
  t.close();
});

Deno.test("[api] bad input is 400 with an error naming the field, and nothing is stored", async () => {
  const t = await testApp();
  const cases: [unknown, string | undefined, RegExp][] = [
    [{}, "description", /Please describe the problem/],
    [{ description: "" }, "description", /Please describe the problem/],
    [{ description: "   \n " }, "description", /Please describe the problem/],
    [{ description: "help" }, "description", /a few more words/],
    [{ description: 42 }, "description", /must be text/],
    [{ description: "x".repeat(5001) }, "description", /5,000/],
    [{ description: "Printer broken", extra: 1 }, undefined, /Unknown field extra/],
    [{ description: "bad\u0000byte" }, "description", /control/],
    [[1, 2], undefined, /object/],
    ["not json", undefined, /JSON/i],
  ];
  for (const [body, field, message] of cases) {
    const res = await api(t.app, "reporter", "POST", "/tickets", body);
    assert.equal(res.status, 400, JSON.stringify(body).slice(0, 40));
    const answer = await res.json();
    assert.match(answer.error, message);
    assert.equal(answer.field, field);
  }
  assert.equal(await count(t.db), 0);
  t.close();
});

Deno.test("[api] exactly 5000 characters is accepted", async () => {
  const t = await testApp();
  const res = await api(t.app, "reporter", "POST", "/tickets", { description: "é".repeat(5000) });
  assert.equal(res.status, 201);
  t.close();
});

Deno.test("[api] staff move a ticket open → active → closed and no other way", async () => {
  const t = await testApp();
  let ticket = await file(t.app, "Wi-Fi keeps dropping in the library");
  const patch = (status: string, version = ticket.version) =>
    api(t.app, "helpdesk", "PATCH", `/tickets/${ticket.id}`, { status }, { "if-match": `"${version}"` });

  let res = await patch("closed");
  assert.equal(res.status, 422);
  assert.equal((await res.json()).field, "status");

  t.clock.advance(HOUR_MS);
  res = await patch("active");
  assert.equal(res.status, 200);
  ticket = await res.json();
  assert.equal(ticket.status, "active");
  assert.equal(ticket.activatedAt, "2026-03-10T10:00:00.000Z");

  res = await patch("open");
  assert.equal(res.status, 422);

  t.clock.advance(HOUR_MS);
  res = await patch("closed");
  assert.equal(res.status, 200);
  ticket = await res.json();
  assert.equal(ticket.closedAt, "2026-03-10T11:00:00.000Z");

  res = await patch("active");
  assert.equal(res.status, 409, "a closed ticket cannot change");
  t.close();
});

Deno.test("[api] a reporter cannot change status or category (403) and nothing changes", async () => {
  const t = await testApp();
  const ticket = await file(t.app, "Projector in A12 doesn't detect HDMI");
  for (const body of [{ status: "active" }, { category: "services_complaints" }]) {
    const res = await api(t.app, "reporter", "PATCH", `/tickets/${ticket.id}`, body, {
      "if-match": ticket.version,
    });
    assert.equal(res.status, 403);
    assert.match((await res.json()).error, /staff/);
  }
  const now = await (await api(t.app, "reporter", "GET", `/tickets/${ticket.id}`)).json();
  assert.equal(now.version, ticket.version);
  t.close();
});

Deno.test("[api] a stale If-Match is 409 and the first save stays", async () => {
  const t = await testApp();
  const ticket = await file(t.app, "Radiator in E104 is cold");
  const first = await api(t.app, "reporter", "PATCH", `/tickets/${ticket.id}`, {
    description: "Radiator in E104 is cold since Monday",
  }, { "if-match": `"${ticket.version}"` });
  assert.equal(first.status, 200);
  const second = await api(t.app, "reporter", "PATCH", `/tickets/${ticket.id}`, {
    description: "Radiator is fine now",
  }, { "if-match": `"${ticket.version}"` });
  assert.equal(second.status, 409);
  assert.match((await second.json()).error, /changed since you opened it/);
  const now = await (await api(t.app, "reporter", "GET", `/tickets/${ticket.id}`)).json();
  assert.equal(now.description, "Radiator in E104 is cold since Monday");
  t.close();
});

Deno.test("[api] PATCH without If-Match is 428 and changes nothing", async () => {
  const t = await testApp();
  const ticket = await file(t.app, "Radiator in E104 is cold");
  const res = await api(t.app, "reporter", "PATCH", `/tickets/${ticket.id}`, {
    description: "changed it now",
  });
  assert.equal(res.status, 428);
  assert.equal((await res.json()).field, "If-Match");
  t.close();
});

Deno.test("[api] bad PATCH bodies are 400 and change nothing", async () => {
  const t = await testApp();
  const ticket = await file(t.app, "Radiator in E104 is cold");
  const cases: [unknown, string | undefined][] = [
    [{}, undefined],
    [{ status: "done" }, "status"],
    [{ category: "plumbing" }, "category"],
    [{ description: "" }, "description"],
    [{ version: "x" }, undefined],
  ];
  for (const [body, field] of cases) {
    const res = await api(t.app, "helpdesk", "PATCH", `/tickets/${ticket.id}`, body, {
      "if-match": ticket.version,
    });
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.equal((await res.json()).field, field);
  }
  const now = await (await api(t.app, "helpdesk", "GET", `/tickets/${ticket.id}`)).json();
  assert.equal(now.version, ticket.version);
  t.close();
});

Deno.test("[api] a reporter never sees closed tickets; staff see them", async () => {
  const t = await testApp();
  const a = await file(t.app, "Printer on floor 2 jams");
  const b = await file(t.app, "Canteen food was cold today");
  let res = await api(t.app, "helpdesk", "PATCH", `/tickets/${a.id}`, { status: "active" }, {
    "if-match": a.version,
  });
  const active = await res.json();
  res = await api(t.app, "helpdesk", "PATCH", `/tickets/${a.id}`, { status: "closed" }, {
    "if-match": active.version,
  });
  assert.equal(res.status, 200);

  assert.equal((await api(t.app, "reporter", "GET", `/tickets/${a.id}`)).status, 404);
  assert.equal((await api(t.app, "reporter", "GET", `/tickets/${a.id}/messages`)).status, 404);
  assert.equal(
    (await api(t.app, "reporter", "POST", `/tickets/${a.id}/messages`, { text: "hi" })).status,
    404,
  );
  const list = await (await api(t.app, "reporter", "GET", "/tickets")).json();
  assert.deepEqual(list.tickets.map((x: { id: string }) => x.id), [b.id]);
  const closedOnly = await (await api(t.app, "reporter", "GET", "/tickets?status=closed")).json();
  assert.deepEqual(closedOnly.tickets, []);

  const staff = await (await api(t.app, "helpdesk", "GET", "/tickets")).json();
  assert.deepEqual(staff.tickets.map((x: { id: string }) => x.id), [b.id, a.id]);
  const staffClosed = await (await api(t.app, "helpdesk", "GET", "/tickets?status=closed")).json();
  assert.deepEqual(staffClosed.tickets.map((x: { id: string }) => x.id), [a.id]);
  t.close();
});

Deno.test("[api] list filters by category, pages with a cursor, validates limit", async () => {
  const t = await testApp();
  const ids = [];
  for (let i = 0; i < 5; i++) {
    t.clock.advance(1000);
    ids.push((await file(t.app, `The wifi in room ${i} is down`)).id);
  }
  await file(t.app, "The library closes too early in exam period");
  const it = await (await api(t.app, "helpdesk", "GET", "/tickets?category=technical_it&limit=2")).json();
  assert.deepEqual(it.tickets.map((x: { id: string }) => x.id), [ids[4], ids[3]]);
  const next =
    await (await api(t.app, "helpdesk", "GET", `/tickets?category=technical_it&limit=2&cursor=${it.cursor}`))
      .json();
  assert.deepEqual(next.tickets.map((x: { id: string }) => x.id), [ids[2], ids[1]]);
  for (
    const bad of ["limit=0", "limit=101", "limit=x", "limit=1.5", "status=done", "category=x", "cursor=abc"]
  ) {
    const res = await api(t.app, "helpdesk", "GET", `/tickets?${bad}`);
    assert.equal(res.status, 400, bad);
    assert.ok((await res.json()).error);
  }
  const all = await (await api(t.app, "helpdesk", "GET", "/tickets")).json();
  assert.equal(all.tickets.length, 6);
  assert.equal(all.cursor, null);
  t.close();
});

Deno.test("[api] unknown ids are 404 on every ticket call", async () => {
  const t = await testApp();
  for (const id of ["01JZZZZZZZZZZZZZZZZZZZZZZZ", "nope", "..%2F..%2Fetc"]) {
    assert.equal((await api(t.app, "helpdesk", "GET", `/tickets/${id}`)).status, 404);
    assert.equal(
      (await api(t.app, "helpdesk", "PATCH", `/tickets/${id}`, { status: "active" }, { "if-match": "x" }))
        .status,
      404,
    );
    assert.equal((await api(t.app, "helpdesk", "GET", `/tickets/${id}/messages`)).status, 404);
    assert.equal(
      (await api(t.app, "helpdesk", "POST", `/tickets/${id}/messages`, { text: "x" })).status,
      404,
    );
  }
  t.close();
});

Deno.test("[api] messages: 201, oldest first, bad text 400, closed ticket 409 read-only", async () => {
  const t = await testApp();
  const ticket = await file(t.app, "Door to lab 3 does not lock");
  let res = await api(t.app, "reporter", "POST", `/tickets/${ticket.id}/messages`, {
    text: "Any news?",
    authorName: "Ana",
  });
  assert.equal(res.status, 201);
  const m1 = await res.json();
  assert.equal(m1.authorRole, "reporter");
  assert.equal(m1.authorName, "Ana");
  assert.equal(m1.ticketId, ticket.id);
  t.clock.advance(1000);
  res = await api(t.app, "helpdesk", "POST", `/tickets/${ticket.id}/messages`, {
    text: "Locksmith comes at 3",
  });
  const m2 = await res.json();
  assert.equal(m2.authorName, null);
  for (
    const body of [{}, { text: "" }, { text: "x".repeat(5001) }, { text: "ok", authorName: "x".repeat(81) }]
  ) {
    res = await api(t.app, "reporter", "POST", `/tickets/${ticket.id}/messages`, body);
    assert.equal(res.status, 400);
    assert.ok((await res.json()).field);
  }
  const thread = await (await api(t.app, "reporter", "GET", `/tickets/${ticket.id}/messages`)).json();
  assert.deepEqual(thread.messages.map((m: { id: string }) => m.id), [m1.id, m2.id]);

  const current = await (await api(t.app, "helpdesk", "GET", `/tickets/${ticket.id}`)).json();
  assert.equal(current.updatedAt, "2026-03-10T09:00:01.000Z", "a message moves updatedAt");
  const active = await (await api(t.app, "helpdesk", "PATCH", `/tickets/${ticket.id}`, { status: "active" }, {
    "if-match": current.version,
  })).json();
  await api(t.app, "helpdesk", "PATCH", `/tickets/${ticket.id}`, { status: "closed" }, {
    "if-match": active.version,
  });
  res = await api(t.app, "helpdesk", "POST", `/tickets/${ticket.id}/messages`, { text: "one more" });
  assert.equal(res.status, 409);
  assert.match((await res.json()).error, /closed/);
  const after = await (await api(t.app, "helpdesk", "GET", `/tickets/${ticket.id}/messages`)).json();
  assert.equal(after.messages.length, 2);
  t.close();
});

Deno.test("[api] a staff category correction sticks when the description changes, and is remembered", async () => {
  const t = await testApp();
  const ticket = await file(t.app, "The card reader on the printer in the library is broken");
  let res = await api(t.app, "helpdesk", "PATCH", `/tickets/${ticket.id}`, {
    category: "services_complaints",
  }, {
    "if-match": ticket.version,
  });
  const corrected = await res.json();
  assert.equal(corrected.category, "services_complaints");
  assert.equal(corrected.categorySource, "staff");
  res = await api(t.app, "reporter", "PATCH", `/tickets/${ticket.id}`, {
    description: "The wifi in the library is down",
  }, { "if-match": corrected.version });
  const edited = await res.json();
  assert.equal(edited.category, "services_complaints");
  assert.equal(edited.categorySource, "staff");
  const { listCorrections } = await import("../lib/data/mod.ts");
  const stored = await listCorrections(t.db);
  assert.equal(stored.length, 1);
  assert.equal(stored[0].category, "services_complaints");
  t.close();
});

Deno.test("[api] an automatic category follows the description when it changes", async () => {
  const t = await testApp();
  const ticket = await file(t.app, "The wifi in the library keeps dropping");
  assert.equal(ticket.category, "technical_it");
  const res = await api(t.app, "reporter", "PATCH", `/tickets/${ticket.id}`, {
    description: "Water is dripping from the ceiling in hall 2",
  }, { "if-match": ticket.version });
  const edited = await res.json();
  assert.equal(edited.category, "facility_management");
  assert.equal(edited.categorySource, "auto");
  t.close();
});

Deno.test("[api] unknown endpoints are JSON 404", async () => {
  const t = await testApp();
  const res = await api(t.app, "helpdesk", "GET", "/nothing");
  assert.equal(res.status, 404);
  assert.ok((await res.json()).error);
  t.close();
});
