/** Service 4: the backlog trend — opened, closed and still unclosed per campus calendar day. */
import type { Hono } from "hono";
import { z } from "zod";
import { backlogByDay, type Db } from "../../lib/data/mod.ts";
import { type BacklogAnswer, MAX_BACKLOG_DAYS } from "../contracts.ts";
import { createServiceApp, parseQuery, type ServiceOptions, unknownParameterError } from "../shared.ts";

const querySchema = z.strictObject(
  {
    days: z.string({ error: "give the number of days as days=N (1 to 366)" })
      // Digits only: "1.5", "1e3" and "+5" are refused rather than guessed at.
      .regex(/^\d+$/, "days must be a whole number from 1 to 366, e.g. days=30")
      .transform(Number)
      .refine((n) => n >= 1, "days must be at least 1")
      .refine((n) => n <= MAX_BACKLOG_DAYS, `days must be at most ${MAX_BACKLOG_DAYS}`),
  },
  { error: unknownParameterError("days=N") },
);

/** Builds the backlog service: `GET /v1/backlog?days=N` and `GET /health`. */
export function createBacklogService(db: Db, options: ServiceOptions = {}): Hono {
  const now = options.now ?? (() => new Date());
  const app = createServiceApp(["/v1/backlog"]);
  app.get("/v1/backlog", async (c) => {
    const { days } = parseQuery(c, querySchema);
    const answer: BacklogAnswer = { days: await backlogByDay(db, now(), days) };
    return c.json(answer);
  });
  return app;
}
