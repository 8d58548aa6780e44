/**
 * Reporters without a login, through app.request(): the reporter key, My tickets (page and API), own closed
 * tickets, private links, unread replies, the history and its restore, and every refusal storing nothing.
 */
import assert from "node:assert/strict";
import { parseHTML } from "linkedom";
import { api, testApp } from "./helpers.ts";

type T = Awaited<ReturnType<typeof testApp>>;

/** A browser for app.request(): keeps the cookies the app sets and sends them back. */
class Browser {
  cookies = new Map<string, string>();
  constructor(readonly app: T["app"]) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) {
      headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    }
    if (init.method === "POST" && !headers.has("origin")) headers.set("origin", "http://localhost");
    const res = await this.app.request(path, { ...init, headers });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const [name, value] = pair.split("=");
      if (/Max-Age=0/.test(cookie)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  form(path: string, fields: Record<string, string>) {
    return this.request(path, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    });
  }

  async enter(role: "reporter" | "helpdesk", name = "") {
    const res = await this.form("/role", { role, name });
    assert.equal(res.status, 303);
    return this;
  }

  /** Files a ticket through the form; returns its id. */
  async file(description: string): Promise<string> {
    const res = await this.form("/tickets", { description });
    assert.equal(res.status, 303);
    return res.headers.get("location")!.match(/\/tickets\/([0-9A-Z]{26})/)![1];
  }

  async page(path: string) {
    const res = await this.request(path);
    return { status: res.status, document: parseHTML(await res.text()).document };
  }
}

/** Every key and value in the store as text, to show what a refusal did (not) store. */
async function storeDump(t: T): Promise<string[]> {
  const all: string[] = [];
  for await (const entry of t.db.kv.list({ prefix: [] })) {
    all.push(
      JSON.stringify(entry.key) + " " +
        JSON.stringify(entry.value, (_, v) => typeof v === "bigint" ? String(v) : v),
    );
  }
  return all.filter((line) => !line.startsWith('["meta"'));
}

const KEY_A = "a".repeat(43);
const KEY_B = "b".repeat(43);
const asKey = (key: string) => ({ "x-helpdesk-reporter-key": key });

async function closeTicket(t: T, id: string) {
  for (const status of ["active", "closed"]) {
    const current = await (await api(t.app, "helpdesk", "GET", `/tickets/${id}`)).json();
    const res = await api(t.app, "helpdesk", "PATCH", `/tickets/${id}`, { status }, {
      "if-match": current.version,
    });
    assert.equal(res.status, 200);
  }
}

Deno.test("[reporters] entering as a reporter sets a random HttpOnly key cookie, keeps a valid one, replaces a broken one", async () => {
  const t = await testApp();
  const a = await new Browser(t.app).enter("reporter");
  const key = a.cookies.get("helpdesk_reporter")!;
  assert.match(key, /^[A-Za-z0-9_-]{43}$/);
  const b = await new Browser(t.app).enter("reporter");
  assert.notEqual(b.cookies.get("helpdesk_reporter"), key);

  const res = await a.form("/role", { role: "reporter" });
  const set = res.headers.getSetCookie().find((c) => c.startsWith("helpdesk_reporter="));
  assert.equal(set, undefined, "an existing valid key is kept");
  // The reporter's header links My tickets; staff have none.
  const navOf = async (b: Browser) =>
    [...(await b.page("/tickets")).document.querySelectorAll(".site-nav a")].map((l) =>
      l.getAttribute("href")
    );
  assert.deepEqual(await navOf(a), ["/tickets", "/tickets?mine=1", "/tickets/new"]);
  // Switching to staff and back keeps it too.
  await a.enter("helpdesk");
  assert.deepEqual(await navOf(a), ["/tickets", "/tickets/new", "/dashboard"]);
  await a.enter("reporter");
  assert.equal(a.cookies.get("helpdesk_reporter"), key);

  const fresh = await t.app.request("https://localhost/role", {
    method: "POST",
    headers: {
      origin: "https://localhost",
      "content-type": "application/x-www-form-urlencoded",
      cookie: "helpdesk_reporter=forged",
    },
    body: "role=reporter",
  });
  const cookie = fresh.headers.getSetCookie().find((c) => c.startsWith("helpdesk_reporter="))!;
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Lax/);
  assert.match(cookie, /Secure/);
  assert.match(cookie, /Max-Age=\d{7,}/);
  assert.notEqual(cookie.split(";")[0], "helpdesk_reporter=forged");
  t.close();
});

