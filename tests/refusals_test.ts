/**
 * Every refusal in its channel's format, and the hardening rules: JSON on /api always, an HTML page for
 * people, 405 with Allow for a method a known address does not take, a host allow-list, private caching,
 * exact role headers, and a reporter's change to a closed ticket answered like reading it (404).
 */
import assert from "node:assert/strict";
import { api, testApp } from "./helpers.ts";

async function fileTicket(t: Awaited<ReturnType<typeof testApp>>) {
  const res = await api(t.app, "reporter", "POST", "/tickets", {
    description: "The projector in B2 is broken",
  });
  return await res.json();
}

Deno.test("[refusals] a method a known address does not take is 405 with Allow, in the channel's format", async () => {
  const t = await testApp();
  const ticket = await fileTicket(t);
  for (const method of ["DELETE", "PUT"]) {
    const res = await api(t.app, "helpdesk", method, `/tickets/${ticket.id}`);
    assert.equal(res.status, 405, method);
    assert.equal(res.headers.get("allow"), "GET, HEAD, PATCH");
    assert.match(res.headers.get("content-type")!, /application\/json/);
    assert.match((await res.json()).error, new RegExp(`${method} is not allowed`));
    const page = await t.app.request(`/tickets/${ticket.id}`, {
      method,
      headers: { cookie: "helpdesk_role=helpdesk" },
    });
    assert.equal(page.status, 405);
    assert.equal(page.headers.get("allow"), "GET, HEAD, POST");
    assert.match(page.headers.get("content-type")!, /text\/html/);
    await page.body?.cancel();
  }
  const options = await t.app.request(`/api/v1/tickets/${ticket.id}`, { method: "OPTIONS" });
  assert.equal(options.status, 204);
  assert.equal(options.headers.get("allow"), "GET, HEAD, PATCH");
  t.close();
});

Deno.test("[refusals] unknown addresses: JSON under /api, a 'page not found' page elsewhere, one period", async () => {
  const t = await testApp();
  const apiRes = await t.app.request("/api/v1/nope", { headers: { "x-helpdesk-role": "reporter" } });
  assert.equal(apiRes.status, 404);
  assert.match((await apiRes.json()).error, /no such endpoint/);
  for (const path of ["/nope", "/static/x.css", "/static/build/missing.js"]) {
    const res = await t.app.request(path, { headers: { cookie: "helpdesk_role=reporter" } });
    assert.equal(res.status, 404, path);
    const html = await res.text();
    if (!path.startsWith("/static/build/")) assert.match(html, /Page not found\./, path);
    assert.doesNotMatch(html, /This ticket does not exist/, path);
    assert.doesNotMatch(html, /\.\./, path);
  }
  t.close();
});

Deno.test("[refusals] a cross-site post is refused as JSON on the API and as a page on forms", async () => {
  const t = await testApp();
  const apiRes = await t.app.request("/api/v1/tickets", {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      origin: "https://evil.example",
      "x-helpdesk-role": "reporter",
    },
    body: "description=hello+there+friends",
  });
  assert.equal(apiRes.status, 403);
  assert.match((await apiRes.json()).error, /another site/);
  const page = await t.app.request("/tickets", {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      origin: "https://evil.example",
      cookie: "helpdesk_role=reporter",
    },
    body: "description=hello+there+friends",
  });
  assert.equal(page.status, 403);
  assert.match(await page.text(), /sent from another site/);
  t.close();
});

Deno.test("[refusals] too large: 413 JSON on the API at 64 KB, a page for forms only beyond what a valid edit needs", async () => {
  const t = await testApp();
  const apiRes = await api(t.app, "reporter", "POST", "/tickets", { description: "x".repeat(70 * 1024) });
  assert.equal(apiRes.status, 413);
  assert.match((await apiRes.json()).error, /larger than 64 KB/);
  const page = await t.app.request("/tickets", {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      cookie: "helpdesk_role=reporter",
      origin: "http://localhost",
    },
    body: "description=" + "x".repeat(200 * 1024),
  });
  assert.equal(page.status, 413);
  assert.match(page.headers.get("content-type")!, /text\/html/);
  await page.body?.cancel();
  t.close();
});

