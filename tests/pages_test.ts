import assert from "node:assert/strict";
import { parseHTML } from "linkedom";
import { allTickets, getTicket, listMessages } from "../lib/data/mod.ts";
import { testApp } from "./helpers.ts";

type App = Awaited<ReturnType<typeof testApp>>["app"];

function cookieFor(role: string, name?: string) {
  return `helpdesk_role=${role}${name ? `; helpdesk_name=${encodeURIComponent(name)}` : ""}`;
}

function get(app: App, path: string, role?: string) {
  return Promise.resolve(app.request(path, { headers: role ? { cookie: cookieFor(role) } : {} }));
}

function post(
  app: App,
  path: string,
  fields: Record<string, string>,
  role?: string,
  origin = "http://localhost",
) {
  return Promise.resolve(app.request(path, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      origin,
      ...(role ? { cookie: cookieFor(role) } : {}),
    },
    body: new URLSearchParams(fields).toString(),
  }));
}

async function dom(res: Response) {
  return parseHTML(await res.text()).document;
}

async function countTickets(db: Parameters<typeof allTickets>[0]) {
  let n = 0;
  for await (const _ of allTickets(db)) n++;
  return n;
}

Deno.test("[pages] the entry page offers both roles and sets an HttpOnly SameSite cookie", async () => {
  const t = await testApp();
  const page = await dom(await get(t.app, "/"));
  const buttons = [...page.querySelectorAll("button[name=role]")].map((b) => b.getAttribute("value"));
  assert.deepEqual(buttons, ["reporter", "helpdesk"]);
  const res = await post(t.app, "/role", { role: "helpdesk", name: "Sam" });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get("location"), "/tickets");
  const cookies = res.headers.getSetCookie();
  const role = cookies.find((c) => c.startsWith("helpdesk_role=helpdesk"));
  assert.ok(role);
  assert.match(role, /HttpOnly/);
  assert.match(role, /SameSite=Lax/);
  assert.ok(cookies.some((c) => c.startsWith("helpdesk_name=Sam")));
  const bad = await post(t.app, "/role", { role: "admin" });
  assert.equal(bad.status, 400);
  t.close();
});

Deno.test("[pages] pages without a role send the person to choose one", async () => {
  const t = await testApp();
  for (const path of ["/tickets", "/tickets/new", "/tickets/01JZZZZZZZZZZZZZZZZZZZZZZZ"]) {
    const res = await get(t.app, path);
    assert.equal(res.status, 303, path);
    assert.equal(res.headers.get("location"), "/");
  }
  t.close();
});

Deno.test("[pages] a page without islands ships no script", async () => {
  const t = await testApp();
  // (The new-ticket form has one: the similar-tickets hint, islands/SimilarTickets.tsx.)
  for (const [path, role] of [["/", undefined], ["/tickets", "reporter"]]) {
    const html = await (await get(t.app, path!, role)).text();
    assert.doesNotMatch(html, /<script/, path);
  }
  t.close();
});

Deno.test("[pages] filing without JavaScript: 303 to the ticket; an empty form shows the error by the field", async () => {
  const t = await testApp();
  const empty = await post(t.app, "/tickets", { description: "   " }, "reporter");
  assert.equal(empty.status, 400);
  const page = await dom(empty);
  const textarea = page.querySelector("#description")!;
  assert.equal(textarea.getAttribute("aria-invalid"), "true");
  assert.match(textarea.getAttribute("aria-describedby")!, /description-error/);
  assert.match(page.querySelector("#description-error")!.textContent!, /Please describe the problem/);
  assert.equal(await countTickets(t.db), 0);

  const res = await post(t.app, "/tickets", { description: "Radiator in E104 is cold" }, "reporter");
  assert.equal(res.status, 303);
  const location = res.headers.get("location")!;
  assert.match(location, /^\/tickets\/[0-9A-Z]{26}\?filed=1$/);
  const ticketPage = await dom(await get(t.app, location, "reporter"));
  assert.match(ticketPage.querySelector(".ticket__description")!.textContent!, /Radiator in E104/);
  assert.ok(ticketPage.querySelector(".badge--facility_management"));
  assert.ok(ticketPage.querySelector("[data-island=TicketSummary] .ticket__description"));
  assert.ok(ticketPage.querySelector("[data-island=TicketEditor]"));
  assert.ok(ticketPage.querySelector("[data-island=LiveThread]"));
  assert.equal(ticketPage.querySelector("form.status-action"), null, "reporters get no status buttons");
  t.close();
});

Deno.test("[pages] a form post from another site is refused (CSRF)", async () => {
  const t = await testApp();
  const res = await post(t.app, "/tickets", { description: "evil" }, "reporter", "https://evil.example");
  assert.equal(res.status, 403);
  assert.equal(await countTickets(t.db), 0);
  t.close();
});

