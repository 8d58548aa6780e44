import { MONTH_ABBREVIATIONS } from "../lib/time.ts";

/** Formats an ISO time for people (UTC, so server and browser agree) in a machine-readable <time>. */
export function Time({ iso }: { iso: string }) {
  return <time dateTime={iso}>{formatTime(iso)}</time>;
}

/** "25 Nov 2026, 14:05 UTC" — short, unambiguous, the same on server and client. */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  const month = MONTH_ABBREVIATIONS[d.getUTCMonth()];
  const hh = String(d.getUTCHours()).padStart(2, "0");
  const mm = String(d.getUTCMinutes()).padStart(2, "0");
  return `${d.getUTCDate()} ${month} ${d.getUTCFullYear()}, ${hh}:${mm} UTC`;
}
