import { MONTH_ABBREVIATIONS } from "../lib/time.ts";
import { relativeTime } from "../lib/relative_time.ts";

/** Formats an ISO time for people (UTC, so server and browser agree) in a machine-readable <time>. */
export function Time({ iso }: { iso: string }) {
  return <time dateTime={iso}>{formatTime(iso)}</time>;
}

/**
 * A time as people say it ("3 hours ago", from `now`: the server's clock when rendered there) with the
 * exact time on hover; `data-relative` lets the LocalTimes island keep the words current and put the
 * reader's own time zone in the title.
 */
export function RelativeTime({ iso, now }: { iso: string; now?: Date }) {
  return (
    <time dateTime={iso} title={formatTime(iso)} data-relative="">
      {relativeTime(iso, (now ?? new Date()).getTime())}
    </time>
  );
}

/** "25 Nov 2026, 14:05 UTC" — short, unambiguous, the same on server and client. */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  const month = MONTH_ABBREVIATIONS[d.getUTCMonth()];
  const hh = String(d.getUTCHours()).padStart(2, "0");
  const mm = String(d.getUTCMinutes()).padStart(2, "0");
  return `${d.getUTCDate()} ${month} ${d.getUTCFullYear()}, ${hh}:${mm} UTC`;
}