Deno.test("[pages] editing without JavaScript; a stale version shows the conflict and keeps both texts", async () => {
  const t = await testApp();
  await post(t.app, "/tickets", { description: "Radiator in E104 is cold" }, "reporter");
  const [ticket] = await Array.fromAsync(allTickets(t.db));
  const saw = { baseDescription: ticket.description, baseCategory: ticket.category };
  const ok = await post(t.app, `/tickets/${ticket.id}`, {
    description: "Radiator in E104 is cold since Monday",
    ...saw,
  }, "reporter");
  assert.equal(ok.status, 303);
  const stale = await post(
    t.app,
    `/tickets/${ticket.id}`,
    { description: "My other text", ...saw },
    "reporter",
  );
  assert.equal(stale.status, 409);
  const page = await dom(stale);
  assert.match(page.querySelector(".alert--warning")!.textContent!, /changed since you opened it/);
  assert.equal(page.querySelector("#description")!.textContent, "My other text");
  assert.equal((await getTicket(t.db, ticket.id))!.description, "Radiator in E104 is cold since Monday");

  const empty = await post(
    t.app,
    `/tickets/${ticket.id}`,
    { description: "", ...saw },
    "reporter",
  );
  assert.equal(empty.status, 400);
  assert.match(
    (await dom(empty)).querySelector("#description-error")!.textContent!,
    /Please describe the problem/,
  );
  t.close();
});

Deno.test("[pages] a reporter posting a category or status is refused", async () => {
  const t = await testApp();
  await post(t.app, "/tickets", { description: "Radiator in E104 is cold" }, "reporter");
  const [ticket] = await Array.fromAsync(allTickets(t.db));
  const status = await post(t.app, `/tickets/${ticket.id}/status`, {
    status: "active",
    from: "open",
  }, "reporter");
  assert.equal(status.status, 403);
  const category = await post(t.app, `/tickets/${ticket.id}`, {
    description: ticket.description,
    category: "technical_it",
    baseDescription: ticket.description,
    baseCategory: ticket.category,
  }, "reporter");
  assert.equal(category.status, 403);
  assert.equal((await getTicket(t.db, ticket.id))!.version, ticket.version);
  t.close();
});

Deno.test("[pages] staff activate and close with plain forms; a closed thread is read-only and hidden from reporters", async () => {
  const t = await testApp();
  await post(t.app, "/tickets", { description: "Projector in A12 doesn't detect HDMI" }, "reporter");
  let [ticket] = await Array.fromAsync(allTickets(t.db));
  let page = await dom(await get(t.app, `/tickets/${ticket.id}`, "helpdesk"));
  assert.equal(page.querySelector("form.status-action button")!.textContent, "Start work");
  let res = await post(
    t.app,
    `/tickets/${ticket.id}/status`,
    { status: "active", from: "open" },
    "helpdesk",
  );
  assert.equal(res.status, 303);
  ticket = (await getTicket(t.db, ticket.id))!;
  assert.equal(ticket.status, "active");
  page = await dom(await get(t.app, `/tickets/${ticket.id}`, "helpdesk"));
  assert.equal(page.querySelector("form.status-action button")!.textContent, "Close ticket");

  res = await post(t.app, `/tickets/${ticket.id}/messages`, { text: "Fixed the cable" }, "helpdesk");
  assert.equal(res.status, 303);
  ticket = (await getTicket(t.db, ticket.id))!;
  res = await post(
    t.app,
    `/tickets/${ticket.id}/status`,
    { status: "closed", from: "active" },
    "helpdesk",
  );
  assert.equal(res.status, 303);

  page = await dom(await get(t.app, `/tickets/${ticket.id}`, "helpdesk"));
  assert.equal(page.querySelector("form.status-action"), null);
  assert.equal(page.querySelector("form.thread__form"), null, "no message form on a closed ticket");
  assert.match(page.querySelector(".thread__closed")!.textContent!, /read-only/);
  res = await post(t.app, `/tickets/${ticket.id}/messages`, { text: "late" }, "helpdesk");
  assert.equal(res.status, 409);
  assert.equal((await listMessages(t.db, ticket.id)).length, 1);

  assert.equal((await get(t.app, `/tickets/${ticket.id}`, "reporter")).status, 404);
  const list = await dom(await get(t.app, "/tickets", "reporter"));
  assert.equal(list.querySelectorAll(".ticket-row").length, 0);
  const staffList = await dom(await get(t.app, "/tickets?status=closed", "helpdesk"));
  assert.equal(staffList.querySelectorAll(".queue__row").length, 1);
  t.close();
});

