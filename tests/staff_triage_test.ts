/** Internal notes, "waiting on" and the staff queue, through the API, the pages and the live streams. */
import assert from "node:assert/strict";
import { parseHTML } from "linkedom";
import { getTicket, listMessages } from "../lib/data/mod.ts";
import { verifyStore } from "../lib/data/verify.ts";
import { ticketEvents } from "../routes/pages/ticket_events.ts";
import { queueEvents } from "../routes/pages/queue.ts";
import { api, testApp } from "./helpers.ts";
import { readEvents as readSse } from "./stack_helpers.ts";

type T = Awaited<ReturnType<typeof testApp>>;

const cookie = (role: string) => ({ cookie: `helpdesk_role=${role}` });

function form(t: T, path: string, fields: Record<string, string>, role: string) {
  return Promise.resolve(t.app.request(path, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      origin: "http://localhost",
      ...cookie(role),
    },
    body: new URLSearchParams(fields).toString(),
  }));
}

async function page(t: T, path: string, role: string) {
  const res = await t.app.request(path, { headers: cookie(role) });
  return { status: res.status, doc: parseHTML(await res.text()).document };
}

async function file(t: T, description = "The projector in B2 flickers") {
  return await (await api(t.app, "reporter", "POST", "/tickets", { description })).json();
}

/** Reads server-sent events from a stream, their data parsed, until `until` says stop. */
async function readEvents(stream: ReadableStream<Uint8Array>, until: (events: Sse[]) => boolean) {
  const events: Sse[] = [];
  await readSse(new Response(stream), ({ event, id, data }) => {
    events.push({ event, id, data: JSON.parse(data || "null") });
    return until(events);
  });
  return events;
}
type Sse = { event: string; id: string | null; data: Record<string, unknown> };

Deno.test("[notes] staff write internal notes; reporters never receive them from the API or the pages", async () => {
  const t = await testApp();
  const ticket = await file(t);
  await api(t.app, "reporter", "POST", `/tickets/${ticket.id}/messages`, { text: "It is getting worse" });
  t.clock.advance(60_000);
  const note = await api(t.app, "helpdesk", "POST", `/tickets/${ticket.id}/messages`, {
    text: "Probably the lamp; Bo has a spare",
    internal: true,
  });
  assert.equal(note.status, 201);
  const written = await note.json();
  assert.equal(written.internal, true);
  const reply = await (await api(t.app, "helpdesk", "POST", `/tickets/${ticket.id}/messages`, {
    text: "We'll come by at 3",
  })).json();
  assert.equal(reply.internal, false);

  const staffThread = (await (await api(t.app, "helpdesk", "GET", `/tickets/${ticket.id}/messages`)).json())
    .messages;
  assert.deepEqual(staffThread.map((m: { internal: boolean }) => m.internal), [false, true, false]);
  const reporterThread = (await (await api(t.app, "reporter", "GET", `/tickets/${ticket.id}/messages`))
    .json()).messages;
  assert.deepEqual(reporterThread.map((m: { text: string }) => m.text), [
    "It is getting worse",
    "We'll come by at 3",
  ]);

  const staffPage = await page(t, `/tickets/${ticket.id}`, "helpdesk");
  const noteBubble = staffPage.doc.querySelector(".bubble--internal")!;
  assert.match(noteBubble.textContent!, /Internal note — only staff see this/);
  assert.match(noteBubble.textContent!, /Bo has a spare/);
  assert.ok(
    staffPage.doc.querySelector("input[type=checkbox][name=internal]"),
    "staff composer has the toggle",
  );
  const reporterPage = await page(t, `/tickets/${ticket.id}`, "reporter");
  const html = reporterPage.doc.toString();
  assert.doesNotMatch(html, /Bo has a spare/, "the note is neither in the page nor in the islands' props");
  assert.doesNotMatch(html, /Internal note/);
  assert.equal(reporterPage.doc.querySelector("input[name=internal]"), null, "reporters get no toggle");
  assert.deepEqual(await verifyStore(t.db), []);
  t.close();
});

