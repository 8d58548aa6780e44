/**
 * Every Deno KV key of Campus Helpdesk is built here and nowhere else.
 *
 * Records live under their own prefix; indexes (`*_by_*`) store only the ticket id; `stats_*` keys are
 * Deno.KvU64 counters kept in the same atomic commit as the change they count.
 */
import type { Category } from "../categories.ts";
import type { Status } from "./types.ts";

/**
 * Level names of the opening-time buckets used to count unclosed tickets, finest first: 10 minutes, an hour,
 * a day and a block of 32 days (sizes in lib/data/time_buckets.ts).
 */
export type BucketLevel = "10min" | "hour" | "day" | "block";

/** Builders for every key in the store. */
export const keys = {
  /** Marks which campus time zone the month counters were built for. */
  timeZone: () => ["meta", "time_zone"],
  /** The layout version of the store (lib/data/migrate.ts); absent in a store written by release 1. */
  storeFormat: () => ["meta", "format"],
  ticketPrefix: () => ["tickets"],
  ticket: (id: string) => ["tickets", id],
  byStatusPrefix: (status: Status) => ["tickets_by_status", status],
  byStatus: (status: Status, id: string) => ["tickets_by_status", status, id],
  byStatusCategoryPrefix: (status: Status, category: Category) => [
    "tickets_by_status_category",
    status,
    category,
  ],
  byStatusCategory: (status: Status, category: Category, id: string) => [
    "tickets_by_status_category",
    status,
    category,
    id,
  ],
  unclosedByOpenedAtPrefix: () => ["tickets_unclosed_by_opened_at"],
  unclosedByOpenedAt: (openedMs: number, id: string) => ["tickets_unclosed_by_opened_at", openedMs, id],
  messagePrefix: (ticketId: string) => ["messages_by_ticket", ticketId],
  /** A message, keyed by its position in the thread, so a range read returns the thread in commit order. */
  message: (ticketId: string, seq: number) => ["messages_by_ticket", ticketId, seq],
  correctionPrefix: () => ["classifier_corrections"],
  correction: (ticketId: string) => ["classifier_corrections", ticketId],
  countByStatusCategory: (status: Status, category: Category) => [
    "stats_tickets_by_status_category",
    status,
    category,
  ],
  closedByOpenMonthPrefix: () => ["stats_closed_by_open_month"],
  closedByOpenMonth: (month: string) => ["stats_closed_by_open_month", month],
  resolutionMsByOpenMonthPrefix: () => ["stats_resolution_ms_by_open_month"],
  resolutionMsByOpenMonth: (month: string) => ["stats_resolution_ms_by_open_month", month],
  unclosedByOpenBucketPrefix: (level: BucketLevel) => ["stats_unclosed_by_open_bucket", level],
  unclosedByOpenBucket: (
    level: BucketLevel,
    index: number,
  ) => ["stats_unclosed_by_open_bucket", level, index],
  firstOpenedAt: () => ["stats_first_opened_at"],
  /**
   * Grows with every commit that writes a ticket record; list caches compare it to know they are current,
   * and its versionstamp is that of the newest ticket commit, which lets verify date what it reads.
   */
  ticketChanges: () => ["meta", "ticket_changes"],
  /** A ticket's earlier counted state, kept for a while under the versionstamp it had (see state_log.ts). */
  ticketStatePrefix: (id: string) => ["ticket_states", id],
  ticketState: (id: string, versionstamp: string) => ["ticket_states", id, versionstamp],
  /** First parts of every counter key (Deno.KvU64 values), for verify and repair. */
  counterPrefixes: (): Deno.KvKey[] => [
    ["stats_tickets_by_status_category"],
    ["stats_closed_by_open_month"],
    ["stats_resolution_ms_by_open_month"],
    ["stats_unclosed_by_open_bucket"],
    ["stats_first_opened_at"],
  ],
  /** First parts of every pointer index key (values are ticket ids), for verify and repair. */
  indexPrefixes: (): Deno.KvKey[] => [
    ["tickets_by_status"],
    ["tickets_by_status_category"],
    ["tickets_unclosed_by_opened_at"],
  ],
} as const;