Deno.test("[reporters] My tickets: the key's tickets, closed ones included, newest first, paged; the store keeps only the key's hash", async () => {
  const t = await testApp();
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    t.clock.advance(60_000);
    const res = await api(t.app, "reporter", "POST", "/tickets", {
      description: `Printer ${i} jams on page one`,
    }, asKey(KEY_A));
    assert.equal(res.status, 201);
    assert.match(res.headers.get("x-helpdesk-private-link")!, /^\/t\/[A-Za-z0-9_-]{43}$/);
    ids.push((await res.json()).id);
  }
  await api(
    t.app,
    "reporter",
    "POST",
    "/tickets",
    { description: "Somebody else's radiator is cold" },
    asKey(KEY_B),
  );
  await api(t.app, "reporter", "POST", "/tickets", { description: "A ticket filed without any key" });
  await closeTicket(t, ids[1]);

  const first =
    await (await api(t.app, "reporter", "GET", "/tickets?mine=true&limit=3", undefined, asKey(KEY_A))).json();
  assert.deepEqual(first.tickets.map((x: { id: string }) => x.id), [ids[4], ids[3], ids[2]]);
  const second = await (await api(
    t.app,
    "reporter",
    "GET",
    `/tickets?mine=true&limit=3&cursor=${first.cursor}`,
    undefined,
    asKey(KEY_A),
  )).json();
  assert.deepEqual(second.tickets.map((x: { id: string }) => x.id), [ids[1], ids[0]]);
  assert.equal(second.tickets[0].status, "closed");
  assert.equal(second.cursor, null);
  // A well-formed key that filed nothing simply has no tickets.
  const none =
    await (await api(t.app, "reporter", "GET", "/tickets?mine=true", undefined, asKey("c".repeat(43))))
      .json();
  assert.deepEqual(none, { tickets: [], cursor: null });

  const dump = (await storeDump(t)).join("\n");
  assert.ok(!dump.includes(KEY_A) && !dump.includes(KEY_B), "the raw key is never stored");
  t.close();
});

Deno.test("[reporters] a forged, malformed or huge key is refused with 400 and stores nothing; staff asking for mine get 400", async () => {
  const t = await testApp();
  await api(
    t.app,
    "reporter",
    "POST",
    "/tickets",
    { description: "The printer jams on page one" },
    asKey(KEY_A),
  );
  const before = await storeDump(t);
  for (const bad of ["forged", "a".repeat(42), "a".repeat(44), "a".repeat(42) + "!", "x".repeat(6000)]) {
    for (
      const [method, path, body] of [
        ["GET", "/tickets?mine=true"],
        ["POST", "/tickets", { description: "The projector in B2 is broken" }],
      ] as const
    ) {
      const res = await api(t.app, "reporter", method, path, body, asKey(bad));
      assert.equal(res.status, 400, `${method} ${path} with ${bad.slice(0, 10)}`);
      const answer = await res.json();
      assert.equal(answer.field, "X-Helpdesk-Reporter-Key");
      assert.match(answer.error, /not a reporter key/);
    }
    // The same key as a cookie: the same refusal, naming the cookie.
    const res = await t.app.request("/api/v1/tickets?mine=true", {
      headers: { "x-helpdesk-role": "reporter", cookie: `helpdesk_reporter=${bad}` },
    });
    assert.equal(res.status, 400);
    assert.equal((await res.json()).field, "helpdesk_reporter");
  }
  const page = await t.app.request("/tickets?mine=1", {
    headers: { cookie: "helpdesk_role=reporter; helpdesk_reporter=forged" },
  });
  assert.equal(page.status, 400);
  assert.match(await page.text(), /reporter key kept in your browser/);
  assert.deepEqual(await storeDump(t), before);

  const staff = await api(t.app, "helpdesk", "GET", "/tickets?mine=true", undefined, asKey(KEY_A));
  assert.equal(staff.status, 400);
  assert.match((await staff.json()).error, /My tickets is for reporters/);
  const staffPage = await new Browser(t.app).enter("helpdesk").then((b) => b.page("/tickets?mine=1"));
  assert.equal(staffPage.status, 400);
  const noKey = await api(t.app, "reporter", "GET", "/tickets?mine=true");
  assert.equal(noKey.status, 400);
  const filtered = await api(
    t.app,
    "reporter",
    "GET",
    "/tickets?mine=true&status=open",
    undefined,
    asKey(KEY_A),
  );
  assert.equal(filtered.status, 400);
  assert.equal(
    (await api(t.app, "reporter", "GET", "/tickets?mine=yes", undefined, asKey(KEY_A))).status,
    400,
  );
  // A name header that breaks the name rules is refused too, before anything is written.
  const badName = await api(t.app, "reporter", "POST", "/tickets", {
    description: "The projector in B2 is broken",
  }, {
    ...asKey(KEY_A),
    "x-helpdesk-name": "x".repeat(500),
  });
  assert.equal(badName.status, 400);
  assert.equal((await badName.json()).field, "X-Helpdesk-Name");
  assert.deepEqual(await storeDump(t), before);
  t.close();
});

