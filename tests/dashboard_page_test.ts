import assert from "node:assert/strict";
import { Hono } from "hono";
import { parseHTML } from "linkedom";
import { createTicket, type Db, type Ticket, updateTicket } from "../lib/data/mod.ts";
import { HelpdeskError } from "../lib/errors.ts";
import { browserRole, requireStaff } from "../routes/role.ts";
import { dashboardPages } from "../routes/pages/dashboard.tsx";
import type { PageEnv } from "../routes/pages/env.ts";
import { sendErrorPage } from "../routes/pages/render.tsx";
import { createActiveByCategoryService } from "../services/active_by_category/app.ts";
import { createBacklogService } from "../services/backlog/app.ts";
import { createResolutionTimeService } from "../services/resolution_time/app.ts";
import { createUnclosedService } from "../services/unclosed/app.ts";
import { FAKE_MANIFEST, memoryDb } from "./helpers.ts";

const URLS = {
  unclosed: "http://unclosed.test",
  resolutionTime: "http://resolution.test",
  activeByCategory: "http://active.test",
  backlog: "http://backlog.test",
};
const NOW = new Date("2026-03-10T09:00:00.000Z");

/** The dashboard sub-app with the page variables the web app sets, as routes/app.tsx mounts it. */
function dashboardApp(fetchImpl: typeof fetch) {
  const app = new Hono<PageEnv>();
  app.use(browserRole);
  app.use(async (c, next) => {
    c.set("manifest", FAKE_MANIFEST);
    await next();
  });
  app.use("/dashboard", requireStaff("only helpdesk staff can see the dashboard"));
  app.use("/dashboard/*", requireStaff("only helpdesk staff can see the dashboard"));
  app.route("/", dashboardPages({ serviceUrls: URLS, timeZone: "UTC" }, fetchImpl));
  app.onError((err, c) => {
    if (err instanceof HelpdeskError) return sendErrorPage(c, err);
    throw err;
  });
  return app;
}

/** A fetch that reaches the real services on `db`, counting the calls. */
function servicesOn(db: Db) {
  const now = () => NOW;
  const apps = {
    "unclosed.test": createUnclosedService(db, { now }),
    "resolution.test": createResolutionTimeService(db, { now }),
    "active.test": createActiveByCategoryService(db),
    "backlog.test": createBacklogService(db, { now }),
  };
  const calls: string[] = [];
  const fetchImpl: typeof fetch = (input, init) => {
    const url = new URL(String(input));
    calls.push(url.hostname + url.pathname + url.search);
    return Promise.resolve(apps[url.hostname as keyof typeof apps].request(url.pathname + url.search, init));
  };
  return { fetchImpl, calls };
}

const down: typeof fetch = () => Promise.reject(new TypeError("error sending request: Connection refused"));

async function get(app: Hono<PageEnv>, path: string, role: string | null = "helpdesk") {
  const res = await app.request(path, { headers: role ? { cookie: `helpdesk_role=${role}` } : {} });
  const text = await res.text();
  return { res, text, doc: parseHTML(text).document };
}

function rows(doc: Document) {
  return [...doc.querySelectorAll("table.data-table tbody tr")].map((tr) =>
    [...tr.querySelectorAll("th, td")].map((cell) => cell.textContent!.replace(/\s+/g, " ").trim())
  );
}

async function history() {
  const db = await memoryDb();
  const make = async (iso: string, category: Ticket["category"]) =>
    await createTicket(db, { description: "x", category, categoryConfidence: 0.9, openedAt: new Date(iso) });
  const strip = ({ version: _, ...r }: Ticket) => r;
  const a = await make("2026-03-10T06:00:00Z", "technical_it");
  await make("2026-03-05T06:00:00Z", "facility_management");
  const c = await make("2026-02-10T06:00:00Z", "services_complaints");
  await updateTicket(
    db,
    a.id,
    (t) => ({ ...strip(t), status: "active", activatedAt: "2026-03-10T07:00:00.000Z" }),
    {
      expectedVersion: null,
    },
  );
  await updateTicket(db, c.id, (t) => ({
    ...strip(t),
    status: "closed",
    activatedAt: "2026-02-10T07:00:00.000Z",
    closedAt: "2026-02-11T06:00:00.000Z",
  }), { expectedVersion: null });
  return db;
}

Deno.test("[dashboard] a reporter is refused with 403 and someone without a role is sent to choose one", async () => {
  const app = dashboardApp(down);
  const reporter = await get(app, "/dashboard", "reporter");
  assert.equal(reporter.res.status, 403);
  assert.match(reporter.text, /Only helpdesk staff can see the dashboard/);
  const nobody = await get(app, "/dashboard", null);
  assert.equal(nobody.res.status, 303);
  assert.equal(nobody.res.headers.get("location"), "/");
});

