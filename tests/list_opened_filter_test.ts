/**
 * The list filters the dashboard's links need: `openedAfter` / `openedBefore` (ISO 8601, a range read in the
 * ULID order of ids) and `status=unclosed` (open and active), on the API and the /tickets page, with bad
 * values refused by name.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { createTicket, listTickets, type Ticket, updateTicket } from "../lib/data/mod.ts";
import { api, memoryDb, testApp } from "./helpers.ts";

async function tickets(app: Parameters<typeof api>[0], query: string) {
  const res = await api(app, "helpdesk", "GET", `/tickets?${query}`);
  assert.equal(res.status, 200, query);
  return (await res.json()).tickets.map((t: { description: string }) => t.description);
}

Deno.test("[api] openedAfter, openedBefore and status=unclosed narrow the list; bad values are 400 by name", async () => {
  const t = await testApp();
  const strip = ({ version: _, ...r }: Ticket) => r;
  for (
    const [name, at] of [["a", "2026-03-01T00:00:00Z"], ["b", "2026-03-05T12:00:00Z"], [
      "c",
      "2026-03-09T00:00:00Z",
    ]]
  ) {
    const ticket = await createTicket(t.db, {
      description: `ticket ${name}`,
      category: "technical_it",
      categoryConfidence: 0.9,
      openedAt: new Date(at),
    });
    if (name === "a") {
      await updateTicket(t.db, ticket.id, (x) => ({ ...strip(x), status: "active", activatedAt: at }), {
        expectedVersion: null,
      });
      await updateTicket(t.db, ticket.id, (x) => ({ ...strip(x), status: "closed", closedAt: at }), {
        expectedVersion: null,
      });
    }
  }
  assert.deepEqual(await tickets(t.app, "openedAfter=2026-03-05T12:00:00Z"), ["ticket c", "ticket b"]);
  assert.deepEqual(await tickets(t.app, "openedAfter=2026-03-05T12:00:00.001Z"), ["ticket c"]);
  assert.deepEqual(await tickets(t.app, "openedAfter=2026-03-05T13:00:00%2B01:00"), ["ticket c", "ticket b"]);
  assert.deepEqual(await tickets(t.app, "openedBefore=2026-03-05T12:00:00Z"), ["ticket a"]);
  assert.deepEqual(
    await tickets(t.app, "openedAfter=2026-03-01T00:00:00Z&openedBefore=2026-03-09T00:00:00Z"),
    ["ticket b", "ticket a"],
  );
  assert.deepEqual(await tickets(t.app, "status=unclosed"), ["ticket c", "ticket b"]);
  assert.deepEqual(await tickets(t.app, "status=unclosed&openedAfter=2026-02-01T00:00:00Z"), [
    "ticket c",
    "ticket b",
  ]);
  assert.deepEqual(
    await tickets(t.app, "status=closed&category=technical_it&openedAfter=2026-03-01T00:00:00Z"),
    [
      "ticket a",
    ],
  );
  // Paging keeps the bound.
  const first =
    await (await api(t.app, "helpdesk", "GET", "/tickets?openedAfter=2026-03-01T00:00:00Z&limit=2")).json();
  const rest = await (await api(
    t.app,
    "helpdesk",
    "GET",
    `/tickets?openedAfter=2026-03-01T00:00:00Z&limit=2&cursor=${first.cursor}`,
  )).json();
  assert.deepEqual(rest.tickets.map((x: Ticket) => x.description), ["ticket a"]);

  for (const bad of ["yesterday", "2026-03-01", "2026-03-01T00:00:00", "2026-13-01T00:00:00Z", ""]) {
    const res = await api(t.app, "helpdesk", "GET", `/tickets?openedAfter=${bad}`);
    assert.equal(res.status, 400, bad);
    const body = await res.json();
    assert.equal(body.field, "openedAfter", bad);
    assert.match(body.error, /Give openedAfter as an ISO 8601 time/, bad);
  }
  const badStatus = await (await api(t.app, "helpdesk", "GET", "/tickets?status=waiting")).json();
  assert.match(badStatus.error, /or unclosed/);
  // A reporter asking for unclosed gets open and active, as always.
  const reporter = await (await api(t.app, "reporter", "GET", "/tickets?status=unclosed")).json();
  assert.equal(reporter.tickets.length, 2);

  const page = await t.app.request("/tickets?status=unclosed&openedAfter=2026-03-05T00:00:00Z", {
    headers: { cookie: "helpdesk_role=helpdesk" },
  });
  const html = await page.text();
  assert.equal(page.status, 200);
  assert.match(html, /ticket c/);
  assert.match(html, /ticket b/);
  assert.doesNotMatch(html, /ticket a/);
  assert.match(html, /Opened at or after 2026-03-05T00:00:00Z/);
  const badPage = await t.app.request("/tickets?openedAfter=soon", {
    headers: { cookie: "helpdesk_role=helpdesk" },
  });
  assert.equal(badPage.status, 400);
  assert.match(await badPage.text(), /Give openedAfter as an ISO 8601 time/);
  t.close();
});

Deno.test("[data] a list bounded by opening time equals a filter of all tickets, page by page", async () => {
  // Ids come from one monotonic ULID source per process, so each run files its tickets in time order, later
  // than any run before: then every id carries its opening time, as it does for tickets filed now.
  let base = Date.parse("2031-01-01T00:00:00Z");
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 30 }),
      fc.integer({ min: -10, max: 1010 }),
      fc.option(fc.integer({ min: -10, max: 1010 }), { nil: undefined }),
      async (minutes, after, before) => {
        const db = await memoryDb();
        try {
          base += 2 * 86_400_000;
          for (const m of [...minutes].sort((a, b) => a - b)) {
            await createTicket(db, {
              description: `t${m}`,
              category: "facility_management",
              categoryConfidence: 0.9,
              openedAt: new Date(base + m * 60_000),
            });
          }
          const opened = {
            after: base + after * 60_000,
            before: before === undefined ? undefined : base + before * 60_000,
          };
          for (const statuses of [["open"], ["open", "active", "closed"]] as const) {
            const seen: string[] = [];
            let cursor: string | undefined;
            do {
              const page = await listTickets(db, { statuses, limit: 4, cursor, opened });
              seen.push(...page.tickets.map((t) => t.id));
              cursor = page.cursor ?? undefined;
            } while (cursor);
            const all = (await listTickets(db, { statuses, limit: 100 })).tickets;
            const expected = all.filter((t) => {
              const ms = Date.parse(t.openedAt);
              return ms >= opened.after && (opened.before === undefined || ms < opened.before);
            }).map((t) => t.id);
            assert.deepEqual(seen, expected);
          }
        } finally {
          db.kv.close();
        }
      },
    ),
    { numRuns: 60 },
  );
});

Deno.test("[queue] the staff queue takes the dashboard's bounds and status=unclosed; bounds with waiting or sort=updated are refused by name", async () => {
  const t = await testApp();
  try {
    for (const [name, at] of [["old", "2026-01-10T00:00:00Z"], ["new", "2026-03-10T00:00:00Z"]]) {
      await createTicket(t.db, {
        description: `ticket ${name}`,
        category: "technical_it",
        categoryConfidence: 0.9,
        openedAt: new Date(at),
      });
    }
    const staff = { cookie: "helpdesk_role=helpdesk" };
    const page = await t.app.request("/tickets?status=unclosed&openedAfter=2026-03-01T00:00:00Z", {
      headers: staff,
    });
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /ticket new/);
    assert.doesNotMatch(html, /ticket old/);
    assert.match(html, /Opened at or after 2026-03-01T00:00:00Z/);
    // The live queue re-reads the same filters from its own query string.
    const rows = await t.app.request("/tickets/queue.json?status=unclosed&openedAfter=2026-03-01T00:00:00Z", {
      headers: staff,
    });
    assert.equal(rows.status, 200);
    assert.deepEqual((await rows.json()).rows.map((r: { summary: string }) => r.summary), ["ticket new"]);

    for (const extra of ["waiting=helpdesk", "sort=updated"]) {
      const res = await api(t.app, "helpdesk", "GET", `/tickets?openedAfter=2026-03-01T00:00:00Z&${extra}`);
      assert.equal(res.status, 400, extra);
      assert.equal((await res.json()).field, "openedAfter");
    }
    const bad = await t.app.request("/tickets?openedAfter=yesterday", { headers: staff });
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /openedAfter/);
  } finally {
    t.close();
  }
});
