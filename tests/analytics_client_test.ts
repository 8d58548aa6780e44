import assert from "node:assert/strict";
import { createTicket } from "../lib/data/mod.ts";
import { createActiveByCategoryService } from "../services/active_by_category/app.ts";
import { createAnalyticsClient } from "../services/client.ts";
import { createResolutionTimeService } from "../services/resolution_time/app.ts";
import { createUnclosedService } from "../services/unclosed/app.ts";
import { memoryDb } from "./helpers.ts";

const URLS = {
  unclosed: "http://unclosed.test",
  resolutionTime: "http://resolution.test/analytics/",
  activeByCategory: "http://active.test",
  backlog: "http://backlog.test",
};

function answering(handler: (url: URL) => Response | Promise<Response>): typeof fetch {
  return (input) => Promise.resolve(handler(new URL(input instanceof Request ? input.url : String(input))));
}

Deno.test("[analytics] the client reads real service answers, keeping a base URL's path", async () => {
  const db = await memoryDb();
  await createTicket(db, {
    description: "Printer",
    category: "technical_it",
    categoryConfidence: 0.9,
    openedAt: new Date("2026-03-10T08:00:00Z"),
  });
  const now = () => new Date("2026-03-10T09:00:00Z");
  const apps = {
    "unclosed.test": createUnclosedService(db, { now }),
    "resolution.test": createResolutionTimeService(db, { now }),
    "active.test": createActiveByCategoryService(db),
  };
  const seen: string[] = [];
  const client = createAnalyticsClient(URLS, (input, init) => {
    const url = new URL(String(input));
    seen.push(url.pathname + url.search);
    const path = url.pathname.replace("/analytics", "") + url.search;
    return Promise.resolve(apps[url.hostname as keyof typeof apps].request(path, init));
  });
  assert.deepEqual(await client.unclosed({ hours: 3 }), {
    ok: true,
    data: { from: "2026-03-10T06:00:00.000Z", to: "2026-03-10T09:00:00.000Z", count: 1 },
  });
  const resolution = await client.resolutionTime({ from: "2026-03", to: undefined });
  assert.deepEqual(resolution, {
    ok: true,
    data: {
      months: [{ month: "2026-03", closed: 0, averageHours: null, medianHours: null, p90Hours: null }],
    },
  });
  const active = await client.activeByCategory();
  assert.ok(active.ok);
  assert.deepEqual(seen, [
    "/v1/unclosed?hours=3",
    "/analytics/v1/resolution-time?from=2026-03",
    "/v1/active-by-category",
  ]);
  db.kv.close();
});

Deno.test("[analytics] the client passes a service's 400 message on as a refusal", async () => {
  const client = createAnalyticsClient(
    URLS,
    answering(() => Response.json({ error: "days must be at least 1" }, { status: 400 })),
  );
  assert.deepEqual(await client.unclosed({ days: 0 }), {
    ok: false,
    reason: "rejected",
    message: "days must be at least 1",
  });
});

Deno.test("[analytics] down, failing, slow or nonsensical services are all 'unavailable'", async () => {
  const unavailable = { ok: false, reason: "unavailable" };
  const cases: [string, typeof fetch][] = [
    ["connection refused", () => Promise.reject(new TypeError("error sending request: Connection refused"))],
    ["500", answering(() => Response.json({ error: "boom" }, { status: 500 }))],
    ["502 html", answering(() => new Response("<h1>Bad gateway</h1>", { status: 502 }))],
    ["not JSON", answering(() => new Response("ok"))],
    [
      "wrong shape",
      answering(() => Response.json({ categories: [{ category: "technical_it", active: 1 }] })),
    ],
    ["missing categories", answering(() => Response.json({ categories: [] }))],
    [
      "too slow",
      (_input, init) =>
        new Promise((_resolve, reject) =>
          init?.signal?.addEventListener("abort", () => reject(init.signal!.reason))
        ),
    ],
  ];
  for (const [name, fetchImpl] of cases) {
    const client = createAnalyticsClient(URLS, fetchImpl, { timeoutMs: 50 });
    assert.deepEqual(await client.activeByCategory(), unavailable, name);
  }
});
