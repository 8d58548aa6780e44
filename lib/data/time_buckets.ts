/**
 * Opening-time buckets for counting unclosed tickets in any period without scanning tickets.
 *
 * Every unclosed ticket adds 1 to one counter per level: the bucket of its opening time at 10 minutes, one
 * hour, one day and 32 days (a "block"), all aligned to the Unix epoch in UTC. A period that ends now
 * ({@link coverSince}) is read as runs of consecutive whole buckets, each run one `kv.list`, plus the part
 * of the period's first 10-minute bucket that it only partly covers, counted ticket by ticket from the
 * `tickets_unclosed_by_opened_at` index. That exact part is at most 10 minutes of tickets, so it is the only
 * cost that grows with how many tickets are opened per hour.
 *
 * The end needs no exact part: no ticket is opened after now, so buckets may run past it. From the period's
 * start the cover climbs to coarser levels as soon as it reaches their boundaries and stops at the first
 * bucket that holds now: at most 5 ten-minute buckets, 23 hours, 31 days and one block per 32 days, in at
 * most four runs. Ten years take about 115 blocks, one `kv.list` that returns only the blocks holding an
 * unclosed ticket.
 *
 * Why 10 minutes: in `deno task bench:analytics`-shaped stores of 1k and 1M tickets, 5, 10 and 15 minutes
 * cost the same within noise (the number of KV calls is the same; 10 minutes read the fewest entries per
 * request at 1M: exact index entries plus bucket counters), while the exact part grows with the size.
 */
import { DAY_MS, HOUR_MS, MINUTE_MS } from "../time.ts";
import type { BucketLevel } from "./keys.ts";

/**
 * Bucket sizes, finest first; each size is a multiple of the one before.
 * @testHook The bucket tests check every cover against these levels.
 */
export const BUCKET_LEVELS: readonly { level: BucketLevel; size: number }[] = [
  { level: "10min", size: 10 * MINUTE_MS },
  { level: "hour", size: HOUR_MS },
  { level: "day", size: DAY_MS },
  { level: "block", size: 32 * DAY_MS },
];

const FINEST = BUCKET_LEVELS[0].size;

/** The bucket index of a time at every level, for incrementing the counters of one ticket. */
export function bucketsOf(ms: number): { level: BucketLevel; index: number }[] {
  return BUCKET_LEVELS.map(({ level, size }) => ({ level, index: Math.floor(ms / size) }));
}

/** A run of consecutive buckets of one level: indexes in [start, end). */
interface BucketRun {
  level: BucketLevel;
  start: number;
  end: number;
}

/**
 * How to count a half-open time range: exact sub-ranges [from, to) to count record by record, plus bucket
 * runs. The pieces never overlap and leave no gap.
 */
export interface RangeCover {
  exact: [number, number][];
  runs: BucketRun[];
}

/**
 * Splits [fromMs, end) into the partial 10-minute bucket at its start (counted exactly) and runs of whole
 * buckets, finest level first, where `end` is the end of the bucket that holds `nowMs` in the last piece:
 * every time in [fromMs, nowMs] is covered once, and so are some times after `nowMs` (up to one block).
 * It therefore counts [fromMs, nowMs] exactly only if nothing is stored with a time after `nowMs`.
 * Empty when `fromMs > nowMs`.
 */
export function coverSince(fromMs: number, nowMs: number): RangeCover {
  if (fromMs > nowMs) return { exact: [], runs: [] };
  let at = Math.ceil(fromMs / FINEST) * FINEST;
  const exact: [number, number][] = at > fromMs ? [[fromMs, at]] : [];
  const runs: BucketRun[] = [];
  for (let i = 0; at <= nowMs; i++) {
    const { level, size } = BUCKET_LEVELS[i];
    const coarser = BUCKET_LEVELS[i + 1];
    // Whole buckets up to the next boundary of the coarser level, or through the bucket that holds now when
    // now comes first; the last level always runs through now.
    const nowBucketEnd = (Math.floor(nowMs / size) + 1) * size;
    const end = coarser ? Math.min(Math.ceil(at / coarser.size) * coarser.size, nowBucketEnd) : nowBucketEnd;
    if (at < end) runs.push({ level, start: at / size, end: end / size });
    at = end;
  }
  return { exact, runs };
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar day ("YYYY-MM-DD") of a time in the given IANA time zone. */
export function dateOf(ms: number, timeZone: string): string {
  let format = dateFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    });
    dateFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(ms);
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${part("year")}-${part("month")}-${part("day")}`;
}

/** The calendar month ("YYYY-MM") of a calendar day ("YYYY-MM-DD"). */
export function monthOfDate(date: string): string {
  return date.slice(0, 7);
}

/** The calendar month ("YYYY-MM") of a time in the given IANA time zone: the month of its calendar day. */
export function monthOf(ms: number, timeZone: string): string {
  return monthOfDate(dateOf(ms, timeZone));
}

/** The `count` calendar days ending with `last` ("YYYY-MM-DD"), oldest first; calendar arithmetic, no zone. */
export function daysEndingWith(last: string, count: number): string[] {
  const [y, m, d] = last.split("-").map(Number);
  const days: string[] = [];
  for (let back = count - 1; back >= 0; back--) {
    days.push(new Date(Date.UTC(y, m - 1, d - back)).toISOString().slice(0, 10));
  }
  return days;
}

/** Every month from `first` to `last` inclusive ("YYYY-MM" strings). */
export function monthsBetween(first: string, last: string): string[] {
  const months: string[] = [];
  let [year, month] = first.split("-").map(Number);
  const [lastYear, lastMonth] = last.split("-").map(Number);
  while (year < lastYear || (year === lastYear && month <= lastMonth)) {
    months.push(`${year}-${String(month).padStart(2, "0")}`);
    month++;
    if (month > 12) [year, month] = [year + 1, 1];
  }
  return months;
}

/** Tells whether a string names an IANA time zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone });
    return true;
  } catch {
    return false;
  }
}
