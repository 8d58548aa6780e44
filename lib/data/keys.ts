/**
 * Every Deno KV key of Campus Helpdesk is built here and nowhere else.
 *
 * Records live under their own prefix; indexes (`*_by_*`) store only the ticket id; `stats_*` keys are
 * Deno.KvU64 counters kept in the same atomic commit as the change they count.
 */
import type { Category } from "../categories.ts";
import type { Role, Status } from "./types.ts";

/**
 * Level names of the opening-time buckets used to count unclosed tickets, finest first: 10 minutes, an hour,
 * a day and a block of 32 days (sizes in lib/data/time_buckets.ts).
 */
export type BucketLevel = "10min" | "hour" | "day" | "block";

// The first part of every key, written once: the builders below and the groups verify and repair walk use
// these, so adding a counter means a name here, a builder, its group entry, and its effect in
// ticket_effects.ts.
const P = {
  tickets: "tickets",
  byStatus: "tickets_by_status",
  byStatusCategory: "tickets_by_status_category",
  unclosedByOpenedAt: "tickets_unclosed_by_opened_at",
  byWaiting: "tickets_by_waiting",
  byUpdated: "tickets_by_updated",
  byWaitingUpdated: "tickets_by_waiting_updated",
  messages: "messages_by_ticket",
  corrections: "classifier_corrections",
  countByStatusCategory: "stats_tickets_by_status_category",
  closedByOpenMonth: "stats_closed_by_open_month",
  resolutionMsByOpenMonth: "stats_resolution_ms_by_open_month",
  unclosedByOpenBucket: "stats_unclosed_by_open_bucket",
  resolutionHistogramByOpenMonth: "stats_resolution_histogram_by_open_month",
  resolutionCoarseHistogramByOpenMonth: "stats_resolution_coarse_histogram_by_open_month",
  openedByDay: "stats_opened_by_day",
  closedByDay: "stats_closed_by_day",
  firstOpenedAt: "stats_first_opened_at",
  ticketStates: "ticket_states",
  history: "ticket_history",
  reporterTickets: "reporter_tickets",
  reporterSeen: "reporter_seen",
  ticketLinks: "ticket_links",
  meta: "meta",
} as const;

