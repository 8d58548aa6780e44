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

/** Posts a form from the app's own pages (same origin), as a browser with `cookie` does. */
function postForm(
  t: Awaited<ReturnType<typeof testApp>>,
  path: string,
  body: string,
  cookie = "helpdesk_role=reporter",
) {
  return t.app.request(path, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie, origin: "http://localhost" },
    body,
  });
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
  const page = await postForm(t, "/tickets", "description=" + "x".repeat(200 * 1024));
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
  const res = await postForm(t, `/tickets/${ticket.id}`, form.toString());
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
  assert.match(json.headers.get("vary")!, /X-Helpdesk-Reporter-Key/);
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

async function threadLength(t: Awaited<ReturnType<typeof testApp>>, id: string) {
  return (await (await api(t.app, "helpdesk", "GET", `/tickets/${id}/messages`)).json()).messages.length;
}

Deno.test("[refusals] invalid UTF-8 and other encodings are refused naming the field, never stored as �", async () => {
  const t = await testApp();
  const ticket = await fileTicket(t);
  // "café" with a lone 0xE9 (Latin-1), and a truncated 3-byte sequence.
  for (const bad of [[0x63, 0x61, 0x66, 0xe9], [0x62, 0xe2, 0x82]]) {
    const body = new Uint8Array([
      ...new TextEncoder().encode('{"text": "'),
      ...bad,
      ...new TextEncoder().encode('"}'),
    ]);
    const res = await t.app.request(`/api/v1/tickets/${ticket.id}/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-helpdesk-role": "reporter" },
      body,
    });
    assert.equal(res.status, 400);
    const error = await res.json();
    assert.equal(error.field, "text");
    assert.match(error.error, /not valid UTF-8/);
  }
  const latin1 = await t.app.request(`/api/v1/tickets/${ticket.id}/messages`, {
    method: "POST",
    headers: { "content-type": "application/json; charset=iso-8859-1", "x-helpdesk-role": "reporter" },
    body: new Uint8Array([
      ...new TextEncoder().encode('{"text": "caf'),
      0xe9,
      ...new TextEncoder().encode('"}'),
    ]),
  });
  assert.equal(latin1.status, 415);
  assert.match((await latin1.json()).error, /send it as UTF-8/);
  const form = await postForm(t, `/tickets/${ticket.id}/messages`, "text=caf%E9");
  assert.equal(form.status, 400);
  assert.match(await form.text(), /Text is not valid UTF-8 text/);
  assert.equal(await threadLength(t, ticket.id), 0);
  t.close();
});

Deno.test("[refusals] bodies of the wrong kind are 415 in the channel's format, never a 500", async () => {
  const t = await testApp();
  const apiRes = await t.app.request("/api/v1/tickets", {
    method: "POST",
    headers: { "content-type": "text/plain", "x-helpdesk-role": "reporter", origin: "http://localhost" },
    body: "The projector in B2 is broken",
  });
  assert.equal(apiRes.status, 415);
  assert.match((await apiRes.json()).error, /application\/json/);
  const multipart = await t.app.request("/tickets", {
    method: "POST",
    headers: {
      "content-type": "multipart/form-data",
      cookie: "helpdesk_role=reporter",
      origin: "http://localhost",
    },
    body: "description=hello",
  });
  assert.equal(multipart.status, 415);
  assert.match(await multipart.text(), /application\/x-www-form-urlencoded/);
  const list = await (await api(t.app, "helpdesk", "GET", "/tickets")).json();
  assert.equal(list.tickets.length, 0);
  t.close();
});

Deno.test("[refusals] the name cookie obeys the name field's rules on every path", async () => {
  const t = await testApp();
  const ticket = await fileTicket(t);
  for (const name of ["x".repeat(3000), "bell\u0007"]) {
    const cookie = `helpdesk_role=reporter; helpdesk_name=${encodeURIComponent(name)}`;
    const apiRes = await t.app.request(`/api/v1/tickets/${ticket.id}/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie },
      body: JSON.stringify({ text: "still broken" }),
    });
    assert.equal(apiRes.status, 400);
    const error = await apiRes.json();
    assert.equal(error.field, "authorName");
    assert.match(error.error, /choose it again on the entry page/);
    const page = await postForm(t, `/tickets/${ticket.id}/messages`, "text=still+broken", cookie);
    assert.equal(page.status, 400);
    await page.body?.cancel();
    // The pages themselves still show, so the person can choose a name again.
    const entry = await t.app.request("/", { headers: { cookie } });
    assert.equal(entry.status, 200);
    await entry.body?.cancel();
  }
  assert.equal(await threadLength(t, ticket.id), 0);
  t.close();
});

Deno.test("[refusals] a ticket needs enough text to act on; the form says so; error texts are sentences", async () => {
  const t = await testApp();
  for (const description of ["a", "help", "B2", "坏了"]) {
    const res = await api(t.app, "reporter", "POST", "/tickets", { description });
    assert.equal(res.status, 400, description);
    const error = await res.json();
    assert.equal(error.field, "description");
    assert.equal(
      error.error,
      "Please describe the problem in a few more words (at least two words), so the helpdesk can act on it.",
    );
  }
  for (const description of ["Wifi down", "Beamer kaputt", "打印机坏了", "Printerjammedagain"]) {
    assert.equal(
      (await api(t.app, "reporter", "POST", "/tickets", { description })).status,
      201,
      description,
    );
  }
  const form = await t.app.request("/tickets/new", { headers: { cookie: "helpdesk_role=reporter" } });
  assert.match(await form.text(), /at least two/);
  const page = await postForm(t, "/tickets", "description=a");
  assert.equal(page.status, 400);
  const html = await page.text();
  assert.match(html, /a few more words/);
  assert.match(html, />a<\/textarea>/, "the typed text is kept");

  const ticket = await fileTicket(t);
  const close = await api(t.app, "helpdesk", "PATCH", `/tickets/${ticket.id}`, { status: "closed" }, {
    "if-match": ticket.version,
  });
  assert.equal(close.status, 422);
  assert.equal((await close.json()).error, "An open ticket cannot be closed before work starts.");
  const empty = await api(t.app, "reporter", "POST", "/tickets", { description: "" });
  assert.equal((await empty.json()).error, "Please describe the problem.");
  t.close();
});

Deno.test("[refusals] a script that sends the wrong Content-Type hears that, not 'another site'", async () => {
  const t = await testApp();
  const body = JSON.stringify({ description: "The projector in B2 is broken" });
  for (const [type, said] of [[null, "of no declared type"], ["text/plain", "text/plain"]]) {
    const res = await t.app.request("/api/v1/tickets", {
      method: "POST",
      headers: { "x-helpdesk-role": "reporter", ...(type ? { "content-type": type } : {}) },
      body: new TextEncoder().encode(body),
    });
    assert.equal(res.status, 415, String(type));
    assert.match((await res.json()).error, new RegExp(`${said}; the API takes application/json`));
  }
  // With the browser's cookie and no Origin, a form post is still treated as possibly forged.
  const forged = await t.app.request("/api/v1/tickets", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: "helpdesk_role=reporter" },
    body: "description=The+projector+in+B2+is+broken",
  });
  assert.equal(forged.status, 403);
  t.close();
});