Deno.test("[pages] an empty message is shown back with its error and not stored", async () => {
  const t = await testApp();
  await post(t.app, "/tickets", { description: "Wifi down in the library" }, "reporter");
  const [ticket] = await Array.fromAsync(allTickets(t.db));
  const res = await post(t.app, `/tickets/${ticket.id}/messages`, { text: "  " }, "reporter");
  assert.equal(res.status, 400);
  const page = await dom(res);
  assert.match(page.querySelector("#message-error")!.textContent!, /Please write a message/);
  assert.equal((await listMessages(t.db, ticket.id)).length, 0);
  t.close();
});

Deno.test("[pages] staff see filters and the check-category flag; HTML in descriptions is escaped", async () => {
  const t = await testApp();
  await post(t.app, "/tickets", { description: "<script>alert(1)</script> hmm" }, "reporter");
  const html = await (await get(t.app, "/tickets", "helpdesk")).text();
  assert.doesNotMatch(html, /<script>alert/);
  const page = parseHTML(html).document;
  assert.ok(page.querySelector("select#filter-status option[value=closed]"));
  assert.ok(page.querySelector("select#filter-category"));
  const reporter = await dom(await get(t.app, "/tickets", "reporter"));
  assert.equal(reporter.querySelector("select#filter-status option[value=closed]"), null);
  t.close();
});