/** Builders for every key in the store. */
export const keys = {
  /** Marks which campus time zone the month counters were built for. */
  timeZone: () => [P.meta, "time_zone"],
  /** The layout version of the store (lib/data/migrate.ts); absent in a store written by release 1. */
  storeFormat: () => [P.meta, "format"],
  /** Which derived-key layout the indexes and counters were built for (lib/data/derived_layout.ts). */
  derivedLayout: () => [P.meta, "derived_layout"],
  ticketPrefix: () => [P.tickets],
  ticket: (id: string) => [P.tickets, id],
  byStatusPrefix: (status: Status) => [P.byStatus, status],
  byStatus: (status: Status, id: string) => [P.byStatus, status, id],
  byStatusCategoryPrefix: (status: Status, category: Category) => [
    P.byStatusCategory,
    status,
    category,
  ],
  byStatusCategory: (status: Status, category: Category, id: string) => [
    P.byStatusCategory,
    status,
    category,
    id,
  ],
  unclosedByOpenedAtPrefix: () => [P.unclosedByOpenedAt],
  unclosedByOpenedAt: (openedMs: number, id: string) => [P.unclosedByOpenedAt, openedMs, id],
  /** Unclosed tickets by who they wait for (lib/data/thread_state.ts), newest opened last. */
  byWaitingPrefix: (waiting: Role, status: Status, category: Category) => [
    P.byWaiting,
    waiting,
    status,
    category,
  ],
  byWaiting: (waiting: Role, status: Status, category: Category, id: string) => [
    P.byWaiting,
    waiting,
    status,
    category,
    id,
  ],
  /** Tickets by their latest activity (updatedAt in ms), latest last. */
  byUpdatedPrefix: (status: Status, category: Category) => [P.byUpdated, status, category],
  byUpdated: (status: Status, category: Category, updatedMs: number, id: string) => [
    P.byUpdated,
    status,
    category,
    updatedMs,
    id,
  ],
  /** Unclosed tickets by who they wait for and their latest activity, latest last. */
  byWaitingUpdatedPrefix: (waiting: Role, status: Status, category: Category) => [
    P.byWaitingUpdated,
    waiting,
    status,
    category,
  ],
  byWaitingUpdated: (waiting: Role, status: Status, category: Category, updatedMs: number, id: string) => [
    P.byWaitingUpdated,
    waiting,
    status,
    category,
    updatedMs,
    id,
  ],
  /** Every thread's messages, grouped by ticket id (for building the search index). */
  messagesPrefix: () => [P.messages],
  messagePrefix: (ticketId: string) => [P.messages, ticketId],
  /** A message, keyed by its position in the thread, so a range read returns the thread in commit order. */
  message: (ticketId: string, seq: number) => [P.messages, ticketId, seq],
  correctionPrefix: () => [P.corrections],
  correction: (ticketId: string) => [P.corrections, ticketId],
  countByStatusCategory: (status: Status, category: Category) => [
    P.countByStatusCategory,
    status,
    category,
  ],
  closedByOpenMonthPrefix: () => [P.closedByOpenMonth],
  closedByOpenMonth: (month: string) => [P.closedByOpenMonth, month],
  resolutionMsByOpenMonthPrefix: () => [P.resolutionMsByOpenMonth],
  resolutionMsByOpenMonth: (month: string) => [P.resolutionMsByOpenMonth, month],
  unclosedByOpenBucketPrefix: (level: BucketLevel) => [P.unclosedByOpenBucket, level],
  unclosedByOpenBucket: (
    level: BucketLevel,
    index: number,
  ) => [P.unclosedByOpenBucket, level, index],
  /** Closed tickets of an opening month per log-scale resolution-time bucket (resolution_histogram.ts). */
  resolutionHistogram: (month: string, bucket: number) => [P.resolutionHistogramByOpenMonth, month, bucket],
  /** The same closed tickets per coarse bucket (eight fine buckets each), read first to find a percentile. */
  resolutionCoarseHistogram: (month: string, coarse: number) => [
    P.resolutionCoarseHistogramByOpenMonth,
    month,
    coarse,
  ],
  resolutionCoarseHistogramPrefix: () => [P.resolutionCoarseHistogramByOpenMonth],
  /** Tickets opened on a campus calendar day ("YYYY-MM-DD"). */
  openedByDay: (date: string) => [P.openedByDay, date],
  openedByDayPrefix: () => [P.openedByDay],
  /** Tickets closed on a campus calendar day ("YYYY-MM-DD"). */
  closedByDay: (date: string) => [P.closedByDay, date],
  closedByDayPrefix: () => [P.closedByDay],
  firstOpenedAt: () => [P.firstOpenedAt],
  /**
   * Grows with every commit that writes a ticket record; list caches compare it to know they are current,
   * and its versionstamp is that of the newest ticket commit, which lets verify date what it reads.
   */
  ticketChanges: () => [P.meta, "ticket_changes"],
  /** A ticket's earlier counted state, kept for a while under the versionstamp it had (see state_log.ts). */
  ticketStatePrefix: (id: string) => [P.ticketStates, id],
  ticketState: (id: string, versionstamp: string) => [P.ticketStates, id, versionstamp],
  historyPrefix: (ticketId: string) => [P.history, ticketId],
  /** One change of a ticket's history, keyed by its position (1, 2, 3…), so a range read is oldest first. */
  historyEntry: (ticketId: string, seq: number) => [P.history, ticketId, seq],
  /** Tells whether a key is an entry of a ticket's history (written with its change, never rebuilt). */
  isHistory: (key: Deno.KvKey): boolean => key[0] === P.history,
  reporterTicketsPrefix: (keyHash: string) => [P.reporterTickets, keyHash],
  /** A ticket in the My tickets of the reporter key with this hash; the value says how it got there. */
  reporterTicket: (keyHash: string, ticketId: string) => [P.reporterTickets, keyHash, ticketId],
  /** How many messages of a ticket the reporter key with this hash has seen (a message seq). */
  reporterSeen: (keyHash: string, ticketId: string) => [P.reporterSeen, keyHash, ticketId],
  /** The ticket a private link's token (by its hash) opens. */
  ticketLink: (tokenHash: string) => [P.ticketLinks, tokenHash],
  /** First parts of every counter kept by `sum` (Deno.KvU64 values), for verify and repair. */
  sumCounterPrefixes: (): Deno.KvKey[] => [
    [P.countByStatusCategory],
    [P.closedByOpenMonth],
    [P.resolutionMsByOpenMonth],
    [P.unclosedByOpenBucket],
    [P.resolutionHistogramByOpenMonth],
    [P.resolutionCoarseHistogramByOpenMonth],
    [P.openedByDay],
    [P.closedByDay],
  ],
  /** Tells whether a key is a counter (a `sum` counter or the `min` of firstOpenedAt), for repair. */
  isCounter: (key: Deno.KvKey): boolean =>
    key[0] === P.firstOpenedAt || keys.sumCounterPrefixes().some(([first]) => key[0] === first),
  /** Tells whether a key is a message of a thread. */
  isMessage: (key: Deno.KvKey): boolean => key[0] === P.messages,
  /** First parts of every pointer index key (values are ticket ids), for verify and repair. */
  indexPrefixes: (): Deno.KvKey[] => [
    [P.byStatus],
    [P.byStatusCategory],
    [P.unclosedByOpenedAt],
    [P.byWaiting],
    [P.byUpdated],
    [P.byWaitingUpdated],
  ],
} as const;
