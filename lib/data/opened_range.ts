/**
 * Listing tickets opened in a time range without a scan: ticket ids are ULIDs whose first ten characters
 * encode the opening time, so every index keyed by id (and the records themselves) is already in opening
 * order, and a range of opening times is a range of keys. The app and `deno task seed` make each id from its
 * ticket's openedAt. An imported ticket whose id was made at another time is placed by its id's time; the
 * records read are still checked against openedAt, so a list never shows a ticket outside the range.
 */
import { encodeTime } from "ulid";

/** Opening times in ms: at or after `after`, and before `before`. */
export interface OpenedRange {
  after?: number;
  before?: number;
}

/** The smallest ticket id of any ticket opened at `ms`: every id opened then or later sorts at or after it. */
function firstIdAt(ms: number): string {
  return encodeTime(Math.max(0, Math.min(ms, 2 ** 48 - 1)), 10) + "0".repeat(16);
}

/**
 * The kv.list selector for the ids under `prefix` in `range`, ending before `cursor` (an id) when given.
 */
export function rangeSelector(prefix: Deno.KvKey, range: OpenedRange, cursor?: string): Deno.KvListSelector {
  const ends = [cursor, range.before === undefined ? undefined : firstIdAt(range.before)]
    .filter((id): id is string => id !== undefined).sort();
  const end = ends.length ? [...prefix, ends[0]] : undefined;
  if (range.after === undefined) return end ? { prefix, end } : { prefix };
  const first = firstIdAt(range.after);
  const start = [...prefix, first];
  // Deno KV takes a prefix with one bound, or two bounds: past the prefix's last id is "~" (after all
  // Crockford base-32 digits). An end before the start is an empty range.
  return { start, end: end && ends[0] > first ? end : end ? start : [...prefix, "~"] };
}

/** Tells whether an opening time (ISO 8601) is in `range`. */
export function inRange(openedAt: string, range: OpenedRange): boolean {
  const ms = Date.parse(openedAt);
  return (range.after === undefined || ms >= range.after) &&
    (range.before === undefined || ms < range.before);
}
