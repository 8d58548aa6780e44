/** Search (`q=`) and similar tickets through the JSON API and the pages, for both roles, and bad input. */
import assert from "node:assert/strict";
import { parseHTML } from "linkedom";
import { allTickets } from "../lib/data/mod.ts";
import { api, testApp } from "./helpers.ts";

type App = Awaited<ReturnType<typeof testApp>>["app"];

async function file(app: App, description: string): Promise<{ id: string; version: string }> {
  const res = await api(app, "reporter", "POST", "/tickets", { description });
  assert.equal(res.status, 201);
  return await res.json();
}

async function close(app: App, id: string) {
  for (const status of ["active", "closed"]) {
    const current = await (await api(app, "helpdesk", "GET", `/tickets/${id}`)).json();
    const res = await api(app, "helpdesk", "PATCH", `/tickets/${id}`, { status }, {
      "if-match": current.version,
    });
    assert.equal(res.status, 200);
  }
}

interface ListAnswer {
  tickets: { id: string; category: string; status: string }[];
  cursor: string | null;
  error?: string;
  field?: string;
}

async function search(app: App, role: string, query: string): Promise<{ status: number; body: ListAnswer }> {
  const res = await api(app, role, "GET", `/tickets?${query}`);
  return { status: res.status, body: await res.json() };
}

const ids = (body: { tickets: { id: string }[] }) => body.tickets.map((t) => t.id);

/** A store with a few tickets about projectors, one of them closed, and a thread that mentions a cable. */
async function projectorStore() {
  const t = await testApp();
  const b2 = await file(t.app, "The projector in lecture hall B2 shows no picture");
  const a12 = await file(t.app, "Projector remote missing in room A12");
  const wifi = await file(t.app, "Wifi drops in the library on the second floor");
  const closed = await file(t.app, "The projector in C305 was flickering");
  await close(t.app, closed.id);
  await api(t.app, "helpdesk", "POST", `/tickets/${wifi.id}/messages`, { text: "We replaced the cable." });
  return { t, b2, a12, wifi, closed };
}

Deno.test("[search] q= finds every word, prefixes and typos, best first; reporters never get closed tickets", async () => {
  const { t, b2, a12, wifi, closed } = await projectorStore();
  try {
    const staff = await search(t.app, "helpdesk", "q=projector");
    assert.equal(staff.status, 200);
    assert.deepEqual(new Set(ids(staff.body)), new Set([b2.id, a12.id, closed.id]));
    const reporter = await search(t.app, "reporter", "q=projector");
    assert.deepEqual(new Set(ids(reporter.body)), new Set([b2.id, a12.id]));
    assert.deepEqual(ids((await search(t.app, "reporter", "q=C305")).body), []);
    assert.deepEqual(ids((await search(t.app, "helpdesk", "q=C305")).body), [closed.id]);
    // Every word must match; a prefix and a typo are fine; messages count too.
    assert.deepEqual(ids((await search(t.app, "reporter", "q=projctor%20hall")).body), [b2.id]);
    assert.deepEqual(ids((await search(t.app, "reporter", "q=proj%20b2")).body), [b2.id]);
    assert.deepEqual(ids((await search(t.app, "reporter", "q=projector%20wifi")).body), []);
    assert.deepEqual(ids((await search(t.app, "reporter", "q=cable")).body), [wifi.id]);
    // A ticket whose description matches twice ranks before one that matches once.
    const twice = await file(t.app, "Projector broken, the projector bulb is dead");
    assert.equal(ids((await search(t.app, "reporter", "q=projector")).body)[0], twice.id);
  } finally {
    t.close();
  }
});

Deno.test("[search] q= combines with status and category and pages by cursor", async () => {
  const { t, b2, a12, closed } = await projectorStore();
  try {
    assert.deepEqual(ids((await search(t.app, "helpdesk", "q=projector&status=closed")).body), [closed.id]);
    assert.deepEqual(ids((await search(t.app, "reporter", "q=projector&status=closed")).body), []);
    const category = (await (await api(t.app, "helpdesk", "GET", `/tickets/${b2.id}`)).json()).category;
    const inCategory = await search(t.app, "helpdesk", `q=projector&category=${category}`);
    assert.ok(inCategory.body.tickets.every((x) => x.category === category));
    const first = await search(t.app, "reporter", "q=projector&limit=1");
    assert.equal(first.body.tickets.length, 1);
    assert.equal(first.body.cursor, first.body.tickets[0].id);
    const second = await search(t.app, "reporter", `q=projector&limit=1&cursor=${first.body.cursor}`);
    assert.equal(second.body.cursor, null);
    assert.deepEqual(new Set([...ids(first.body), ...ids(second.body)]), new Set([b2.id, a12.id]));
  } finally {
    t.close();
  }
});