Deno.test("[notes] a reporter asking for an internal note is refused with 403 and nothing is stored", async () => {
  const t = await testApp();
  const ticket = await file(t);
  const res = await api(t.app, "reporter", "POST", `/tickets/${ticket.id}/messages`, {
    text: "let me in",
    internal: true,
  });
  assert.equal(res.status, 403);
  const body = await res.json();
  assert.equal(body.field, "internal");
  assert.match(body.error, /Only helpdesk staff can write internal notes/);
  // The same refusal for a ticket that does not exist: the 403 tells nothing about tickets.
  const ghost = await api(t.app, "reporter", "POST", "/tickets/01ARZ3NDEKTSV4RRFFQ69G5FAV/messages", {
    text: "x",
    internal: true,
  });
  assert.equal(ghost.status, 403);
  const viaForm = await form(
    t,
    `/tickets/${ticket.id}/messages`,
    { text: "hello", internal: "1" },
    "reporter",
  );
  assert.equal(viaForm.status, 403);
  assert.match(await viaForm.text(), /Only helpdesk staff can write internal notes/);
  for (const internal of ["yes", 1, null]) {
    const bad = await api(t.app, "helpdesk", "POST", `/tickets/${ticket.id}/messages`, {
      text: "x",
      internal,
    });
    assert.equal(bad.status, 400, String(internal));
    assert.equal((await bad.json()).field, "internal");
  }
  assert.equal((await listMessages(t.db, ticket.id)).length, 0);
  t.close();
});

Deno.test("[notes] staff post a note with the plain form (no JavaScript): stored as a note", async () => {
  const t = await testApp();
  const ticket = await file(t);
  const res = await form(
    t,
    `/tickets/${ticket.id}/messages`,
    { text: "Call facilities", internal: "1" },
    "helpdesk",
  );
  assert.equal(res.status, 303);
  const plain = await form(t, `/tickets/${ticket.id}/messages`, { text: "On it" }, "helpdesk");
  assert.equal(plain.status, 303);
  const thread = await listMessages(t.db, ticket.id);
  assert.deepEqual(thread.map((m) => [m.text, m.internal]), [["Call facilities", true], ["On it", false]]);
  // A refused note comes back with its toggle still on.
  const empty = await form(t, `/tickets/${ticket.id}/messages`, { text: " ", internal: "1" }, "helpdesk");
  assert.equal(empty.status, 400);
  const doc = parseHTML(await empty.text()).document;
  assert.ok(doc.querySelector("input[name=internal][checked]"));
  t.close();
});

Deno.test("[waiting] waitingOn follows visible messages only, and a note moves no reporter-visible time", async () => {
  const t = await testApp();
  const ticket = await file(t);
  const get = async (role: "reporter" | "helpdesk") =>
    await (await api(t.app, role, "GET", `/tickets/${ticket.id}`)).json();
  assert.equal((await get("reporter")).waitingOn, "helpdesk");
  await api(t.app, "reporter", "POST", `/tickets/${ticket.id}/messages`, { text: "any news?" });
  assert.equal((await get("helpdesk")).waitingOn, "helpdesk");
  t.clock.advance(60_000);
  await api(t.app, "helpdesk", "POST", `/tickets/${ticket.id}/messages`, { text: "we are on it" });
  const afterReply = await get("reporter");
  assert.equal(afterReply.waitingOn, "reporter");
  t.clock.advance(60_000);
  await api(t.app, "helpdesk", "POST", `/tickets/${ticket.id}/messages`, { text: "hm", internal: true });
  const afterNote = await get("reporter");
  assert.equal(afterNote.waitingOn, "reporter");
  assert.equal(afterNote.updatedAt, afterReply.updatedAt, "a note does not move updatedAt");
  assert.equal(afterNote.version, afterReply.version);
  t.clock.advance(60_000);
  await api(t.app, "reporter", "POST", `/tickets/${ticket.id}/messages`, { text: "thanks, still broken" });
  assert.equal((await get("reporter")).waitingOn, "helpdesk");
  let current = await get("helpdesk");
  current = await (await api(t.app, "helpdesk", "PATCH", `/tickets/${ticket.id}`, { status: "active" }, {
    "if-match": current.version,
  })).json();
  const closed = await (await api(t.app, "helpdesk", "PATCH", `/tickets/${ticket.id}`, { status: "closed" }, {
    "if-match": current.version,
  })).json();
  assert.equal(closed.waitingOn, null);
  t.close();
});

