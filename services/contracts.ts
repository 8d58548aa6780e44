/**
 * The JSON answers of the three analytics services, as zod schemas: the services type their answers with
 * them, and the dashboard validates what comes back over the wire before showing it.
 */
import { z } from "zod";
import { CATEGORIES } from "../lib/categories.ts";

/** Longest period service 1 counts, in days: ten years including their leap days. */
export const MAX_DAYS = 3652;
/** Longest period service 1 counts, in hours. */
export const MAX_HOURS = MAX_DAYS * 24;

/** Longest backlog trend, in days: a leap year. */
export const MAX_BACKLOG_DAYS = 366;

/** A calendar month on the wire, "YYYY-MM". */
export const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;

const count = z.number().int().nonnegative();

/** Answer of `GET /v1/unclosed`. */
export const unclosedAnswerSchema = z.object({ from: z.iso.datetime(), to: z.iso.datetime(), count });

/** Answer of `GET /v1/unclosed`. */
export type UnclosedAnswer = z.infer<typeof unclosedAnswerSchema>;

/** Answer of `GET /v1/resolution-time`. */
export const resolutionAnswerSchema = z.object({
  months: z.array(z.object({
    month: z.string().regex(MONTH_PATTERN),
    closed: count,
    averageHours: z.number().nonnegative().nullable(),
    medianHours: z.number().nonnegative().nullable(),
    p90Hours: z.number().nonnegative().nullable(),
  })),
});

/** Answer of `GET /v1/resolution-time`. */
export type ResolutionAnswer = z.infer<typeof resolutionAnswerSchema>;

/** Answer of `GET /v1/active-by-category`: every category exactly once. */
export const activeAnswerSchema = z.object({
  categories: z.array(z.object({ category: z.enum(CATEGORIES), active: count }))
    .refine(
      (list) =>
        list.length === CATEGORIES.length && CATEGORIES.every((c) => list.some((e) => e.category === c)),
      "every category must appear exactly once",
    ),
});

/** Answer of `GET /v1/active-by-category`. */
export type ActiveAnswer = z.infer<typeof activeAnswerSchema>;

/** Answer of `GET /v1/backlog`: one entry per campus calendar day, oldest first, ending today. */
export const backlogAnswerSchema = z.object({
  days: z.array(z.object({
    date: z.iso.date(),
    opened: count,
    closed: count,
    unclosedAtEnd: count,
  })),
});

/** Answer of `GET /v1/backlog`. */
export type BacklogAnswer = z.infer<typeof backlogAnswerSchema>;