Deno.test("[reporters] own closed tickets stay readable with their thread, history and stream; anyone else's stay 404", async () => {
  const t = await testApp();
  const res = await api(t.app, "reporter", "POST", "/tickets", {
    description: "The radiator in E104 is cold",
  }, asKey(KEY_A));
  const { id } = await res.json();
  await api(t.app, "helpdesk", "POST", `/tickets/${id}/messages`, { text: "Fixed, the valve was stuck." });
  await closeTicket(t, id);
  for (const path of [`/tickets/${id}`, `/tickets/${id}/messages`, `/tickets/${id}/history`]) {
    assert.equal((await api(t.app, "reporter", "GET", path, undefined, asKey(KEY_A))).status, 200, path);
    assert.equal((await api(t.app, "reporter", "GET", path, undefined, asKey(KEY_B))).status, 404, path);
    assert.equal((await api(t.app, "reporter", "GET", path)).status, 404, path);
  }
  const thread =
    await (await api(t.app, "reporter", "GET", `/tickets/${id}/messages`, undefined, asKey(KEY_A))).json();
  assert.equal(thread.messages[0].text, "Fixed, the valve was stuck.");
  // Read-only: no message, no edit.
  assert.equal(
    (await api(t.app, "reporter", "POST", `/tickets/${id}/messages`, { text: "Thanks" }, asKey(KEY_A)))
      .status,
    409,
  );
  const current = await (await api(t.app, "reporter", "GET", `/tickets/${id}`, undefined, asKey(KEY_A)))
    .json();
  const edit = await api(
    t.app,
    "reporter",
    "PATCH",
    `/tickets/${id}`,
    { description: "Still cold in E104" },
    {
      ...asKey(KEY_A),
      "if-match": current.version,
    },
  );
  assert.equal(edit.status, 409);

  // The live stream of the page: the owner's opens (and ends after the closed state), others' are 404.
  const stream = (key: string) =>
    t.app.request(`/tickets/${id}/events`, {
      headers: { cookie: `helpdesk_role=reporter; helpdesk_reporter=${key}` },
    });
  const own = await stream(KEY_A);
  assert.equal(own.status, 200);
  const events = await own.text();
  assert.match(events, /event: message/);
  assert.match(events, /"status":"closed"/);
  assert.equal((await stream(KEY_B)).status, 404);
  t.close();
});

