/**
 * What one ticket record contributes to the indexes and counters. Writes apply the difference between
 * the record before and after a change; `deno task verify` sums the same contributions over all records,
 * so the two can never disagree about what should be stored.
 */
import { keys } from "./keys.ts";
import { coarseBucketOf, histogramBucketOf } from "./resolution_histogram.ts";
import { bucketsOf, dateOf, monthOfDate } from "./time_buckets.ts";
import { waitingOn } from "./thread_state.ts";
import type { Role, TicketRecord } from "./types.ts";

/** Index keys (each storing the ticket id) and counter increments one ticket record accounts for. */
interface Contributions {
  indexes: Deno.KvKey[];
  counters: Map<string, { key: Deno.KvKey; delta: bigint }>;
}

const U64_MODULUS = 1n << 64n;

/** The index entries and counter increments of one ticket record. */
export function contributionsOf(
  ticket: TicketRecord & { lastVisibleRole?: Role | null },
  timeZone: string,
): Contributions {
  const openedMs = Date.parse(ticket.openedAt);
  const updatedMs = Date.parse(ticket.updatedAt);
  const { id, status, category } = ticket;
  const indexes: Deno.KvKey[] = [
    keys.byStatus(status, id),
    keys.byStatusCategory(status, category, id),
    keys.byUpdated(status, category, updatedMs, id),
  ];
  const waiting = waitingOn(ticket);
  if (waiting) {
    indexes.push(
      keys.byWaiting(waiting, status, category, id),
      keys.byWaitingUpdated(waiting, status, category, updatedMs, id),
    );
  }
  const counters = new Map<string, { key: Deno.KvKey; delta: bigint }>();
  const add = (key: Deno.KvKey, delta: bigint) => {
    const id = JSON.stringify(key);
    counters.set(id, { key, delta: (counters.get(id)?.delta ?? 0n) + delta });
  };
  add(keys.countByStatusCategory(ticket.status, ticket.category), 1n);
  const openedDate = dateOf(openedMs, timeZone);
  add(keys.openedByDay(openedDate), 1n);
  if (ticket.status === "closed") {
    // The opening month is that of the opening day, so the opening time is formatted once.
    const month = monthOfDate(openedDate);
    const closedMs = Date.parse(ticket.closedAt!);
    add(keys.closedByOpenMonth(month), 1n);
    add(keys.resolutionMsByOpenMonth(month), BigInt(closedMs - openedMs));
    const bucket = histogramBucketOf(closedMs - openedMs);
    add(keys.resolutionHistogram(month, bucket), 1n);
    add(keys.resolutionCoarseHistogram(month, coarseBucketOf(bucket)), 1n);
    add(keys.closedByDay(dateOf(closedMs, timeZone)), 1n);
  } else {
    indexes.push(keys.unclosedByOpenedAt(openedMs, ticket.id));
    for (const { level, index } of bucketsOf(openedMs)) add(keys.unclosedByOpenBucket(level, index), 1n);
  }
  return { indexes, counters };
}

/**
 * Adds to `op` the index and counter mutations that turn the state of `before` (null for a new ticket)
 * into that of `after`. Counters are Deno.KvU64, which only add; a decrement adds its two's complement.
 */
export function applyTicketEffects(
  op: Deno.AtomicOperation,
  before: TicketRecord | null,
  after: TicketRecord,
  timeZone: string,
): void {
  const old = before ? contributionsOf(before, timeZone) : { indexes: [], counters: new Map() };
  const next = contributionsOf(after, timeZone);
  const nextIndexIds = new Set(next.indexes.map((key) => JSON.stringify(key)));
  for (const key of old.indexes) if (!nextIndexIds.has(JSON.stringify(key))) op.delete(key);
  for (const key of next.indexes) op.set(key, after.id);

  const deltas = new Map(next.counters);
  for (const [id, { key, delta }] of old.counters) {
    deltas.set(id, { key, delta: (deltas.get(id)?.delta ?? 0n) - delta });
  }
  for (const { key, delta } of deltas.values()) {
    if (delta !== 0n) op.sum(key, ((delta % U64_MODULUS) + U64_MODULUS) % U64_MODULUS);
  }
  op.min(keys.firstOpenedAt(), BigInt(Date.parse(after.openedAt)));
  countTicketChange(op);
}

/** Adds the bump of the store-wide change counter (read by list caches) to an atomic that writes tickets. */
export function countTicketChange(op: Deno.AtomicOperation): void {
  op.sum(keys.ticketChanges(), 1n);
}