Deno.test("[search] a bad q is a 400 naming q, odd Unicode never a 500, and nothing is stored", async () => {
  const { t } = await projectorStore();
  try {
    const before = (await Array.fromAsync(allTickets(t.db))).length;
    for (const role of ["reporter", "helpdesk"]) {
      for (const q of ["", "   ", "x".repeat(201), "x".repeat(10_000), "🙂🙂", "\u0000projector"]) {
        const res = await search(t.app, role, `q=${encodeURIComponent(q)}`);
        assert.equal(res.status, 400, JSON.stringify(q.slice(0, 20)));
        assert.equal(res.body.field, "q");
        assert.match(res.body.error ?? "", /search/i);
      }
      for (const q of ["e\u0301", "مرحبا", "\u202eprojector", "👍🏽 projector", "ﬁ", "Ǆ", "ß"]) {
        const res = await search(t.app, role, `q=${encodeURIComponent(q)}`);
        assert.equal(res.status, 200, JSON.stringify(q));
      }
      assert.equal((await search(t.app, role, "q=projector&status=bogus")).status, 400);
      // Bytes that are no UTF-8 (a lone surrogate, a stray continuation byte) are refused, never a 500.
      for (const raw of ["%ED%A0%80", "%80projector", "%FF"]) {
        const res = await search(t.app, role, `q=${raw}`);
        assert.equal(res.status, 400, raw);
        assert.equal(res.body.field, "q");
      }
    }
    assert.equal((await Array.fromAsync(allTickets(t.db))).length, before);
  } finally {
    t.close();
  }
});

Deno.test("[similar] up to 5 open or active tickets like the text; reporters and staff alike never get closed ones", async () => {
  const { t, b2, closed } = await projectorStore();
  try {
    for (let i = 0; i < 6; i++) await file(t.app, `The projector in room ${i} is broken`);
    for (const role of ["reporter", "helpdesk"]) {
      const res = await api(
        t.app,
        role,
        "GET",
        `/tickets/similar?text=${encodeURIComponent("No picture from the projector in hall B2")}`,
      );
      assert.equal(res.status, 200);
      const body = await res.json();
      assert.equal(body.tickets.length, 5);
      assert.equal(body.tickets[0].id, b2.id);
      assert.ok(!ids(body).includes(closed.id));
      assert.ok(body.tickets.every((x: { status: string }) => x.status !== "closed"));
    }
    const none = await api(
      t.app,
      "reporter",
      "GET",
      `/tickets/similar?text=${encodeURIComponent("Canteen queue")}`,
    );
    assert.deepEqual((await none.json()).tickets, []);
  } finally {
    t.close();
  }
});

Deno.test("[similar] the text is checked like a description: a clear 400 naming text", async () => {
  const t = await testApp();
  try {
    for (const text of [undefined, "", "   ", "x".repeat(5001), "a\u0000b"]) {
      const query = text === undefined ? "" : `?text=${encodeURIComponent(text)}`;
      const res = await api(t.app, "reporter", "GET", `/tickets/similar${query}`);
      assert.equal(res.status, 400, JSON.stringify(text?.slice(0, 10)));
      assert.equal((await res.json()).field, "text");
    }
    const notUtf8 = await api(t.app, "reporter", "GET", "/tickets/similar?text=projector%FF");
    assert.equal(notUtf8.status, 400);
    assert.equal((await notUtf8.json()).field, "text");
    const emoji = await api(t.app, "reporter", "GET", `/tickets/similar?text=${encodeURIComponent("🙂")}`);
    assert.deepEqual(await emoji.json(), { tickets: [] });
    assert.equal((await api(t.app, null, "GET", "/tickets/similar?text=hello")).status, 400);
  } finally {
    t.close();
  }
});

const cookie = (role: string) => ({ cookie: `helpdesk_role=${role}` });