Deno.test("[waiting] the list filters on waiting and sorts by latest activity, with cursors, for both roles", async () => {
  const t = await testApp();
  const a = await file(t, "Heating in E104 is cold");
  t.clock.advance(1000);
  const b = await file(t, "Printer on floor 2 jams");
  t.clock.advance(1000);
  const c = await file(t, "Wifi drops in the library");
  t.clock.advance(1000);
  await api(t.app, "helpdesk", "POST", `/tickets/${a.id}/messages`, { text: "Checking the valve" });
  t.clock.advance(1000);
  await api(t.app, "helpdesk", "POST", `/tickets/${b.id}/messages`, {
    text: "internal only",
    internal: true,
  });
  const ids = async (role: "reporter" | "helpdesk", query: string) => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await api(
        t.app,
        role,
        "GET",
        `/tickets?${query}&limit=1${cursor ? `&cursor=${cursor}` : ""}`,
      );
      assert.equal(res.status, 200, query);
      const body = await res.json();
      seen.push(...body.tickets.map((x: { id: string }) => x.id));
      cursor = body.cursor;
    } while (cursor);
    return seen;
  };
  for (const role of ["reporter", "helpdesk"] as const) {
    assert.deepEqual(await ids(role, "waiting=helpdesk"), [c.id, b.id]);
    assert.deepEqual(await ids(role, "waiting=reporter"), [a.id]);
    // The note on b is not activity: a's reply is the latest, then c, b as filed.
    assert.deepEqual(await ids(role, "sort=updated"), [a.id, c.id, b.id]);
    assert.deepEqual(await ids(role, "sort=updated&waiting=helpdesk"), [c.id, b.id]);
    assert.deepEqual(await ids(role, "sort=opened"), [c.id, b.id, a.id]);
    assert.deepEqual(await ids(role, "waiting=helpdesk&status=open"), [c.id, b.id]);
  }
  t.close();
});

Deno.test("[waiting] bad sort, waiting and cursor values get a 400 naming the field; pages re-show the form", async () => {
  const t = await testApp();
  await file(t);
  const cases: [string, string][] = [
    ["sort=newest", "sort"],
    ["sort=", "sort"],
    ["waiting=staff", "waiting"],
    ["waiting=%F0%9F%98%80", "waiting"],
    ["waiting=helpdesk%00", "waiting"],
    ["waiting=helpdesk&status=closed", "waiting"],
    ["sort=updated&cursor=01ARZ3NDEKTSV4RRFFQ69G5FAV", "cursor"],
    ["cursor=1700000000000.01ARZ3NDEKTSV4RRFFQ69G5FAV", "cursor"],
    ["cursor=%E2%80%AE", "cursor"],
  ];
  for (const [query, field] of cases) {
    const res = await api(t.app, "helpdesk", "GET", `/tickets?${query}`);
    assert.equal(res.status, 400, query);
    const body = await res.json();
    assert.equal(body.field, field, query);
    assert.ok(body.error.length > 10, query);
  }
  for (const query of ["sort=newest", "waiting=%F0%9F%98%80", "waiting=helpdesk&status=closed"]) {
    // A reporter's status=closed is dropped (they see no closed tickets), so only staff meet that one.
    for (const role of query.includes("closed") ? ["helpdesk"] : ["helpdesk", "reporter"]) {
      const shown = await page(t, `/tickets?${query}`, role);
      assert.equal(shown.status, 400, `${role} ${query}`);
      assert.ok(
        shown.doc.querySelector(".filters .field-error"),
        `${role} ${query}: error beside the filters`,
      );
      assert.ok(shown.doc.querySelector("form.filters select[name=sort]"));
    }
  }
  t.close();
});

