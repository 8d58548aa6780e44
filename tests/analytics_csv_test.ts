/**
 * `format=csv` on every service: a header row and the same numbers as the JSON answer, a CSV content type
 * and a download name; an unknown format, or CSV asked with a bad parameter, is a 400 naming the parameter.
 */
import assert from "node:assert/strict";
import { parse } from "csv-parse/sync";
import { createTicket, type Db, type Ticket, updateTicket } from "../lib/data/mod.ts";
import { createActiveByCategoryService } from "../services/active_by_category/app.ts";
import { createBacklogService } from "../services/backlog/app.ts";
import { createResolutionTimeService } from "../services/resolution_time/app.ts";
import { createUnclosedService } from "../services/unclosed/app.ts";
import { memoryDb } from "./helpers.ts";

const NOW = new Date("2026-03-10T12:00:00.000Z");

async function history(): Promise<Db> {
  const db = await memoryDb("Europe/Berlin");
  const strip = ({ version: _, ...r }: Ticket) => r;
  for (
    const [i, opened] of ["2026-01-05T08:00:00Z", "2026-02-20T09:30:00Z", "2026-03-09T10:00:00Z"].entries()
  ) {
    const t = await createTicket(db, {
      description: `ticket ${i}`,
      category: i === 1 ? "technical_it" : "facility_management",
      categoryConfidence: 0.9,
      openedAt: new Date(opened),
    });
    const at = new Date(Date.parse(opened) + (i + 1) * 3_600_000).toISOString();
    await updateTicket(db, t.id, (x) => ({ ...strip(x), status: "active", activatedAt: at }), {
      expectedVersion: null,
    });
    if (i === 1) continue;
    const closedAt = new Date(Date.parse(opened) + (i + 2) * 86_400_000).toISOString();
    await updateTicket(db, t.id, (x) => ({ ...strip(x), status: "closed", closedAt, updatedAt: closedAt }), {
      expectedVersion: null,
    });
  }
  return db;
}

/** Rows of a CSV answer after its checks: status, content type, a download name. */
async function csvRows(res: Response, filename: string): Promise<string[][]> {
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/csv; charset=utf-8");
  assert.equal(res.headers.get("content-disposition"), `attachment; filename="${filename}"`);
  const text = await res.text();
  assert.ok(text.endsWith("\r\n"));
  return parse(text);
}

const cell = (v: number | string | null) => v === null ? "" : String(v);

Deno.test("[analytics] every service's CSV carries a header row and the numbers of its JSON answer", async () => {
  const db = await history();
  const now = () => NOW;
  const apps = {
    unclosed: createUnclosedService(db, { now }),
    resolution: createResolutionTimeService(db, { now }),
    active: createActiveByCategoryService(db),
    backlog: createBacklogService(db, { now }),
  };

  const unclosed = await (await apps.unclosed.request("/v1/unclosed?days=60")).json();
  assert.deepEqual(
    await csvRows(await apps.unclosed.request("/v1/unclosed?days=60&format=csv"), "unclosed-60-days.csv"),
    [
      ["from", "to", "count"],
      [unclosed.from, unclosed.to, String(unclosed.count)],
    ],
  );
  assert.equal(unclosed.count, 1);
  assert.equal(
    (await apps.unclosed.request("/v1/unclosed?hours=5&format=csv")).headers.get("content-disposition"),
    'attachment; filename="unclosed-5-hours.csv"',
  );

  const { months } = await (await apps.resolution.request("/v1/resolution-time?from=2026-01")).json();
  assert.deepEqual(
    await csvRows(
      await apps.resolution.request("/v1/resolution-time?from=2026-01&format=csv"),
      "resolution-time-from-2026-01.csv",
    ),
    [
      ["month", "closed", "averageHours", "medianHours", "p90Hours"],
      ...months.map((m: Record<string, string | number | null>) =>
        [m.month, m.closed, m.averageHours, m.medianHours, m.p90Hours].map(cell)
      ),
    ],
  );
  // February: none closed, so its hours are empty fields.
  assert.deepEqual(months[1], {
    month: "2026-02",
    closed: 0,
    averageHours: null,
    medianHours: null,
    p90Hours: null,
  });

  const { categories } = await (await apps.active.request("/v1/active-by-category")).json();
  assert.deepEqual(
    await csvRows(await apps.active.request("/v1/active-by-category?format=csv"), "active-by-category.csv"),
    [
      ["category", "active"],
      ...categories.map((c: { category: string; active: number }) => [c.category, String(c.active)]),
    ],
  );

  const { days } = await (await apps.backlog.request("/v1/backlog?days=30")).json();
  const rows = await csvRows(
    await apps.backlog.request("/v1/backlog?days=30&format=csv"),
    "backlog-30-days.csv",
  );
  assert.equal(rows.length, 31);
  assert.deepEqual(rows, [
    ["date", "opened", "closed", "unclosedAtEnd"],
    ...days.map((d: Record<string, string | number>) =>
      [d.date, d.opened, d.closed, d.unclosedAtEnd].map(cell)
    ),
  ]);
  // format=json is the default said out loud.
  assert.deepEqual(await (await apps.backlog.request("/v1/backlog?days=30&format=json")).json(), { days });
  db.kv.close();
});

Deno.test("[analytics] an unknown format, or CSV with a bad parameter, is a 400 naming the parameter", async () => {
  const db = await memoryDb();
  const now = () => NOW;
  const cases: [{ request: (p: string) => Response | Promise<Response> }, string, string, RegExp][] = [
    [
      createUnclosedService(db, { now }),
      "/v1/unclosed?days=7&format=xml",
      "format",
      /format must be json or csv/,
    ],
    [
      createUnclosedService(db, { now }),
      "/v1/unclosed?days=1.5&format=csv",
      "days",
      /days must be a positive whole/,
    ],
    [createResolutionTimeService(db, { now }), "/v1/resolution-time?format=CSV", "format", /format must be/],
    [
      createResolutionTimeService(db, { now }),
      "/v1/resolution-time?from=2026-13&format=csv",
      "from",
      /from must be a month/,
    ],
    [createActiveByCategoryService(db), "/v1/active-by-category?format=", "format", /format must be/],
    [createBacklogService(db, { now }), "/v1/backlog?days=30&format=pdf", "format", /format must be/],
    [
      createBacklogService(db, { now }),
      "/v1/backlog?days=367&format=csv",
      "days",
      /days must be at most 366/,
    ],
    [createBacklogService(db, { now }), "/v1/backlog?days=0&format=csv", "days", /days must be at least 1/],
  ];
  for (const [app, path, field, message] of cases) {
    const res = await app.request(path);
    assert.equal(res.status, 400, path);
    assert.match(res.headers.get("content-type") ?? "", /application\/json/, path);
    const body = await res.json();
    assert.equal(body.field, field, path);
    assert.match(body.error, message, path);
  }
  db.kv.close();
});
