/**
 * Reads of the analytics counters. Every function here costs a fixed number of KV reads (or, for the
 * partial 10-minute buckets at a period's edges, reads proportional to the tickets opened in those minutes),
 * never a scan of all tickets.
 */
import { CATEGORIES, type Category } from "../categories.ts";
import { HOUR_MS } from "../time.ts";
import type { Db } from "./db.ts";
import { keys } from "./keys.ts";
import { bucketAtRank, bucketEstimateMs, fineBucketsOf, percentileRank } from "./resolution_histogram.ts";
import { coverSince, monthOf, monthsBetween, type RangeCover } from "./time_buckets.ts";
import { type Status, STATUSES } from "./types.ts";

/** Ticket counts per status and category. */
type StatusCategoryCounts = Record<Status, Record<Category, number>>;

/** How many tickets there are of each status and category (nine counters, one read). */
export async function countByStatusCategory(db: Db): Promise<StatusCategoryCounts> {
  const pairs = STATUSES.flatMap((status) => CATEGORIES.map((category) => ({ status, category })));
  const entries = await db.kv.getMany<Deno.KvU64[]>(
    pairs.map(({ status, category }) => keys.countByStatusCategory(status, category)),
  );
  const counts = Object.fromEntries(
    STATUSES.map((s) => [s, Object.fromEntries(CATEGORIES.map((c) => [c, 0]))]),
  ) as StatusCategoryCounts;
  pairs.forEach(({ status, category }, i) => {
    counts[status][category] = Number(entries[i].value?.value ?? 0n);
  });
  return counts;
}

/**
 * How many tickets opened in [fromMs, nowMs] are not closed, **assuming no ticket was opened after
 * `nowMs`** — true when `nowMs` is the present: the app stamps a new ticket with the current time and
 * import refuses times in the future. A ticket stored with a later opening time (a clock that went back)
 * would be counted when it falls in the bucket that holds `nowMs`.
 *
 * That assumption is what keeps the cost flat: only the start of the period is counted ticket by ticket (at
 * most 10 minutes of tickets); the rest is at most four runs of bucket counters, the last one running
 * through now.
 */
export async function countUnclosedOpenedSince(db: Db, fromMs: number, nowMs: number): Promise<number> {
  return await countCover(db.kv, coverSince(fromMs, nowMs));
}

// Every exact range and every run is one kv.list, all issued at once. A list returns only the bucket
// counters that exist, so a run costs one call plus a few µs per bucket holding unclosed tickets; measured
// flatter and cheaper than getMany, which pays per key asked whether or not it exists.
async function countCover(kv: Deno.Kv, { exact, runs }: RangeCover): Promise<number> {
  const parts = await Promise.all([
    ...exact.map(([from, to]) => countEntries(kv, keys.unclosedByOpenedAtPrefix(), from, to)),
    ...runs.map((run) => sumCounters(kv, keys.unclosedByOpenBucketPrefix(run.level), run.start, run.end)),
  ]);
  return Number(parts.reduce((a, b) => a + b, 0n));
}

async function sumCounters(kv: Deno.Kv, prefix: Deno.KvKey, start: number, end: number): Promise<bigint> {
  let total = 0n;
  const selector = { start: [...prefix, start], end: [...prefix, end] };
  for await (const entry of kv.list<Deno.KvU64>(selector, { batchSize: 500 })) total += entry.value.value;
  return total;
}

async function countEntries(kv: Deno.Kv, prefix: Deno.KvKey, start: number, end: number): Promise<bigint> {
  let count = 0n;
  for await (const _ of kv.list({ start: [...prefix, start], end: [...prefix, end] }, { batchSize: 500 })) {
    count++;
  }
  return count;
}

/** Closed-ticket count, mean, median and 90th percentile resolution time of the tickets opened in one month. */
interface MonthResolution {
  month: string;
  closed: number;
  averageHours: number | null;
  medianHours: number | null;
  p90Hours: number | null;
}

/**
 * Resolution time per opening month (campus time zone), for every month from the first ticket's to the
 * current one, optionally narrowed to [from, to] ("YYYY-MM"). Empty when there are no tickets.
 */