Deno.test("[search pages] /tickets?q= marks the matched words; a bad q is shown beside the field with 400", async () => {
  const { t, b2 } = await projectorStore();
  try {
    await file(t.app, "The <script>alert(1)</script> projector in E104");
    const res = await t.app.request("/tickets?q=projectr+hall", { headers: cookie("reporter") });
    assert.equal(res.status, 200);
    const html = await res.text();
    const { document } = parseHTML(html);
    const links = [...document.querySelectorAll(".search-results a")];
    assert.deepEqual(links.map((a) => a.getAttribute("href")), [`/tickets/${b2.id}`]);
    assert.deepEqual([...links[0].querySelectorAll("mark")].map((m) => m.textContent), ["projector", "hall"]);
    assert.equal(document.querySelector("#filter-q")?.getAttribute("value"), "projectr hall");
    // Times read naturally here too, with the exact time on hover.
    const opened = document.querySelector(".search-results time[data-relative]");
    assert.match(opened?.textContent ?? "", /ago|just now/);
    assert.match(opened?.getAttribute("title") ?? "", /UTC$/);
    const xss = await (await t.app.request("/tickets?q=script", { headers: cookie("helpdesk") })).text();
    assert.doesNotMatch(xss, /<script>alert/);
    assert.match(xss, /&lt;<mark>script<\/mark>>alert\(1\)/);
    const closedHidden = await (await t.app.request("/tickets?q=C305", { headers: cookie("reporter") }))
      .text();
    assert.match(closedHidden, /No tickets match/);
    for (const q of ["x".repeat(300), "%F0%9F%99%82", "%FF"]) {
      const bad = await t.app.request(`/tickets?q=${q}`, { headers: cookie("reporter") });
      assert.equal(bad.status, 400);
      const page = parseHTML(await bad.text()).document;
      assert.equal(page.querySelector("#filter-q")?.getAttribute("aria-invalid"), "true");
      assert.match(page.querySelector("#filter-q-error")?.textContent ?? "", /search/i);
    }
    // An empty search field (the filter form always sends it) is just the list.
    assert.equal(
      (await t.app.request("/tickets?q=&status=open", { headers: cookie("reporter") })).status,
      200,
    );
  } finally {
    t.close();
  }
});

Deno.test("[similar pages] the staff ticket page lists similar open tickets but itself; reporters see none", async () => {
  const { t, b2, a12, closed } = await projectorStore();
  try {
    const staff = parseHTML(
      await (await t.app.request(`/tickets/${b2.id}`, { headers: cookie("helpdesk") })).text(),
    );
    const listed = [...staff.document.querySelectorAll(".similar a")].map((a) => a.getAttribute("href"));
    assert.ok(listed.includes(`/tickets/${a12.id}`));
    assert.ok(!listed.includes(`/tickets/${b2.id}`));
    assert.ok(!listed.includes(`/tickets/${closed.id}`));
    const reporter = await (await t.app.request(`/tickets/${b2.id}`, { headers: cookie("reporter") })).text();
    assert.doesNotMatch(reporter, /Similar open tickets/);
    // The new-ticket form carries the similar-tickets island, and still posts without it.
    const form = await (await t.app.request("/tickets/new", { headers: cookie("reporter") })).text();
    assert.match(form, /data-island="SimilarTickets"/);
    assert.match(form, /<form class="card form-card" method="post" action="\/tickets">/);
  } finally {
    t.close();
  }
});

Deno.test("[search] a reporter's search finds their own closed tickets, never anyone else's; q takes no sort, waiting or mine", async () => {
  const t = await testApp();
  try {
    const key = { "x-helpdesk-reporter-key": "k".repeat(43) };
    const filed = await api(t.app, "reporter", "POST", "/tickets", {
      description: "The projector in D101 hums loudly",
    }, key);
    const own = await filed.json();
    const other = await file(t.app, "The projector in D102 hums loudly too");
    await close(t.app, own.id);
    await close(t.app, other.id);
    const mine = await (await api(t.app, "reporter", "GET", "/tickets?q=projector%20hums", undefined, key))
      .json();
    assert.deepEqual(ids(mine), [own.id]);
    assert.deepEqual(ids((await search(t.app, "reporter", "q=projector%20hums")).body), []);
    for (const extra of ["sort=updated", "waiting=helpdesk", "mine=true"]) {
      const refused = await search(t.app, "reporter", `q=projector&${extra}`);
      assert.equal(refused.status, 400, extra);
      assert.equal(refused.body.field, "q");
    }
  } finally {
    t.close();
  }
});
