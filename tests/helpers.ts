/** Shared test fixtures: fresh in-memory stores and a controllable clock. */
import { memoryDb } from "../lib/data/testing.ts";
import { bucketEstimateMs, histogramBucketOf } from "../lib/data/resolution_histogram.ts";
import { HOUR_MS } from "../lib/time.ts";

export { memoryDb };

/** A clock that tests move by hand. */
export function manualClock(start = "2026-03-10T09:00:00.000Z") {
  let now = Date.parse(start);
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
    set(iso: string) {
      now = Date.parse(iso);
    },
  };
}

/** Island chunk URLs for tests that render pages without building the bundles. */
export const FAKE_MANIFEST = {
  runtime: "/static/build/runtime-test.js",
  islands: {
    TicketEditor: "/static/build/TicketEditor-test.js",
    LiveThread: "/static/build/LiveThread-test.js",
    TicketSummary: "/static/build/TicketSummary-test.js",
    AnalyticsChart: "/static/build/AnalyticsChart-test.js",
    LocalTimes: "/static/build/LocalTimes-test.js",
    StaffQueue: "/static/build/StaffQueue-test.js",
    SimilarTickets: "/static/build/SimilarTickets-test.js",
    AnalysisSwitch: "/static/build/AnalysisSwitch-test.js",
  },
};

/** Where tests that do not run the analytics services say they are: a port nothing listens on. */
export const NO_SERVICES = {
  unclosed: "http://127.0.0.1:9",
  resolutionTime: "http://127.0.0.1:9",
  activeByCategory: "http://127.0.0.1:9",
  backlog: "http://127.0.0.1:9",
};

/** A web app on a fresh in-memory store with a manual clock, for `app.request()` tests. */
export async function testApp(timeZone = "UTC") {
  const { createHelpdesk } = await import("../lib/helpdesk.ts");
  const { createApp } = await import("../routes/app.tsx");
  const db = await memoryDb(timeZone);
  const clock = manualClock();
  const helpdesk = await createHelpdesk(db, { now: clock.now });
  const app = createApp({ helpdesk, manifest: FAKE_MANIFEST, serviceUrls: NO_SERVICES });
  return { app, db, helpdesk, clock, close: () => db.kv.close() };
}

/** Sends a JSON API call as a role; `role: null` sends no role header. */
export function api(
  app: { request: (path: string, init?: RequestInit) => Response | Promise<Response> },
  role: "reporter" | "helpdesk" | null | string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  const h: Record<string, string> = { ...headers };
  if (role !== null) h["x-helpdesk-role"] = role;
  if (body !== undefined) h["content-type"] = "application/json";
  return Promise.resolve(app.request(`/api/v1${path}`, {
    method,
    headers: h,
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  }));
}

/**
 * The median/p90 estimate service 2 gives for a resolution time of `hours` (its histogram bucket's middle),
 * for tests that know every duration of a month.
 */
export function histogramHours(hours: number): number {
  return bucketEstimateMs(histogramBucketOf(Math.round(hours * HOUR_MS))) / HOUR_MS;
}
