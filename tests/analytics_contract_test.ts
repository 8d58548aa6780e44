import assert from "node:assert/strict";
import { createTicket, updateTicket } from "../lib/data/mod.ts";
import { createActiveByCategoryService } from "../services/active_by_category/app.ts";
import {
  activeAnswerSchema,
  MAX_DAYS,
  MAX_HOURS,
  resolutionAnswerSchema,
  unclosedAnswerSchema,
} from "../services/contracts.ts";
import { createResolutionTimeService } from "../services/resolution_time/app.ts";
import { createUnclosedService } from "../services/unclosed/app.ts";
import { memoryDb } from "./helpers.ts";

const NOW = new Date("2026-03-10T09:00:00.000Z");
const now = () => NOW;

async function services() {
  const db = await memoryDb();
  const t = await createTicket(db, {
    description: "Radiator cold",
    category: "facility_management",
    categoryConfidence: 0.9,
    openedAt: new Date("2026-03-09T09:00:00Z"),
  });
  const { version: _, ...record } = t;
  await updateTicket(
    db,
    t.id,
    () => ({ ...record, status: "active", activatedAt: "2026-03-09T10:00:00.000Z" }),
    {
      expectedVersion: null,
    },
  );
  return {
    db,
    apps: [
      { app: createUnclosedService(db, { now }), path: "/v1/unclosed?days=1" },
      { app: createResolutionTimeService(db, { now }), path: "/v1/resolution-time" },
      { app: createActiveByCategoryService(db, { now }), path: "/v1/active-by-category" },
    ],
  };
}

async function json(res: Response) {
  assert.equal(res.headers.get("content-type")?.split(";")[0], "application/json");
  return await res.json();
}

Deno.test("[analytics] every service answers /health with {status: ok}", async () => {
  const { db, apps } = await services();
  for (const { app } of apps) {
    const res = await app.request("/health");
    assert.equal(res.status, 200);
    assert.deepEqual(await json(res), { status: "ok" });
  }
  db.kv.close();
});

Deno.test("[analytics] unclosed answers {from, to, count} for hours or days", async () => {
  const db = await memoryDb();
  const app = createUnclosedService(db, { now });
  await createTicket(db, {
    description: "Wi-Fi",
    category: "technical_it",
    categoryConfidence: 0.9,
    openedAt: new Date("2026-03-10T08:00:00Z"),
  });
  const hours = await app.request("/v1/unclosed?hours=2");
  assert.equal(hours.status, 200);
  const body = await json(hours);
  assert.deepEqual(body, { from: "2026-03-10T07:00:00.000Z", to: "2026-03-10T09:00:00.000Z", count: 1 });
  assert.ok(unclosedAnswerSchema.safeParse(body).success);
  const days = await json(await app.request("/v1/unclosed?days=3"));
  assert.deepEqual(days, { from: "2026-03-07T09:00:00.000Z", to: "2026-03-10T09:00:00.000Z", count: 1 });
  const max = await app.request(`/v1/unclosed?days=${MAX_DAYS}`);
  assert.equal(max.status, 200);
  db.kv.close();
});

Deno.test("[analytics] unclosed refuses bad periods with 400 and a clear message", async () => {
  const db = await memoryDb();
  const app = createUnclosedService(db, { now });
  const cases: [string, RegExp][] = [
    ["", /give the period as hours=N or days=N/],
    ["hours=1&days=1", /either hours or days, not both/],
    ["hours=0", /hours must be at least 1/],
    ["days=0", /days must be at least 1/],
    ["hours=1.5", /hours must be a positive whole number/],
    ["hours=abc", /hours must be a positive whole number/],
    ["hours=-3", /hours must be a positive whole number/],
    ["hours=", /hours must be a positive whole number/],
    ["days=1e3", /days must be a positive whole number/],
    [`hours=${MAX_HOURS + 1}`, /hours must be at most 87648 \(ten years\)/],
    [`days=${MAX_DAYS + 1}`, /days must be at most 3652/],
    ["days=99999999999999999999999", /days must be at most/],
    ["hours=1&hours=2", /hours is given more than once/],
    ["hours=1&foo=bar", /unknown parameter foo/i],
  ];
  for (const [query, message] of cases) {
    const res = await app.request(`/v1/unclosed?${query}`);
    assert.equal(res.status, 400, query);
    const body = await json(res);
    // `{"error"}`, plus `field` where one parameter is at fault.
    assert.ok(["error", "error,field"].includes(Object.keys(body).join(",")), query);
    if (body.field) assert.match(query, new RegExp(`\\b${body.field}=`), query);
    assert.match(body.error, message, query);
  }
  db.kv.close();
});

