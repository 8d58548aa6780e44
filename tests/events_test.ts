import assert from "node:assert/strict";
import { api, testApp } from "./helpers.ts";
import { readEvents as readSse } from "./stack_helpers.ts";

/** Reads server-sent events from a response until `until` says stop. */
async function readEvents(res: Response, until: (events: { event: string; data: string }[]) => boolean) {
  const events: { event: string; data: string }[] = [];
  await readSse(res, ({ event, data }) => {
    events.push({ event, data });
    return until(events);
  });
  return events;
}

Deno.test("[events] the stream sends messages after the cursor, then the ticket, and follows new messages", async () => {
  const t = await testApp();
  const ticket =
    await (await api(t.app, "reporter", "POST", "/tickets", { description: "Wifi is down in B2" })).json();
  const first =
    await (await api(t.app, "reporter", "POST", `/tickets/${ticket.id}/messages`, { text: "one" })).json();
  await api(t.app, "reporter", "POST", `/tickets/${ticket.id}/messages`, { text: "two" });
  const res = await t.app.request(`/tickets/${ticket.id}/events?after=${first.seq}`, {
    headers: { cookie: "helpdesk_role=helpdesk" },
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type")!, /text\/event-stream/);
  const pending = readEvents(res, (events) => events.filter((e) => e.event === "message").length >= 2);
  // Written after the stream started: must arrive through the watch.
  setTimeout(() => api(t.app, "helpdesk", "POST", `/tickets/${ticket.id}/messages`, { text: "three" }), 50);
  const events = await pending;
  const texts = events.filter((e) => e.event === "message").map((e) => JSON.parse(e.data).text);
  assert.deepEqual(texts, ["two", "three"]);
  assert.ok(events.some((e) => e.event === "ticket" && JSON.parse(e.data).id === ticket.id));
  t.close();
});

Deno.test("[events] a reporter cannot follow a closed ticket; no role is sent to choose one", async () => {
  const t = await testApp();
  const ticket =
    await (await api(t.app, "reporter", "POST", "/tickets", { description: "Wifi is down in B2" })).json();
  const active = await (await api(t.app, "helpdesk", "PATCH", `/tickets/${ticket.id}`, { status: "active" }, {
    "if-match": ticket.version,
  })).json();
  await api(t.app, "helpdesk", "PATCH", `/tickets/${ticket.id}`, { status: "closed" }, {
    "if-match": active.version,
  });
  const res = await t.app.request(`/tickets/${ticket.id}/events`, {
    headers: { cookie: "helpdesk_role=reporter" },
  });
  assert.equal(res.status, 404);
  await res.body?.cancel();
  const anonymous = await t.app.request(`/tickets/${ticket.id}/events`);
  assert.equal(anonymous.status, 303);
  t.close();
});

Deno.test("[events] a client that stops reading holds one event and is dropped; a reconnect resumes after Last-Event-ID", async () => {
  const { ticketEvents } = await import("../routes/pages/ticket_events.ts");
  const t = await testApp();
  const ticket =
    await (await api(t.app, "reporter", "POST", "/tickets", { description: "Wifi is down in B2" })).json();
  for (let i = 0; i < 120; i++) {
    await api(t.app, "reporter", "POST", `/tickets/${ticket.id}/messages`, { text: `message ${i}` });
  }
  const stream = ticketEvents(t.helpdesk, "reporter", ticket.id, 0, { stallMs: 200 });
  const reader = stream.getReader();
  const first = new TextDecoder().decode((await reader.read()).value);
  assert.match(first, /^event: message\nid: 1\n/);
  // The client takes nothing more: the server must not read ahead, and drops the client after stallMs.
  await new Promise((r) => setTimeout(r, 400));
  await assert.rejects(reader.read(), /stopped reading/);

  const resumed = await t.app.request(`/tickets/${ticket.id}/events`, {
    headers: { cookie: "helpdesk_role=reporter", "last-event-id": "1" },
  });
  const events = await readEvents(resumed, (events) => events.some((e) => e.event === "ticket"));
  const seqs = events.filter((e) => e.event === "message").map((e) => JSON.parse(e.data).seq);
  assert.deepEqual(seqs, Array.from({ length: 119 }, (_, i) => i + 2));
  t.close();
});

Deno.test("[events] a cursor that is not a message number is refused with 400", async () => {
  const t = await testApp();
  const ticket =
    await (await api(t.app, "reporter", "POST", "/tickets", { description: "Wifi is down in B2" })).json();
  for (const after of ["-1", "abc", "1e3", "99999999999"]) {
    const res = await t.app.request(`/tickets/${ticket.id}/events?after=${after}`, {
      headers: { cookie: "helpdesk_role=reporter" },
    });
    assert.equal(res.status, 400, after);
    await res.body?.cancel();
  }
  t.close();
});
