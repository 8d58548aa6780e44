/** Service 2: mean time from opening to closing, by the campus-time month the tickets were opened in. */
import type { Hono } from "hono";
import { z } from "zod";
import { type Db, resolutionByOpenMonth } from "../../lib/data/mod.ts";
import { MONTH_PATTERN, type ResolutionAnswer } from "../contracts.ts";
import {
  createServiceApp,
  formatParameter,
  parseQuery,
  sendAnswer,
  type ServiceOptions,
  unknownParameterError,
} from "../shared.ts";

const month = (name: string) =>
  z.string().regex(MONTH_PATTERN, `${name} must be a month like 2026-03 (YYYY-MM)`).optional();

const querySchema = z.strictObject(
  { from: month("from"), to: month("to"), format: formatParameter },
  { error: unknownParameterError("from=YYYY-MM, to=YYYY-MM and format=json|csv, all optional") },
  // "YYYY-MM" strings compare in calendar order.
).refine((q) => !q.from || !q.to || q.from <= q.to, { message: "from must not be after to", path: ["to"] });

/** Builds the resolution-time service: `GET /v1/resolution-time[?from=YYYY-MM&to=YYYY-MM][&format=csv]` and `GET /health`. */
export function createResolutionTimeService(db: Db, options: ServiceOptions = {}): Hono {
  const now = options.now ?? (() => new Date());
  const app = createServiceApp(["/v1/resolution-time"]);
  app.get("/v1/resolution-time", async (c) => {
    const { format, ...range } = parseQuery(c, querySchema);
    const answer: ResolutionAnswer = { months: await resolutionByOpenMonth(db, now(), range) };
    return sendAnswer(c, format, answer, () => ({
      filename: `resolution-time${range.from ? `-from-${range.from}` : ""}${
        range.to ? `-to-${range.to}` : ""
      }.csv`,
      header: ["month", "closed", "averageHours", "medianHours", "p90Hours"],
      rows: answer.months.map((m) => [m.month, m.closed, m.averageHours, m.medianHours, m.p90Hours]),
    }));
  });
  return app;
}