Deno.test("[reporters] a no-JavaScript save on a ticket closed meanwhile re-shows the form with the typed text and says why", async () => {
  const t = await testApp();
  const a = await new Browser(t.app).enter("reporter", "Ana");
  const id = await a.file("The radiator in E104 is cold");
  const before = await a.page(`/tickets/${id}`);
  const base = before.document.querySelector("input[name=baseDescription]")!.getAttribute("value")!;
  await closeTicket(t, id);
  const res = await a.form(`/tickets/${id}`, {
    description: "The radiator in E104 is still cold",
    baseDescription: base,
    baseCategory: "",
  });
  assert.equal(res.status, 409);
  const html = await res.text();
  assert.match(html, /closed while you were editing/);
  assert.match(html, /The radiator in E104 is still cold/);
  // Someone else's closed ticket stays not found, also for a save.
  const b = await new Browser(t.app).enter("reporter");
  const other = await b.form(`/tickets/${id}`, {
    description: "lol nothing is broken",
    baseDescription: base,
    baseCategory: "",
  });
  assert.equal(other.status, 404);
  t.close();
});

Deno.test("[reporters] the private link: shown to the filer, opens the ticket in a fresh browser and adds it to its My tickets; a wrong one is a plain 404", async () => {
  const t = await testApp();
  const a = await new Browser(t.app).enter("reporter");
  const id = await a.file("The projector in B2 shows no picture");
  const filed = await a.page(`/tickets/${id}?filed=1`);
  const link = filed.document.querySelector("#private-link")!.textContent!.trim();
  assert.match(link, /^http:\/\/localhost\/t\/[A-Za-z0-9_-]{43}$/);
  assert.ok(filed.document.querySelector("details.private-link[open]"));
  // The same link again later, folded away.
  const later = await a.page(`/tickets/${id}`);
  assert.equal(later.document.querySelector("#private-link")!.textContent!.trim(), link);
  assert.equal(later.document.querySelector("details.private-link[open]"), null);

  const before = await storeDump(t);
  const stranger = new Browser(t.app);
  for (
    const wrong of [
      "/t/nope",
      `/t/${"A".repeat(43)}`,
      `/t/${"A".repeat(5000)}`,
      `/t/${link.slice(-43, -1)}%2F`,
    ]
  ) {
    const res = await stranger.request(wrong);
    assert.equal(res.status, 404, wrong);
    assert.deepEqual(res.headers.getSetCookie(), [], "a wrong link sets no cookie");
  }
  assert.deepEqual(await storeDump(t), before, "a wrong link stores nothing");
  // A right link with a broken key cookie is refused, storing and setting nothing; staff are just sent on.
  const broken = await t.app.request(new URL(link).pathname, {
    headers: { cookie: "helpdesk_reporter=forged" },
  });
  assert.equal(broken.status, 400);
  assert.deepEqual(broken.headers.getSetCookie(), []);
  const staffOpens = await (await new Browser(t.app).enter("helpdesk")).request(new URL(link).pathname);
  assert.equal(staffOpens.status, 303);
  assert.deepEqual(await storeDump(t), before);

  const c = new Browser(t.app);
  const opened = await c.request(new URL(link).pathname);
  assert.equal(opened.status, 303);
  assert.equal(opened.headers.get("location"), `/tickets/${id}`);
  assert.equal(c.cookies.get("helpdesk_role"), "reporter");
  assert.match(c.cookies.get("helpdesk_reporter")!, /^[A-Za-z0-9_-]{43}$/);
  const mine = await c.page("/tickets?mine=1");
  assert.deepEqual(
    [...mine.document.querySelectorAll(".ticket-row__link")].map((l) => l.getAttribute("href")),
    [`/tickets/${id}`],
  );
  // A linked browser is not the filer: it sees no link of its own, and a closed ticket stays readable.
  assert.equal((await c.page(`/tickets/${id}`)).document.querySelector("#private-link"), null);
  await closeTicket(t, id);
  assert.equal((await c.page(`/tickets/${id}`)).status, 200);
  // The filer's other tickets are not exposed by the link.
  const second = await a.file("The door of room 12 does not lock");
  const after = await c.page("/tickets?mine=1");
  assert.equal(after.document.querySelectorAll(".ticket-row").length, 1);
  assert.notEqual(
    after.document.querySelector(".ticket-row__link")!.getAttribute("href"),
    `/tickets/${second}`,
  );
  t.close();
});