Deno.test("[pages] security headers are set on pages", async () => {
  const t = await testApp();
  const res = await get(t.app, "/");
  const csp = res.headers.get("content-security-policy")!;
  assert.match(csp, /script-src 'self' 'nonce-/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(res.headers.get("x-content-type-options"), "nosniff");
  assert.ok(res.headers.get("referrer-policy"));
  t.close();
});

Deno.test("[pages] a message posted meanwhile does not refuse a form edit or a status change", async () => {
  const t = await testApp();
  await post(t.app, "/tickets", { description: "Door to lab 3 does not lock" }, "reporter");
  const [ticket] = await Array.fromAsync(allTickets(t.db));
  await post(t.app, `/tickets/${ticket.id}/messages`, { text: "any news?" }, "reporter");
  const edit = await post(t.app, `/tickets/${ticket.id}`, {
    description: "Door to lab 3 does not lock at night",
    baseDescription: ticket.description,
    baseCategory: ticket.category,
  }, "reporter");
  assert.equal(edit.status, 303);
  await post(t.app, `/tickets/${ticket.id}/messages`, { text: "on it" }, "helpdesk");
  const status = await post(
    t.app,
    `/tickets/${ticket.id}/status`,
    { status: "active", from: "open" },
    "helpdesk",
  );
  assert.equal(status.status, 303);
  // Two staff pressing "Start work" on the same page: the second sees the conflict.
  const again = await post(
    t.app,
    `/tickets/${ticket.id}/status`,
    { status: "active", from: "open" },
    "helpdesk",
  );
  assert.equal(again.status, 409);
  const stored = (await getTicket(t.db, ticket.id))!;
  assert.equal(stored.description, "Door to lab 3 does not lock at night");
  assert.equal(stored.status, "active");
  t.close();
});

Deno.test("[pages] an uncertain category is flagged for staff until they confirm it", async () => {
  const t = await testApp();
  await post(t.app, "/tickets", { description: "help please" }, "reporter");
  await post(t.app, "/tickets", { description: "The elevator in building C is stuck" }, "reporter");
  let list = await dom(await get(t.app, "/tickets", "helpdesk"));
  const flagged = () =>
    [...list.querySelectorAll(".queue__row")].filter((row) => row.querySelector(".badge--check"));
  assert.equal(flagged().length, 1);
  assert.match(flagged()[0].textContent!, /help please/);
  const reporterList = await dom(await get(t.app, "/tickets", "reporter"));
  assert.equal(reporterList.querySelectorAll(".badge--check").length, 0, "reporters see no flag");

  const ticket = (await Array.fromAsync(allTickets(t.db))).find((x) => x.description === "help please")!;
  const res = await post(t.app, `/tickets/${ticket.id}`, {
    description: ticket.description,
    category: ticket.category,
    baseDescription: ticket.description,
    baseCategory: ticket.category,
  }, "helpdesk");
  assert.equal(res.status, 303);
  list = await dom(await get(t.app, "/tickets", "helpdesk"));
  assert.equal(flagged().length, 0, "confirmed by staff");
  t.close();
});

/** The islands' props of a page, as the browser gets them. */
function islandsPayload(page: Document): { signals: unknown[]; props: Record<string, unknown>[] } {
  return JSON.parse(page.querySelector("script#islands-props")!.textContent!);
}

/** The props of the island named `name` on a page. */
function islandProps(page: Document, name: string): Record<string, unknown> {
  const index = Number(page.querySelector(`[data-island=${name}]`)!.getAttribute("data-props"));
  return islandsPayload(page).props[index];
}

Deno.test("[pages] the ticket page's header, editor and thread are islands sharing one live ticket signal", async () => {
  const t = await testApp();
  await post(t.app, "/tickets", { description: "help please" }, "reporter");
  const [ticket] = await Array.fromAsync(allTickets(t.db));
  await post(t.app, `/tickets/${ticket.id}/messages`, { text: "any news?" }, "reporter");
  await post(t.app, `/tickets/${ticket.id}/messages`, { text: "on it" }, "helpdesk");

  const staff = await dom(await get(t.app, `/tickets/${ticket.id}`, "helpdesk"));
  const summary = staff.querySelector("[data-island=TicketSummary]")!;
  // Server-rendered in full: the page reads the same without JavaScript.
  assert.match(summary.querySelector(".ticket__description")!.textContent!, /help please/);
  assert.ok(summary.querySelector(".badge--status-open"));
  assert.ok(summary.querySelector(".badge--check"), "an uncertain category is flagged for staff");
  assert.deepEqual(
    [...summary.querySelectorAll(".ticket__times dt")].map((dt) => dt.textContent),
    ["Opened", "Last change"],
  );
  // The status action is still a plain form with what the person saw.
  const form = summary.querySelector("form.status-action")!;
  assert.equal(form.getAttribute("method"), "post");
  assert.equal(form.getAttribute("action"), `/tickets/${ticket.id}/status`);
  assert.equal(form.querySelector("input[name=from]")!.getAttribute("value"), "open");
  assert.equal(form.querySelector("input[name=status]")!.getAttribute("value"), "active");
  assert.equal(form.querySelector("button")!.textContent, "Start work");

  // One signal, shared by the three islands, carrying the whole ticket and the staff flag.
  const payload = islandsPayload(staff);
  assert.equal(payload.signals.length, 1);
  for (const name of ["TicketSummary", "TicketEditor", "LiveThread"]) {
    assert.deepEqual(islandProps(staff, name).ticket, { $signal: 0 }, name);
  }
  const stored = (await getTicket(t.db, ticket.id))!;
  assert.deepEqual(payload.signals[0], {
    id: stored.id,
    description: stored.description,
    category: stored.category,
    categorySource: stored.categorySource,
    status: "open",
    openedAt: stored.openedAt,
    activatedAt: null,
    closedAt: null,
    updatedAt: stored.updatedAt,
    version: stored.version,
    needsCategoryCheck: true,
  });
  // The thread gets its messages with their position, so it can resume the stream after the last one.
  const messages = islandProps(staff, "LiveThread").messages as { seq: number; text: string }[];
  assert.deepEqual(messages.map((m) => [m.seq, m.text]), [[1, "any news?"], [2, "on it"]]);

  const reporter = await dom(await get(t.app, `/tickets/${ticket.id}`, "reporter"));
  assert.ok(reporter.querySelector("[data-island=TicketSummary] .ticket__head"));
  assert.equal(reporter.querySelector("form.status-action"), null, "reporters get no status buttons");
  assert.equal(reporter.querySelector(".badge--check"), null, "reporters see no flag");
  assert.equal(
    (islandsPayload(reporter).signals[0] as { needsCategoryCheck: boolean }).needsCategoryCheck,
    false,
  );

  // Active and closed show their times; a closed ticket offers no status action and no forms.
  await post(t.app, `/tickets/${ticket.id}/status`, { status: "active", from: "open" }, "helpdesk");
  let page = await dom(await get(t.app, `/tickets/${ticket.id}`, "helpdesk"));
  assert.deepEqual(
    [...page.querySelectorAll("[data-island=TicketSummary] .ticket__times dt")].map((dt) => dt.textContent),
    ["Opened", "Active since", "Last change"],
  );
  assert.equal(page.querySelector("form.status-action input[name=from]")!.getAttribute("value"), "active");
  assert.equal(page.querySelector("form.status-action input[name=status]")!.getAttribute("value"), "closed");
  await post(t.app, `/tickets/${ticket.id}/status`, { status: "closed", from: "active" }, "helpdesk");
  page = await dom(await get(t.app, `/tickets/${ticket.id}`, "helpdesk"));
  assert.deepEqual(
    [...page.querySelectorAll("[data-island=TicketSummary] .ticket__times dt")].map((dt) => dt.textContent),
    ["Opened", "Active since", "Closed", "Last change"],
  );
  assert.ok(page.querySelector("[data-island=TicketSummary] .badge--status-closed"));
  assert.equal(page.querySelector("form.status-action"), null);
  assert.equal(page.querySelector("form.editor"), null);
  assert.match(page.querySelector(".editor__closed")!.textContent!, /closed/);
  t.close();
});