Deno.test("[notes] a reporter's event stream skips notes, resumes exactly, and sends no ticket event for a note", async () => {
  const t = await testApp();
  const ticket = await file(t);
  await api(t.app, "reporter", "POST", `/tickets/${ticket.id}/messages`, { text: "one" });
  const reporter = readEvents(
    ticketEvents(t.helpdesk, "reporter", ticket.id, 0),
    (events) => events.filter((e) => e.event === "message").length >= 3,
  );
  const staff = readEvents(
    ticketEvents(t.helpdesk, "helpdesk", ticket.id, 0),
    (events) => events.filter((e) => e.event === "message").length >= 5,
  );
  await new Promise((r) => setTimeout(r, 30));
  for (const [text, internal] of [["n1", true], ["two", false], ["n2", true], ["three", false]] as const) {
    t.clock.advance(1000);
    await api(t.app, "helpdesk", "POST", `/tickets/${ticket.id}/messages`, { text, internal });
    await new Promise((r) => setTimeout(r, 15));
  }
  const seen = await reporter;
  const messages = seen.filter((e) => e.event === "message");
  assert.deepEqual(messages.map((e) => e.data.text), ["one", "two", "three"]);
  assert.deepEqual(messages.map((e) => e.id), ["1", "3", "5"], "event ids are thread positions");
  assert.ok(seen.every((e) => e.data.internal !== true));
  const tickets = seen.filter((e) => e.event === "ticket").map((e) => e.data.updatedAt);
  assert.equal(new Set(tickets).size, tickets.length, "no ticket event without a visible change");
  assert.deepEqual((await staff).filter((e) => e.event === "message").map((e) => e.data.text), [
    "one",
    "n1",
    "two",
    "n2",
    "three",
  ]);
  // Resuming after "two" (id 3) with a note next: the note is skipped, "three" comes.
  const resumed = await readEvents(
    ticketEvents(t.helpdesk, "reporter", ticket.id, 3),
    (events) => events.some((e) => e.event === "message"),
  );
  assert.deepEqual(resumed.filter((e) => e.event === "message").map((e) => e.data.text), ["three"]);
  // Resuming after the last visible message when only a note follows: nothing but the ticket.
  await api(t.app, "helpdesk", "POST", `/tickets/${ticket.id}/messages`, { text: "n3", internal: true });
  const quiet = await readEvents(
    ticketEvents(t.helpdesk, "reporter", ticket.id, 5),
    (events) => events.some((e) => e.event === "ticket"),
  );
  assert.deepEqual(quiet.map((e) => e.event), ["ticket"]);
  t.close();
});

Deno.test("[queue] staff see a dense table with counts, sortable by links; reporters keep cards", async () => {
  const t = await testApp();
  const a = await file(t, "Heating in E104 is cold\nsince Monday, all day");
  t.clock.advance(1000);
  await file(t, "Wifi drops in the library");
  await api(t.app, "helpdesk", "POST", `/tickets/${a.id}/messages`, { text: "note", internal: true });
  const staff = await page(t, "/tickets", "helpdesk");
  assert.equal(staff.status, 200);
  const headers = [...staff.doc.querySelectorAll(".queue__table thead th")].map((th) =>
    th.textContent!.replace(/,.*$/, "").replace("▼", "").trim()
  );
  assert.deepEqual(headers, [
    "No.",
    "Summary",
    "Status",
    "Category",
    "Opened",
    "Last activity",
    "Messages",
    "Waiting on",
  ]);
  const rows = staff.doc.querySelectorAll(".queue__row");
  assert.equal(rows.length, 2);
  const heating = [...rows].find((r) => /Heating/.test(r.textContent!))!;
  assert.equal(heating.querySelector(".queue__number")!.textContent, a.id.slice(-6));
  assert.equal(heating.querySelector(".queue__summary a")!.textContent, "Heating in E104 is cold");
  assert.match(heating.querySelector(".queue__num")!.textContent!, /1 \(1 note\)/);
  assert.match(heating.textContent!, /Helpdesk/);
  const opened = staff.doc.querySelector("th[aria-sort=descending] a")!;
  assert.match(opened.textContent!, /Opened/);
  const activity = [...staff.doc.querySelectorAll(".queue__sort")].find((x) =>
    /Last activity/.test(x.textContent!)
  )!;
  assert.equal(activity.getAttribute("href"), "/tickets?sort=updated");
  const chips = [...staff.doc.querySelectorAll(".count-chip")].map((x) =>
    x.textContent!.replace(/\s+/g, " ").trim()
  );
  assert.ok(chips.includes("Open 2"), chips.join("|"));
  assert.ok(chips.includes("Closed 0"), chips.join("|"));
  // The filtered, sorted page keeps its filters in the sort links and the counts.
  const filtered = await page(t, "/tickets?waiting=helpdesk&sort=updated&category=technical_it", "helpdesk");
  const openedLink = [...filtered.doc.querySelectorAll(".queue__sort")].find((x) =>
    /Opened/.test(x.textContent!)
  )!;
  assert.equal(openedLink.getAttribute("href"), "/tickets?category=technical_it&waiting=helpdesk");
  assert.equal(
    filtered.doc.querySelector("select[name=waiting] option[selected]")!.getAttribute("value"),
    "helpdesk",
  );

  // Reporters' cards take the same filter and sort.
  const sorted = await page(t, "/tickets?sort=updated&waiting=helpdesk", "reporter");
  assert.equal(sorted.status, 200);
  assert.deepEqual(
    [...sorted.doc.querySelectorAll(".ticket-row__link")].map((a) => a.textContent),
    ["Wifi drops in the library", "Heating in E104 is cold"],
  );
  const reporter = await page(t, "/tickets", "reporter");
  assert.equal(reporter.doc.querySelector(".queue__table"), null);
  assert.equal(reporter.doc.querySelectorAll(".ticket-row").length, 2);
  assert.doesNotMatch(reporter.doc.toString(), /note/);
  t.close();
});