Deno.test("[reporters] staff replies not seen are marked in My tickets and in the ticket page's title; viewing marks them seen", async () => {
  const t = await testApp();
  const a = await new Browser(t.app).enter("reporter");
  const id = await a.file("The wifi in the library drops every minute");
  await a.page(`/tickets/${id}`);
  await api(t.app, "helpdesk", "POST", `/tickets/${id}/messages`, { text: "We are looking into it." });
  // An internal note is no reply: the reporter never receives it, so it is never counted as unread.
  await api(t.app, "helpdesk", "POST", `/tickets/${id}/messages`, { text: "AP 3 again", internal: true });
  await api(t.app, "helpdesk", "POST", `/tickets/${id}/messages`, { text: "A new access point is ordered." });
  const mine = await a.page("/tickets?mine=1");
  assert.match(mine.document.querySelector(".badge--unread")!.textContent!, /2 new replies/);
  assert.match(mine.document.title, /^\(2\) My tickets/);
  const key = a.cookies.get("helpdesk_reporter")!;
  const listed = await (await api(t.app, "reporter", "GET", "/tickets?mine=true", undefined, asKey(key)))
    .json();
  assert.equal(listed.tickets[0].unreadReplies, 2);

  const page = await a.page(`/tickets/${id}`);
  assert.match(page.document.title, /^\(2\) Ticket /);
  assert.match(page.document.body.textContent!, /2 new replies from the helpdesk/);
  assert.equal((await a.page("/tickets?mine=1")).document.querySelector(".badge--unread"), null);
  assert.doesNotMatch((await a.page(`/tickets/${id}`)).document.title, /^\(/);

  // A reporter's own messages are not replies; the seen mark never moves back.
  await a.form(`/tickets/${id}/messages`, { text: "Thanks!" });
  await api(t.app, "helpdesk", "POST", `/tickets/${id}/messages`, { text: "Installed." });
  assert.equal(
    (await (await api(t.app, "reporter", "GET", "/tickets?mine=true", undefined, asKey(key))).json())
      .tickets[0].unreadReplies,
    1,
  );
  const seen = await api(t.app, "reporter", "PUT", `/tickets/${id}/seen`, { seq: 99 }, asKey(key));
  assert.equal(seen.status, 204);
  assert.equal(
    (await (await api(t.app, "reporter", "GET", "/tickets?mine=true", undefined, asKey(key))).json())
      .tickets[0].unreadReplies,
    0,
  );
  assert.equal(
    (await api(t.app, "reporter", "PUT", `/tickets/${id}/seen`, { seq: -1 }, asKey(key))).status,
    400,
  );
  t.close();
});

Deno.test("[reporters] the history names who changed what; staff restore an earlier description, also recorded; the page shows a word diff", async () => {
  const t = await testApp();
  const a = await new Browser(t.app).enter("reporter", "Ana");
  const id = await a.file("The radiator in E104 is cold since Monday");
  const b = await new Browser(t.app).enter("reporter", "Ben");
  const form0 = (await b.page(`/tickets/${id}`)).document;
  const base = (name: string) => form0.querySelector(`input[name=${name}]`)!.getAttribute("value")!;
  const edit = await b.form(`/tickets/${id}`, {
    description: "lol nothing is broken",
    baseDescription: base("baseDescription"),
    baseCategory: base("baseCategory"),
  });
  assert.equal(edit.status, 303);

  const history = (await (await api(t.app, "helpdesk", "GET", `/tickets/${id}/history`)).json()).history;
  assert.deepEqual(
    history.slice(0, 2).map((e: Record<string, unknown>) => [e.seq, e.field, e.actorRole, e.actorName]),
    [
      [1, "created", "reporter", "Ana"],
      [2, "description", "reporter", "Ben"],
    ],
  );
  assert.deepEqual([history[1].from, history[1].to], [
    "The radiator in E104 is cold since Monday",
    "lol nothing is broken",
  ]);
  assert.deepEqual(Object.keys(history[0]), ["seq", "at", "actorRole", "actorName", "field", "from", "to"]);

  const page = await a.page(`/tickets/${id}`);
  assert.match(page.document.querySelector(".history")!.textContent!, /Ben \(reporter\)/);
  assert.ok([...page.document.querySelectorAll(".history del")].some((d) => /radiator/.test(d.textContent!)));
  assert.ok([...page.document.querySelectorAll(".history ins")].some((d) => /nothing/.test(d.textContent!)));
  assert.equal(page.document.querySelector(".history form"), null, "reporters cannot restore");

  // Staff restore from the page (no JavaScript); a stale page restores nothing.
  const staff = await new Browser(t.app).enter("helpdesk", "Sam");
  const staffPage = await staff.page(`/tickets/${id}`);
  const form = staffPage.document.querySelector(".history form")!;
  const action = form.getAttribute("action")!;
  const stale = await staff.form(action, { baseDescription: "something else" });
  assert.equal(stale.status, 409);
  const restored = await staff.form(action, {
    baseDescription: form.querySelector("input")!.getAttribute("value")!,
  });
  assert.equal(restored.status, 303);
  const after = await (await api(t.app, "helpdesk", "GET", `/tickets/${id}`)).json();
  assert.equal(after.description, "The radiator in E104 is cold since Monday");
  const last = (await (await api(t.app, "helpdesk", "GET", `/tickets/${id}/history`)).json()).history
    .filter((e: { field: string }) => e.field === "description").at(-1);
  assert.deepEqual([last.actorRole, last.actorName, last.to], [
    "helpdesk",
    "Sam",
    "The radiator in E104 is cold since Monday",
  ]);
  // Reporters may not restore, through the page or the API.
  assert.equal((await a.form(action, { baseDescription: after.description })).status, 403);
  const refused = await api(t.app, "reporter", "POST", `/tickets/${id}/history/2/restore`, undefined, {
    "if-match": after.version,
  });
  assert.equal(refused.status, 403);
  t.close();
});

Deno.test("[reporters] times read naturally: relative words from the server's clock, the exact UTC time in the title", async () => {
  const t = await testApp();
  const a = await new Browser(t.app).enter("reporter");
  const id = await a.file("The radiator in E104 is cold since Monday");
  t.clock.advance(3 * 3600_000);
  const page = await a.page(`/tickets/${id}`);
  const time = page.document.querySelector(".history time[data-relative]")!;
  assert.equal(time.textContent, "3 hours ago");
  assert.equal(time.getAttribute("title"), "10 Mar 2026, 09:00 UTC");
  assert.equal(time.getAttribute("datetime"), "2026-03-10T09:00:00.000Z");
  t.close();
});

Deno.test("[reporters] verify reports a history that disagrees with its ticket, and repair leaves the history alone", async () => {
  const { verifyStore } = await import("../lib/data/verify.ts");
  const { repairStore } = await import("../lib/data/repair.ts");
  const t = await testApp();
  const a = await new Browser(t.app).enter("reporter", "Ana");
  const id = await a.file("The radiator in E104 is cold since Monday");
  await closeTicket(t, id);
  assert.deepEqual(await verifyStore(t.db), []);
  const last = ["ticket_history", id, 3];
  const entry = (await t.db.kv.get<Record<string, unknown>>(last)).value!;
  assert.equal(entry.to, "closed");
  await t.db.kv.set(last, { ...entry, to: "active" });
  const found = await verifyStore(t.db);
  assert.deepEqual(found.map((m) => [m.key, m.actual]), [[
    ["ticket_history", id],
    "the history's last status is not the ticket's",
  ]]);
  await t.db.kv.delete(["ticket_history", id, 2]);
  assert.match((await verifyStore(t.db))[0].actual!, /3 history entries, found 2/);
  await repairStore(t.db);
  assert.equal((await t.db.kv.get(["ticket_history", id, 2])).value, null, "repair does not invent history");
  assert.equal((await t.db.kv.get<Record<string, unknown>>(last)).value!.to, "active");
  t.close();
});