Deno.test("[dashboard] unclosed tickets: a big number, a chart island and the same numbers in a table", async () => {
  const db = await history();
  const { fetchImpl, calls } = servicesOn(db);
  const { res, doc, text } = await get(dashboardApp(fetchImpl), "/dashboard?analysis=unclosed");
  assert.equal(res.status, 200);
  assert.ok(doc.querySelector('link[rel="stylesheet"][href="/static/charts.css"]'), "charts.css in <head>");
  assert.equal(doc.querySelector('input[name="analysis"][value="unclosed"]')!.hasAttribute("checked"), true);
  assert.equal(doc.querySelector(".big-number__value")!.textContent, "2");
  assert.equal(doc.querySelector("table caption")!.textContent!.includes("Unclosed tickets"), true);
  assert.deepEqual(rows(doc).map((r) => [r[0], r[2]]), [
    ["24 hours", "1"],
    ["7 days your period", "2"],
    ["30 days", "2"],
    ["90 days", "2"],
  ]);
  assert.equal(doc.querySelectorAll('th[scope="col"]').length, 3);
  assert.ok(doc.querySelector('[data-island="AnalyticsChart"]'), "chart island rendered");
  assert.match(text, /AnalyticsChart-test\.js/);
  assert.ok(calls.includes("unclosed.test/v1/unclosed?days=7"));
  db.kv.close();
});

Deno.test("[dashboard] hours are passed through and any period gets context rows", async () => {
  const db = await history();
  const { fetchImpl, calls } = servicesOn(db);
  const { doc } = await get(dashboardApp(fetchImpl), "/dashboard?analysis=unclosed&amount=36&unit=hours");
  assert.equal(doc.querySelector(".big-number__value")!.textContent, "1");
  assert.deepEqual(rows(doc).map((r) => r[0]), [
    "24 hours",
    "36 hours your period",
    "7 days",
    "30 days",
    "90 days",
  ]);
  assert.ok(calls.includes("unclosed.test/v1/unclosed?hours=36"));
  db.kv.close();
});

Deno.test("[dashboard] resolution time shows every month, with 'none closed' where nothing was closed", async () => {
  const db = await history();
  const { fetchImpl } = servicesOn(db);
  const { res, doc } = await get(dashboardApp(fetchImpl), "/dashboard?analysis=resolution");
  assert.equal(res.status, 200);
  const [feb, mar] = rows(doc);
  assert.deepEqual([feb[0], feb[1], feb[4]], ["Feb 2026", "1", "24 hours"]);
  // One closed ticket: its median and p90 are its own time, within 5 %.
  assert.match(feb[2], /^2[34](\.\d)? hours$/);
  assert.equal(feb[3], feb[2]);
  assert.deepEqual(mar, ["Mar 2026", "0", "none closed", "none closed", "none closed"]);
  // The closed count leads to exactly those tickets: closed, opened in February (campus time).
  assert.equal(
    doc.querySelector("tbody tr td a")!.getAttribute("href"),
    "/tickets?status=closed&openedAfter=2026-02-01T00%3A00%3A00.000Z&openedBefore=2026-03-01T00%3A00%3A00.000Z",
  );
  assert.ok(doc.querySelector('[data-island="AnalyticsChart"]'));
  const narrowed = await get(
    dashboardApp(fetchImpl),
    "/dashboard?analysis=resolution&from=2026-03&to=2026-03",
  );
  assert.deepEqual(rows(narrowed.doc), [["Mar 2026", "0", "none closed", "none closed", "none closed"]]);
  assert.match(narrowed.text, /None of the tickets opened in these months is closed yet/);
  db.kv.close();
});

Deno.test("[dashboard] active by category lists all three categories and a total", async () => {
  const db = await history();
  const { fetchImpl } = servicesOn(db);
  const { doc } = await get(dashboardApp(fetchImpl), "/dashboard?analysis=active");
  assert.deepEqual(rows(doc), [
    ["Facility management", "0"],
    ["Technical IT", "1"],
    ["Services complaint", "0"],
  ]);
  assert.equal(doc.querySelector("tfoot td")!.textContent, "1");
  const links = [...doc.querySelectorAll("tbody td a")].map((a) => a.getAttribute("href"));
  assert.deepEqual(links, [
    "/tickets?status=active&category=facility_management",
    "/tickets?status=active&category=technical_it",
    "/tickets?status=active&category=services_complaints",
  ]);
  db.kv.close();
});

