/**
 * Keeps every `<time data-relative>` of the page current: its words ("3 hours ago") move on with the
 * clock, and its title becomes the exact time in the reader's own time zone. Renders nothing visible.
 */
import { useEffect } from "preact/hooks";
import { defineIsland } from "../lib/islands/define_island.tsx";
import { localTime, relativeTime } from "../lib/relative_time.ts";

// Often enough that "just now" turns into "1 minute ago" on time.
const REFRESH_MS = 30_000;

function refresh(root: ParentNode): void {
  const now = Date.now();
  for (const element of root.querySelectorAll<HTMLTimeElement>("time[data-relative]")) {
    const iso = element.dateTime;
    if (Number.isNaN(Date.parse(iso))) continue;
    const words = relativeTime(iso, now);
    if (element.textContent !== words) element.textContent = words;
    const title = localTime(iso);
    if (element.title !== title) element.title = title;
  }
}

/** The refresher; `label` only names it for people reading the page source. */
function LocalTimes(_props: { label: string }) {
  useEffect(() => {
    refresh(document);
    const timer = setInterval(() => refresh(document), REFRESH_MS);
    // Times added later (a live message) get the reader's zone at once, not at the next tick.
    const observer = new MutationObserver(() => refresh(document));
    observer.observe(document.body, { childList: true, subtree: true });
    return () => {
      clearInterval(timer);
      observer.disconnect();
    };
  }, []);
  return <span hidden />;
}

/** The LocalTimes island. */
export default defineIsland("LocalTimes", LocalTimes);