export async function resolutionByOpenMonth(
  db: Db,
  now: Date,
  range: { from?: string; to?: string } = {},
): Promise<MonthResolution[]> {
  const first = await db.kv.get<Deno.KvU64>(keys.firstOpenedAt());
  if (first.value === null) return [];
  const firstMonth = monthOf(Number(first.value.value), db.timeZone);
  const nowMonth = monthOf(now.getTime(), db.timeZone);
  const lastMonth = nowMonth > firstMonth ? nowMonth : firstMonth;
  const months = monthsBetween(firstMonth, lastMonth).filter((m) =>
    (!range.from || m >= range.from) && (!range.to || m <= range.to)
  );
  if (months.length === 0) return [];
  const after = months[months.length - 1] + "\0";
  const [closed, totals, percentiles] = await Promise.all([
    readMonthCounters(db.kv, keys.closedByOpenMonthPrefix(), months[0], after),
    readMonthCounters(db.kv, keys.resolutionMsByOpenMonthPrefix(), months[0], after),
    readPercentiles(db.kv, months[0], after),
  ]);
  return months.map((month) => {
    const count = closed.get(month) ?? 0n;
    const totalMs = totals.get(month) ?? 0n;
    const percentile = percentiles.get(month);
    return {
      month,
      closed: Number(count),
      averageHours: count === 0n ? null : Number(totalMs) / Number(count) / HOUR_MS,
      medianHours: percentile ? percentile.medianMs / HOUR_MS : null,
      p90Hours: percentile ? percentile.p90Ms / HOUR_MS : null,
    };
  });
}

/**
 * Median and p90 (in ms) of each month's resolution times: one list of the months' coarse counters, then per
 * month one list of the fine counters from the coarse bucket holding the median's rank through the one
 * holding p90's (see resolution_histogram.ts) — a few dozen counters at most, however many tickets. A ticket
 * closed between the two reads can leave the fine counts short of a rank; the estimate then falls back to
 * the last fine bucket read that holds tickets.
 */
async function readPercentiles(kv: Deno.Kv, from: string, end: string) {
  const prefix = keys.resolutionCoarseHistogramPrefix();
  const coarseByMonth = new Map<string, [number, bigint][]>();
  for await (const entry of kv.list<Deno.KvU64>({ start: [...prefix, from], end: [...prefix, end] })) {
    const [, month, coarse] = entry.key as [string, string, number];
    if (entry.value.value === 0n) continue;
    let list = coarseByMonth.get(month);
    if (!list) coarseByMonth.set(month, list = []);
    list.push([coarse, entry.value.value]);
  }
  const result = new Map<string, { medianMs: number; p90Ms: number }>();
  await Promise.all([...coarseByMonth].map(async ([month, coarse]) => {
    const total = coarse.reduce((sum, [, count]) => sum + count, 0n);
    const median = bucketAtRank(coarse, percentileRank(total, 50))!;
    const p90 = bucketAtRank(coarse, percentileRank(total, 90))!;
    // Ranks within the fine buckets read: minus the tickets in coarse buckets before the median's.
    const before = percentileRank(total, 50) - median.rank;
    const selector = {
      start: keys.resolutionHistogram(month, fineBucketsOf(median.bucket)[0]),
      end: keys.resolutionHistogram(month, fineBucketsOf(p90.bucket).at(-1)! + 1),
    };
    const fine: [number, bigint][] = [];
    for await (const entry of kv.list<Deno.KvU64>(selector)) {
      if (entry.value.value > 0n) fine.push([entry.key[entry.key.length - 1] as number, entry.value.value]);
    }
    const estimate = (rank: bigint) =>
      bucketEstimateMs(bucketAtRank(fine, rank - before)?.bucket ?? fine.at(-1)?.[0] ?? median.bucket);
    result.set(month, {
      medianMs: estimate(percentileRank(total, 50)),
      p90Ms: estimate(percentileRank(total, 90)),
    });
  }));
  return result;
}

async function readMonthCounters(kv: Deno.Kv, prefix: Deno.KvKey, from: string, end: string) {
  const values = new Map<string, bigint>();
  for await (const entry of kv.list<Deno.KvU64>({ start: [...prefix, from], end: [...prefix, end] })) {
    values.set(entry.key[entry.key.length - 1] as string, entry.value.value);
  }
  return values;
}
