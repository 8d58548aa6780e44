/**
 * The `/tickets` page's query parameters. Status, category and cursor have always been forgiving (an unknown
 * value shows the unfiltered list); the queue's waiting and sort are checked, so a wrong value is shown as an
 * error next to its field rather than silently listing something else.
 */
import { z } from "zod";
import type { Category } from "../../lib/categories.ts";
import type { ListSort, Role, Status } from "../../lib/data/mod.ts";
import {
  categorySchema,
  firstIssue,
  listCursorSchema,
  listQueryProblem,
  listSortSchema,
  listStatusSchema,
  openedTimeSchema,
  waitingSchema,
} from "../../lib/schemas.ts";

/** The filters of a ticket list page. */
export interface ListFilters {
  /** One status, or "unclosed" for open and active together. */
  status?: Status | "unclosed";
  category?: Category;
  waiting?: Role;
  sort?: ListSort;
  cursor?: string;
  /** Only tickets opened at or after this time (ms): links from the dashboard. */
  openedAfter?: number;
  /** Only tickets opened before this time (ms). */
  openedBefore?: number;
}

const lenient = z.object({
  status: listStatusSchema.optional().catch(undefined),
  category: categorySchema.optional().catch(undefined),
  cursor: listCursorSchema.optional().catch(undefined),
});

// A select's empty option ("any") arrives as an empty string.
const blankIsNone = (v: unknown) => v === "" ? undefined : v;
const strict = z.object({
  waiting: z.preprocess(blankIsNone, waitingSchema.optional()),
  sort: z.preprocess(blankIsNone, listSortSchema.optional()),
  // Bounds come from the dashboard's links: a bad one is refused by name, never silently dropped.
  openedAfter: z.preprocess(blankIsNone, openedTimeSchema("openedAfter").optional()),
  openedBefore: z.preprocess(blankIsNone, openedTimeSchema("openedBefore").optional()),
});

/** The page's filters for a role, and the first problem with them (shown beside the field it names). */
export function parseListFilters(
  query: Record<string, string>,
  role: Role,
): { filters: ListFilters; problem: { message: string; field: string } | null } {
  const loose = lenient.parse(query);
  const status = role === "reporter" && loose.status === "closed" ? undefined : loose.status;
  const checked = strict.safeParse(query);
  const base: ListFilters = { status, category: loose.category, cursor: loose.cursor };
  if (!checked.success) {
    const { message, field } = firstIssue(checked.error);
    return { filters: base, problem: { message, field: field ?? "sort" } };
  }
  const filters = {
    ...base,
    ...checked.data,
    sort: checked.data.sort === "opened" ? undefined : checked.data.sort,
  };
  const problem = listQueryProblem({ ...filters, sort: filters.sort ?? "opened" });
  return { filters: problem ? { ...base, cursor: undefined } : filters, problem };
}

/** The query string of a list's filters (no cursor), in a stable order. */
export function searchOf(filters: ListFilters): string {
  const params = new URLSearchParams();
  for (const key of ["status", "category", "waiting", "sort"] as const) {
    if (filters[key]) params.set(key, filters[key]!);
  }
  for (const key of ["openedAfter", "openedBefore"] as const) {
    if (filters[key] !== undefined) params.set(key, isoOf(filters[key]!));
  }
  return params.toString();
}

/** A time (ms) as the ISO 8601 text list links carry, without needless milliseconds. */
export function isoOf(ms: number): string {
  return new Date(ms).toISOString().replace(".000Z", "Z");
}
