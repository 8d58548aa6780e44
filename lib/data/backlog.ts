/**
 * The backlog trend: per campus calendar day, how many tickets were opened, how many closed, and how many
 * were still unclosed at the end of the day — from the per-day counters kept in the ticket commits
 * (`stats_opened_by_day`, `stats_closed_by_day`) and the status counters, never from the tickets.
 *
 * Unclosed at the end of day d = unclosed now − opened after d + closed after d: a ticket opened after d was
 * not there yet, and one closed after d was still unclosed then. "After d" runs to today, which holds only
 * **if nothing is stored with a time after now** — the same assumption as the unclosed count (the app stamps
 * the current time; import refuses times in the future).
 */
import type { Db } from "./db.ts";
import { keys } from "./keys.ts";
import { countByStatusCategory } from "./stats.ts";
import { dateOf, daysEndingWith } from "./time_buckets.ts";

/** One day of the backlog trend. */
interface BacklogDay {
  date: string;
  opened: number;
  closed: number;
  unclosedAtEnd: number;
}

/**
 * The last `days` campus calendar days ending today, oldest first. A day is a date on the campus wall clock,
 * so a daylight-saving day of 23 or 25 hours is one day like any other. Three reads: two lists of at most
 * `days` counters and the nine status counters.
 */
export async function backlogByDay(db: Db, now: Date, days: number): Promise<BacklogDay[]> {
  const dates = daysEndingWith(dateOf(now.getTime(), db.timeZone), days);
  const end = dates[dates.length - 1] + "\0";
  const [opened, closed, counts] = await Promise.all([
    readDayCounters(db.kv, keys.openedByDayPrefix(), dates[0], end),
    readDayCounters(db.kv, keys.closedByDayPrefix(), dates[0], end),
    countByStatusCategory(db),
  ]);
  let unclosed = [...Object.values(counts.open), ...Object.values(counts.active)].reduce((a, b) => a + b, 0);
  const answer: BacklogDay[] = [];
  // Walk back from today: the end of today is now; each earlier day's end undoes the day after it.
  for (let i = dates.length - 1; i >= 0; i--) {
    const date = dates[i];
    const day = {
      date,
      opened: opened.get(date) ?? 0,
      closed: closed.get(date) ?? 0,
      unclosedAtEnd: unclosed,
    };
    answer.push(day);
    unclosed += day.closed - day.opened;
  }
  return answer.reverse();
}

async function readDayCounters(kv: Deno.Kv, prefix: Deno.KvKey, from: string, end: string) {
  const values = new Map<string, number>();
  const selector = { start: [...prefix, from], end: [...prefix, end] };
  for await (const entry of kv.list<Deno.KvU64>(selector, { batchSize: 500 })) {
    values.set(entry.key[entry.key.length - 1] as string, Number(entry.value.value));
  }
  return values;
}
