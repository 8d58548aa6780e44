/**
 * Opening-time buckets for counting unclosed tickets in any period without scanning tickets.
 *
 * Buckets are aligned to the Unix epoch in UTC at three sizes (hour, day, 32 days), so any whole-hour
 * range splits into at most two partial runs per finer level plus one run of the coarsest level.
 */
import type { BucketLevel } from "./keys.ts";

/** One hour in milliseconds. */
export const HOUR_MS = 3_600_000;

/** Bucket sizes, finest first; each size is a multiple of the one before. */
export const BUCKET_LEVELS: readonly { level: BucketLevel; size: number }[] = [
  { level: "hour", size: HOUR_MS },
  { level: "day", size: 24 * HOUR_MS },
  { level: "block", size: 32 * 24 * HOUR_MS },
];

/** The bucket index of a time at every level, for incrementing the counters of one ticket. */
export function bucketsOf(ms: number): { level: BucketLevel; index: number }[] {
  return BUCKET_LEVELS.map(({ level, size }) => ({ level, index: Math.floor(ms / size) }));
}

/** A run of consecutive buckets of one level: indexes in [start, end). */
export interface BucketRun {
  level: BucketLevel;
  start: number;
  end: number;
}

/** How to count a half-open time range [from, to): exact sub-ranges to count record by record, plus bucket runs. */
export interface RangeCover {
  exact: [number, number][];
  runs: BucketRun[];
}

/** Splits [fromMs, toMs) into partial hours at the edges (counted exactly) and runs of whole buckets. */
export function coverRange(fromMs: number, toMs: number): RangeCover {
  if (toMs <= fromMs) return { exact: [], runs: [] };
  const alignedFrom = Math.ceil(fromMs / HOUR_MS) * HOUR_MS;
  const alignedTo = Math.floor(toMs / HOUR_MS) * HOUR_MS;
  if (alignedFrom >= alignedTo) return { exact: [[fromMs, toMs]], runs: [] };
  const exact: [number, number][] = [];
  if (fromMs < alignedFrom) exact.push([fromMs, alignedFrom]);
  if (alignedTo < toMs) exact.push([alignedTo, toMs]);
  return { exact, runs: coverAligned(alignedFrom, alignedTo, 0) };
}

function coverAligned(from: number, to: number, levelIndex: number): BucketRun[] {
  const { level, size } = BUCKET_LEVELS[levelIndex];
  const run = (a: number, b: number): BucketRun[] => a < b ? [{ level, start: a / size, end: b / size }] : [];
  const coarser = BUCKET_LEVELS[levelIndex + 1];
  if (!coarser) return run(from, to);
  const innerFrom = Math.ceil(from / coarser.size) * coarser.size;
  const innerTo = Math.floor(to / coarser.size) * coarser.size;
  if (innerFrom >= innerTo) return run(from, to);
  return [...run(from, innerFrom), ...coverAligned(innerFrom, innerTo, levelIndex + 1), ...run(innerTo, to)];
}

const monthFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar month ("YYYY-MM") of a time in the given IANA time zone. */
export function monthOf(ms: number, timeZone: string): string {
  let format = monthFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit" });
    monthFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(ms);
  const year = parts.find((p) => p.type === "year")!.value;
  const month = parts.find((p) => p.type === "month")!.value;
  return `${year}-${month}`;
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