Deno.test("[analytics] resolution time answers every month with closed count and mean hours", async () => {
  const { db } = await services();
  const app = createResolutionTimeService(db, { now });
  const body = await json(await app.request("/v1/resolution-time"));
  assert.deepEqual(body, {
    months: [{ month: "2026-03", closed: 0, averageHours: null, medianHours: null, p90Hours: null }],
  });
  assert.ok(resolutionAnswerSchema.safeParse(body).success);
  const narrowed = await json(await app.request("/v1/resolution-time?from=2026-04&to=2026-05"));
  assert.deepEqual(narrowed, { months: [] });
  db.kv.close();
});

Deno.test("[analytics] an empty store answers empty months and zero counts", async () => {
  const db = await memoryDb();
  assert.deepEqual(
    await json(await createResolutionTimeService(db, { now }).request("/v1/resolution-time")),
    {
      months: [],
    },
  );
  assert.deepEqual(
    await json(await createActiveByCategoryService(db).request("/v1/active-by-category")),
    {
      categories: [
        { category: "facility_management", active: 0 },
        { category: "technical_it", active: 0 },
        { category: "services_complaints", active: 0 },
      ],
    },
  );
  assert.equal(
    (await json(await createUnclosedService(db, { now }).request("/v1/unclosed?days=1"))).count,
    0,
  );
  db.kv.close();
});

Deno.test("[analytics] resolution time refuses bad months with 400", async () => {
  const db = await memoryDb();
  const app = createResolutionTimeService(db, { now });
  const cases: [string, RegExp][] = [
    ["from=2026-13", /from must be a month like 2026-03/],
    ["to=2026-00", /to must be a month like 2026-03/],
    ["from=2026-3", /from must be a month/],
    ["from=March", /from must be a month/],
    ["from=2026-03-01", /from must be a month/],
    ["from=2026-05&to=2026-03", /from must not be after to/],
    ["month=2026-03", /unknown parameter month/i],
    ["from=2026-01&from=2026-02", /from is given more than once/],
  ];
  for (const [query, message] of cases) {
    const res = await app.request(`/v1/resolution-time?${query}`);
    assert.equal(res.status, 400, query);
    assert.match((await json(res)).error, message, query);
  }
  db.kv.close();
});

Deno.test("[analytics] active by category lists all three categories and refuses parameters", async () => {
  const { db } = await services();
  const app = createActiveByCategoryService(db);
  const body = await json(await app.request("/v1/active-by-category"));
  assert.deepEqual(body, {
    categories: [
      { category: "facility_management", active: 1 },
      { category: "technical_it", active: 0 },
      { category: "services_complaints", active: 0 },
    ],
  });
  assert.ok(activeAnswerSchema.safeParse(body).success);
  const res = await app.request("/v1/active-by-category?category=technical_it");
  assert.equal(res.status, 400);
  assert.match((await json(res)).error, /unknown parameter category/i);
  db.kv.close();
});

Deno.test("[analytics] only GET: other methods are 405 with Allow, unknown paths are JSON 404", async () => {
  const { db, apps } = await services();
  for (const { app, path } of apps) {
    for (const method of ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"]) {
      const res = await app.request(path, { method });
      assert.equal(res.status, 405, `${method} ${path}`);
      assert.equal(res.headers.get("allow"), "GET, HEAD");
      assert.match((await json(res)).error, new RegExp(`method ${method} is not allowed`));
    }
    const head = await app.request(path, { method: "HEAD" });
    assert.equal(head.status, 200);
    for (const unknown of ["/", "/v1", "/v2/unclosed", "/v1/unclosed/", "/health/x"]) {
      const res = await app.request(unknown);
      assert.equal(res.status, 404, unknown);
      assert.match((await json(res)).error, /no such endpoint/);
    }
    const post = await app.request("/nowhere", { method: "POST" });
    assert.equal(post.status, 404);
  }
  db.kv.close();
});

Deno.test("[analytics] a failing store is a JSON 500, not a crash", async () => {
  const db = await memoryDb();
  const app = createActiveByCategoryService(db);
  db.kv.close();
  const originalError = console.error;
  console.error = () => {};
  try {
    const res = await app.request("/v1/active-by-category");
    assert.equal(res.status, 500);
    assert.deepEqual(Object.keys(await json(res)), ["error"]);
  } finally {
    console.error = originalError;
  }
});