Deno.test("[queue] the queue's data and stream are staff-only; the stream says when any ticket changes", async () => {
  const t = await testApp();
  for (const path of ["/tickets/events", "/tickets/queue.json"]) {
    const res = await t.app.request(path, { headers: cookie("reporter") });
    assert.equal(res.status, 403, path);
    await res.body?.cancel();
  }
  const json = await t.app.request("/tickets/queue.json?sort=updated", { headers: cookie("helpdesk") });
  assert.equal(json.status, 200);
  const view = await json.json();
  assert.deepEqual(view.rows, []);
  const bad = await t.app.request("/tickets/queue.json?sort=nope", { headers: cookie("helpdesk") });
  assert.equal(bad.status, 400);
  assert.equal((await bad.json()).field, "sort");

  const events = readEvents(queueEvents(t.helpdesk, "helpdesk"), (e) => e.length >= 2);
  await new Promise((r) => setTimeout(r, 30));
  const filed = await file(t);
  const [first, second] = await events;
  assert.equal(first.event, "changed");
  assert.equal(first.data.version, view.version, "the first event is the version now");
  assert.ok(BigInt(second.data.version as string) > BigInt(view.version));
  const after = await (await t.app.request("/tickets/queue.json", { headers: cookie("helpdesk") })).json();
  assert.equal(after.rows[0].id, filed.id);
  assert.equal(after.rows[0].waitingOn, "helpdesk");
  assert.equal(after.version, second.data.version);
  assert.ok((await getTicket(t.db, filed.id))!.id);
  t.close();
});

Deno.test("[queue] a queue stream whose client stops reading is dropped", async () => {
  const t = await testApp();
  const stream = queueEvents(t.helpdesk, "helpdesk", { stallMs: 30 });
  const reader = stream.getReader();
  await reader.read();
  await file(t);
  await new Promise((r) => setTimeout(r, 80));
  await assert.rejects(async () => {
    while (true) {
      const { done } = await reader.read();
      if (done) break;
    }
  }, /stopped reading/);
  t.close();
});

Deno.test("[notes] search finds a note's words for staff only; a reporter's search never matches a note", async () => {
  const t = await testApp();
  const ticket = await file(t, "The projector in B2 flickers");
  await api(t.app, "helpdesk", "POST", `/tickets/${ticket.id}/messages`, {
    text: "Spare lamp is in cupboard zebra",
    internal: true,
  });
  const find = async (role: "reporter" | "helpdesk", q: string) => {
    const res = await api(t.app, role, "GET", `/tickets?q=${encodeURIComponent(q)}`);
    assert.equal(res.status, 200, `${role} ${q}`);
    return (await res.json()).tickets.map((x: { id: string }) => x.id);
  };
  assert.deepEqual(await find("helpdesk", "zebra"), [ticket.id]);
  assert.deepEqual(await find("reporter", "zebra"), []);
  assert.deepEqual(await find("reporter", "projector"), [ticket.id], "the ticket itself is still found");
  const page = await t.app.request("/tickets?q=zebra", { headers: cookie("reporter") });
  assert.doesNotMatch(await page.text(), /cupboard/);
  t.close();
});
