/** A hand-made history with answers worked out on paper, imported and then asked of the three services. */
import assert from "node:assert/strict";
import { importLines } from "../cli/import.ts";
import { createActiveByCategoryService } from "../services/active_by_category/app.ts";
import { createResolutionTimeService } from "../services/resolution_time/app.ts";
import { createUnclosedService } from "../services/unclosed/app.ts";
import { histogramHours, memoryDb } from "./helpers.ts";

const NOW = new Date("2026-03-10T12:00:00.000Z");

function ticket(n: number, category: string, times: { opened: string; activated?: string; closed?: string }) {
  const status = times.closed ? "closed" : times.activated ? "active" : "open";
  return JSON.stringify({
    id: `01JNZK${String(n).padStart(20, "0")}`,
    description: `ticket ${n}`,
    category,
    categorySource: "staff",
    status,
    openedAt: times.opened,
    activatedAt: times.activated ?? null,
    closedAt: times.closed ?? null,
    updatedAt: times.closed ?? times.activated ?? times.opened,
    messages: [],
  });
}

const HISTORY = [
  // January: two closed, after 10 h and 30 h → 20 h on average; one still active.
  ticket(1, "facility_management", {
    opened: "2026-01-05T08:00:00.000Z",
    activated: "2026-01-05T09:00:00.000Z",
    closed: "2026-01-05T18:00:00.000Z",
  }),
  ticket(2, "technical_it", {
    opened: "2026-01-20T00:00:00.000Z",
    activated: "2026-01-20T01:00:00.000Z",
    closed: "2026-01-21T06:00:00.000Z",
  }),
  ticket(3, "technical_it", { opened: "2026-01-31T23:00:00.000Z", activated: "2026-02-02T10:00:00.000Z" }),
  // February: none closed.
  ticket(4, "services_complaints", { opened: "2026-02-14T12:00:00.000Z" }),
  // March: one closed in 2 h (opened in March, closed in March); three unclosed, opened 1 h, 23 h and 3 days ago.
  ticket(5, "facility_management", {
    opened: "2026-03-01T10:00:00.000Z",
    activated: "2026-03-01T11:00:00.000Z",
    closed: "2026-03-01T12:00:00.000Z",
  }),
  ticket(6, "facility_management", { opened: "2026-03-10T11:00:00.000Z" }),
  ticket(7, "services_complaints", {
    opened: "2026-03-09T13:00:00.000Z",
    activated: "2026-03-09T14:00:00.000Z",
  }),
  ticket(8, "technical_it", { opened: "2026-03-07T12:00:00.000Z" }),
];

async function* lines() {
  for (const line of HISTORY) yield line;
}

Deno.test("[analytics] an imported history with known answers gets exactly those answers", async () => {
  const db = await memoryDb();
  const summary = await importLines(db, lines(), { now: NOW });
  assert.equal(summary.imported, 8);
  assert.deepEqual(summary.bad, []);
  const options = { now: () => NOW };
  const ask = async (app: { request: (path: string) => Response | Promise<Response> }, path: string) => {
    const res = await app.request(path);
    assert.equal(res.status, 200, path);
    return await res.json();
  };

  const unclosed = createUnclosedService(db, options);
  // Opened in the last 2 h: ticket 6. Last 24 h: 6 and 7. Last 3 days (exactly 72 h): 6, 7, 8 (8 opened at the
  // very start of the period). Last 60 days: also 3 and 4 (active and open), not the closed ones.
  assert.equal((await ask(unclosed, "/v1/unclosed?hours=2")).count, 1);
  assert.equal((await ask(unclosed, "/v1/unclosed?hours=24")).count, 2);
  assert.equal((await ask(unclosed, "/v1/unclosed?days=3")).count, 3);
  assert.equal((await ask(unclosed, "/v1/unclosed?days=60")).count, 5);
  assert.deepEqual(await ask(unclosed, "/v1/unclosed?days=1"), {
    from: "2026-03-09T12:00:00.000Z",
    to: "2026-03-10T12:00:00.000Z",
    count: 2,
  });

  const resolution = createResolutionTimeService(db, options);
  assert.deepEqual(await ask(resolution, "/v1/resolution-time"), {
    months: [
      {
        month: "2026-01",
        closed: 2,
        averageHours: 20,
        medianHours: histogramHours(10),
        p90Hours: histogramHours(30),
      },
      { month: "2026-02", closed: 0, averageHours: null, medianHours: null, p90Hours: null },
      {
        month: "2026-03",
        closed: 1,
        averageHours: 2,
        medianHours: histogramHours(2),
        p90Hours: histogramHours(2),
      },
    ],
  });

  const active = createActiveByCategoryService(db, options);
  assert.deepEqual(await ask(active, "/v1/active-by-category"), {
    categories: [
      { category: "facility_management", active: 0 },
      { category: "technical_it", active: 1 },
      { category: "services_complaints", active: 1 },
    ],
  });
  db.kv.close();
});