Deno.test("[dashboard] an empty store shows helpful empty states and no chart", async () => {
  const db = await memoryDb();
  const { fetchImpl } = servicesOn(db);
  const app = dashboardApp(fetchImpl);
  const unclosed = await get(app, "/dashboard?analysis=unclosed");
  assert.equal(unclosed.doc.querySelector(".big-number__value")!.textContent, "0");
  assert.match(unclosed.text, /Nothing is waiting from this period/);
  assert.equal(unclosed.doc.querySelector('[data-island="AnalyticsChart"]'), null);
  const resolution = await get(app, "/dashboard?analysis=resolution");
  assert.match(resolution.text, /No tickets yet/);
  const active = await get(app, "/dashboard?analysis=active");
  assert.match(active.text, /No ticket is being worked on right now/);
  assert.equal(active.doc.querySelector('[data-island="AnalyticsChart"]'), null);
  db.kv.close();
});

Deno.test("[dashboard] a service that is down shows 'unavailable' for that analysis; the page still works", async () => {
  for (const analysis of ["unclosed", "resolution", "active", "backlog"]) {
    const { res, doc, text } = await get(dashboardApp(down), `/dashboard?analysis=${analysis}`);
    assert.equal(res.status, 200, analysis);
    assert.match(text, /analysis is unavailable right now/, analysis);
    assert.ok(doc.querySelector("form.dashboard-form"), "the form is still there");
    assert.equal(doc.querySelector("table"), null);
  }
  const failing: typeof fetch = () => Promise.resolve(Response.json({ error: "boom" }, { status: 500 }));
  assert.match(
    (await get(dashboardApp(failing), "/dashboard?analysis=active")).text,
    /unavailable right now/,
  );
});

Deno.test("[dashboard] bad input is refused next to its field without asking a service", async () => {
  let called = 0;
  const app = dashboardApp(() => {
    called++;
    return Promise.reject(new Error("must not be called"));
  });
  for (const amount of ["0", "1.5", "abc", "", "3653"]) {
    const { res, doc } = await get(app, `/dashboard?analysis=unclosed&amount=${amount}&unit=days`);
    assert.equal(res.status, 400, amount);
    const input = doc.querySelector("#amount")!;
    assert.equal(input.getAttribute("aria-invalid"), "true");
    assert.match(input.getAttribute("aria-describedby")!, /amount-error/);
    assert.match(doc.querySelector("#amount-error")!.textContent!, /whole number of days from 1 to 3,652/);
  }
  const months = await get(app, "/dashboard?analysis=resolution&from=2026-05&to=2026-03");
  assert.equal(months.res.status, 400);
  assert.match(months.doc.querySelector("#to-error")!.textContent!, /must not be before the first/);
  const badMonth = await get(app, "/dashboard?analysis=resolution&from=March");
  assert.match(badMonth.doc.querySelector("#from-error")!.textContent!, /Enter a month like 2026-03/);
  assert.equal(called, 0);
});

Deno.test("[dashboard] a service's own refusal is shown as the field's error", async () => {
  const refusing: typeof fetch = () =>
    Promise.resolve(Response.json({ error: "hours must be at most 87648 (ten years)" }, { status: 400 }));
  const { res, doc } = await get(dashboardApp(refusing), "/dashboard?analysis=unclosed&amount=5&unit=hours");
  assert.equal(res.status, 400);
  assert.equal(doc.querySelector("#amount-error")!.textContent, "Hours must be at most 87648 (ten years).");
});

Deno.test("[dashboard] unknown analysis or unit values fall back to the defaults", async () => {
  const db = await history();
  const { fetchImpl, calls } = servicesOn(db);
  const { res, doc } = await get(
    dashboardApp(fetchImpl),
    "/dashboard?analysis=everything&unit=weeks&amount=2",
  );
  assert.equal(res.status, 200);
  assert.equal(doc.querySelector('input[name="analysis"][value="unclosed"]')!.hasAttribute("checked"), true);
  assert.ok(calls.includes("unclosed.test/v1/unclosed?days=2"));
  db.kv.close();
});

