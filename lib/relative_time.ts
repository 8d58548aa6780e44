/**
 * Times as people say them ("3 hours ago", "yesterday", "in 2 minutes"), the same on server and browser;
 * free of imports beyond lib/time.ts so an island can use it.
 */
import { DAY_MS, HOUR_MS, MINUTE_MS } from "./time.ts";

const FORMAT = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

// The largest unit that fits, each up to where the next one reads better.
const STEPS: [Intl.RelativeTimeFormatUnit, number, number][] = [
  ["minute", MINUTE_MS, 60 * MINUTE_MS],
  ["hour", HOUR_MS, DAY_MS],
  ["day", DAY_MS, 30 * DAY_MS],
  ["month", 30.44 * DAY_MS, 365.25 * DAY_MS],
  ["year", 365.25 * DAY_MS, Infinity],
];

/** How long ago (or ahead) `iso` is from `nowMs`, in words: "just now" within a minute. */
export function relativeTime(iso: string, nowMs: number): string {
  const diff = Date.parse(iso) - nowMs;
  const size = Math.abs(diff);
  if (size < MINUTE_MS) return "just now";
  for (const [unit, ms, below] of STEPS) {
    if (size < below) return FORMAT.format(Math.trunc(diff / ms), unit);
  }
  return FORMAT.format(Math.trunc(diff / (365.25 * DAY_MS)), "year");
}

/** The exact time in the reader's own zone (the browser's), e.g. "2 Dec 2026, 09:50 CET". */
export function localTime(iso: string): string {
  return new Date(iso).toLocaleString("en-GB", {
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short",
  });
}
