/** Service 4: the backlog trend — opened, closed and still unclosed per campus calendar day. */
import type { Hono } from "hono";
import { z } from "zod";
import { backlogByDay, type Db } from "../../lib/data/mod.ts";
import { type BacklogAnswer, MAX_BACKLOG_DAYS } from "../contracts.ts";
import {
  createServiceApp,
  formatParameter,
  parseQuery,
  sendAnswer,
  type ServiceOptions,
  unknownParameterError,
} from "../shared.ts";

const querySchema = z.strictObject(
  {
    days: z.string({ error: "give the number of days as days=N (1 to 366)" })
      // Digits only: "1.5", "1e3" and "+5" are refused rather than guessed at.
      .regex(/^\d+$/, "days must be a whole number from 1 to 366, e.g. days=30")
      .transform(Number)
      .refine((n) => n >= 1, "days must be at least 1")
      .refine((n) => n <= MAX_BACKLOG_DAYS, `days must be at most ${MAX_BACKLOG_DAYS}`),
    format: formatParameter,
  },
  { error: unknownParameterError("days=N and format=json|csv") },
);

/** Builds the backlog service: `GET /v1/backlog?days=N[&format=csv]` and `GET /health`. */
export function createBacklogService(db: Db, options: ServiceOptions = {}): Hono {
  const now = options.now ?? (() => new Date());
  const app = createServiceApp(["/v1/backlog"]);
  app.get("/v1/backlog", async (c) => {
    const { days, format } = parseQuery(c, querySchema);
    const answer: BacklogAnswer = { days: await backlogByDay(db, now(), days) };
    return sendAnswer(c, format, answer, () => ({
      filename: `backlog-${days}-days.csv`,
      header: ["date", "opened", "closed", "unclosedAtEnd"],
      rows: answer.days.map((d) => [d.date, d.opened, d.closed, d.unclosedAtEnd]),
    }));
  });
  return app;
}