Deno.test("[dashboard] the overview shows all four analyses, each unavailable on its own", async () => {
  const db = await history();
  const { fetchImpl } = servicesOn(db);
  const { res, doc } = await get(dashboardApp(fetchImpl), "/dashboard");
  assert.equal(res.status, 200);
  const cards = [...doc.querySelectorAll(".overview-card")];
  assert.deepEqual(cards.map((c) => c.querySelector("h2")!.textContent), [
    "Unclosed tickets",
    "Backlog trend",
    "Resolution time",
    "Active by category",
  ]);
  assert.equal(doc.querySelectorAll('.overview-card [data-island="AnalyticsChart"]').length, 4);
  assert.deepEqual(cards.map((c) => c.querySelector('a[aria-label^="Details"]')!.getAttribute("href")), [
    "/dashboard?analysis=unclosed&amount=7&unit=days",
    "/dashboard?analysis=backlog&days=30",
    "/dashboard?analysis=resolution",
    "/dashboard?analysis=active",
  ]);
  // Unclosed in the last 7 days: 2, leading to the unclosed tickets opened since then.
  assert.equal(cards[0].querySelector(".big-number__value a")!.textContent, "2");
  assert.equal(
    cards[0].querySelector(".big-number__value a")!.getAttribute("href"),
    "/tickets?status=unclosed&openedAfter=2026-03-03T09%3A00%3A00.000Z",
  );
  // The backlog now: two unclosed tickets.
  assert.equal(cards[1].querySelector(".big-number__value a")!.textContent, "2");

  // The backlog service down: only its card says so.
  const backlogDown: typeof fetch = (input, init) =>
    new URL(String(input)).hostname === "backlog.test" ? down(input, init) : fetchImpl(input, init);
  const partial = await get(dashboardApp(backlogDown), "/dashboard");
  const unavailable = [...partial.doc.querySelectorAll(".overview-card")].filter((c) =>
    c.querySelector(".analysis-unavailable")
  );
  assert.deepEqual(unavailable.map((c) => c.querySelector("h2")!.textContent), ["Backlog trend"]);
  assert.equal(partial.doc.querySelectorAll('.overview-card [data-island="AnalyticsChart"]').length, 3);
  db.kv.close();
});

Deno.test("[dashboard] backlog detail: days in a table, a bad days value refused next to its field", async () => {
  const db = await history();
  const { fetchImpl, calls } = servicesOn(db);
  const { res, doc } = await get(dashboardApp(fetchImpl), "/dashboard?analysis=backlog&days=3");
  assert.equal(res.status, 200);
  assert.ok(calls.includes("backlog.test/v1/backlog?days=3"));
  assert.deepEqual(rows(doc), [
    ["2026-03-10", "1", "0", "2"],
    ["2026-03-09", "0", "0", "1"],
    ["2026-03-08", "0", "0", "1"],
  ]);
  for (const days of ["0", "367", "1.5", ""]) {
    const bad = await get(dashboardApp(fetchImpl), `/dashboard?analysis=backlog&days=${days}`);
    assert.equal(bad.res.status, 400, days);
    assert.match(bad.doc.querySelector("#days-error")!.textContent!, /whole number of days from 1 to 366/);
    assert.equal(bad.doc.querySelector("#days")!.getAttribute("aria-invalid"), "true");
  }
  db.kv.close();
});

Deno.test("[dashboard] Download CSV: the analysis shown, through the web app; bad parameters refused", async () => {
  const db = await history();
  const { fetchImpl, calls } = servicesOn(db);
  const app = dashboardApp(fetchImpl);
  const res = await app.request("/dashboard/csv?analysis=active", {
    headers: { cookie: "helpdesk_role=helpdesk" },
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/csv; charset=utf-8");
  assert.equal(res.headers.get("content-disposition"), 'attachment; filename="active-by-category.csv"');
  assert.equal(
    await res.text(),
    "category,active\r\nfacility_management,0\r\ntechnical_it,1\r\nservices_complaints,0\r\n",
  );
  assert.ok(calls.includes("active.test/v1/active-by-category?format=csv"));
  const unclosed = await app.request("/dashboard/csv?analysis=unclosed&amount=36&unit=hours", {
    headers: { cookie: "helpdesk_role=helpdesk" },
  });
  assert.match(await unclosed.text(), /^from,to,count\r\n.*,1\r\n$/);
  const bad = await app.request("/dashboard/csv?analysis=backlog&days=367", {
    headers: { cookie: "helpdesk_role=helpdesk" },
  });
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /whole number of days from 1 to 366/);
  const reporter = await app.request("/dashboard/csv?analysis=active", {
    headers: { cookie: "helpdesk_role=reporter" },
  });
  assert.equal(reporter.status, 403);
  const unavailable = await dashboardApp(down).request("/dashboard/csv?analysis=active", {
    headers: { cookie: "helpdesk_role=helpdesk" },
  });
  assert.equal(unavailable.status, 503);
  db.kv.close();
});