Deno.test("[refusals] a no-JavaScript edit of a 5,000-character CJK description succeeds", async () => {
  const t = await testApp();
  const ticket = await fileTicket(t);
  const description = "漏".repeat(4990) + " 水管破裂";
  const form = new URLSearchParams({
    description,
    baseDescription: ticket.description,
    baseCategory: ticket.category,
  });
  // Written as browsers do: the old text and the new, both percent-encoded.
  const res = await t.app.request(`/tickets/${ticket.id}`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      cookie: "helpdesk_role=reporter",
      origin: "http://localhost",
    },
    body: form.toString(),
  });
  assert.equal(res.status, 303);
  const after = await (await api(t.app, "reporter", "GET", `/tickets/${ticket.id}`)).json();
  assert.equal(after.description, description);
  t.close();
});

Deno.test("[refusals] a host name outside the allow-list is refused before anything runs (DNS rebinding)", async () => {
  const t = await testApp();
  const page = await t.app.request("http://evil.example/tickets", {
    headers: { cookie: "helpdesk_role=reporter" },
  });
  assert.equal(page.status, 421);
  assert.match(await page.text(), /HELPDESK_ALLOWED_HOSTS/);
  const post = await t.app.request("http://evil.example/api/v1/tickets", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      origin: "http://evil.example",
      "x-helpdesk-role": "reporter",
    },
    body: JSON.stringify({ description: "The projector in B2 is broken" }),
  });
  assert.equal(post.status, 421);
  assert.match((await post.json()).error, /evil\.example/);
  const list = await (await api(t.app, "helpdesk", "GET", "/tickets")).json();
  assert.equal(list.tickets.length, 0);
  t.close();
});

Deno.test("[refusals] role-dependent answers are private to the browser and vary on the cookie", async () => {
  const t = await testApp();
  const page = await t.app.request("/tickets", { headers: { cookie: "helpdesk_role=reporter" } });
  assert.match(page.headers.get("cache-control")!, /private/);
  assert.match(page.headers.get("vary")!, /Cookie/);
  await page.body?.cancel();
  const json = await api(t.app, "reporter", "GET", "/tickets");
  assert.match(json.headers.get("cache-control")!, /private/);
  assert.match(json.headers.get("vary")!, /Cookie/);
  assert.match(json.headers.get("vary")!, /X-Helpdesk-Role/);
  await json.body?.cancel();
  t.close();
});

Deno.test("[refusals] role headers are matched exactly, with one clear error", async () => {
  const t = await testApp();
  for (const role of ["REPORTER", "Helpdesk", "helpdesk!", "admin"]) {
    const res = await api(t.app, role, "GET", "/tickets");
    assert.equal(res.status, 400, role);
    const body = await res.json();
    assert.equal(body.field, "X-Helpdesk-Role");
    assert.match(body.error, /must be exactly reporter or helpdesk/);
  }
  t.close();
});

Deno.test("[refusals] a reporter's change to a closed ticket is 404, like reading it, whatever version it sends", async () => {
  const t = await testApp();
  const ticket = await fileTicket(t);
  const active = await (await api(t.app, "helpdesk", "PATCH", `/tickets/${ticket.id}`, { status: "active" }, {
    "if-match": ticket.version,
  })).json();
  await api(t.app, "helpdesk", "PATCH", `/tickets/${ticket.id}`, { status: "closed" }, {
    "if-match": active.version,
  });
  for (const version of [ticket.version, "999"]) {
    const res = await api(t.app, "reporter", "PATCH", `/tickets/${ticket.id}`, {
      description: "still broken here",
    }, {
      "if-match": version,
    });
    assert.equal(res.status, 404, version);
  }
  t.close();
});
