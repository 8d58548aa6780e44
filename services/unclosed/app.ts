/** Service 1: how many tickets opened in the last N hours or days are still not closed. */
import type { Hono } from "hono";
import { z } from "zod";
import { countUnclosedOpenedSince, type Db } from "../../lib/data/mod.ts";
import { HOUR_MS } from "../../lib/time.ts";
import { MAX_DAYS, MAX_HOURS, type UnclosedAnswer } from "../contracts.ts";
import {
  createServiceApp,
  formatParameter,
  parseQuery,
  sendAnswer,
  type ServiceOptions,
  unknownParameterError,
} from "../shared.ts";

function periodCount(name: "hours" | "days", max: number) {
  return z.string()
    // Digits only: "1.5", "1e3", "0x10", "+5" and " 5" are all refused rather than guessed at.
    .regex(/^\d+$/, `${name} must be a positive whole number, e.g. ${name}=${name === "hours" ? 24 : 7}`)
    .transform(Number)
    .refine((n) => n >= 1, `${name} must be at least 1`)
    .refine((n) => n <= max, `${name} must be at most ${max} (ten years)`)
    .optional();
}

const querySchema = z.strictObject(
  { hours: periodCount("hours", MAX_HOURS), days: periodCount("days", MAX_DAYS), format: formatParameter },
  { error: unknownParameterError("hours=N or days=N, and format=json|csv") },
).refine((q) => q.hours === undefined || q.days === undefined, "give either hours or days, not both")
  .refine((q) => q.hours !== undefined || q.days !== undefined, "give the period as hours=N or days=N")
  .transform((q) => ({
    periodMs: (q.hours !== undefined ? q.hours : q.days! * 24) * HOUR_MS,
    label: q.hours !== undefined ? `${q.hours}-hours` : `${q.days}-days`,
    format: q.format,
  }));

/** Builds the unclosed-tickets service: `GET /v1/unclosed?hours=N|days=N[&format=csv]` and `GET /health`. */
export function createUnclosedService(db: Db, options: ServiceOptions = {}): Hono {
  const now = options.now ?? (() => new Date());
  const app = createServiceApp(["/v1/unclosed"]);
  app.get("/v1/unclosed", async (c) => {
    const { periodMs, label, format } = parseQuery(c, querySchema);
    const to = now().getTime();
    const from = to - periodMs;
    // The period [from, to] ends now, and no ticket is opened after now (see countUnclosedOpenedSince).
    const count = await countUnclosedOpenedSince(db, from, to);
    const answer: UnclosedAnswer = {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      count,
    };
    return sendAnswer(c, format, answer, () => ({
      filename: `unclosed-${label}.csv`,
      header: ["from", "to", "count"],
      rows: [[answer.from, answer.to, answer.count]],
    }));
  });
  return app;
}
