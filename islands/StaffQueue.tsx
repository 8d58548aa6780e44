/**
 * The staff queue: counts per status and category, and a dense table of one page of tickets. Without
 * JavaScript it is a plain page of links (the sortable headers and the counts are links to filtered lists).
 * Hydrated, it follows the queue's event stream (`/tickets/events`): when the store's ticket change counter
 * moves past the version the page shows, it re-fetches the same page for the same filters and sort
 * (`/tickets/queue.json` + the page's query) and patches the rows in place, so filters, sort and scroll stay
 * where the person left them; a polite live region says what changed.
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { CATEGORIES, CATEGORY_LABELS } from "../lib/categories.ts";
import { STATUSES } from "../lib/data/types.ts";
import { CategoryBadge, CheckCategoryBadge, STATUS_LABELS, StatusBadge } from "../components/Badges.tsx";
import { formatTime } from "../components/Time.tsx";
import { hrefWith, type QueueRow, type QueueView } from "../components/queue_view.ts";
import { defineIsland } from "../lib/islands/define_island.tsx";

/** Props of the queue: the page as the server read it and the page's query string (without `?`). */
interface StaffQueueProps {
  view: QueueView;
  search: string;
}

const WAITING_LABELS = { helpdesk: "Helpdesk", reporter: "Reporter" } as const;

/** What changed between two readings of the same page, in words, or null when nothing visible did. */
function describeChange(before: QueueRow[], after: QueueRow[]): string | null {
  const old = new Map(before.map((r) => [r.id, JSON.stringify(r)]));
  const added = after.filter((r) => !old.has(r.id)).length;
  const changed = after.filter((r) => old.has(r.id) && old.get(r.id) !== JSON.stringify(r)).length;
  const parts = [
    added ? `${added} new ${added === 1 ? "ticket" : "tickets"}` : "",
    changed ? `${changed} ${changed === 1 ? "ticket" : "tickets"} changed` : "",
  ].filter(Boolean);
  return parts.length ? `Queue updated: ${parts.join(", ")}.` : null;
}

/** A time in two short lines (date, then clock), so the table's two time columns stay narrow. */
function When({ iso }: { iso: string }) {
  const [date, clock] = formatTime(iso).split(", ");
  return (
    <time class="queue__time" dateTime={iso}>
      {date}
      <span class="queue__clock">{clock}</span>
    </time>
  );
}

function StaffQueue(props: StaffQueueProps) {
  const view = useSignal(props.view);
  const announcement = useSignal("");
  const fresh = useSignal<Set<string>>(new Set());
  const live = useSignal(false);
  const params = new URLSearchParams(props.search);
  const sort = params.get("sort") === "updated" ? "updated" : "opened";
  const status = params.get("status");
  const category = params.get("category");

  useEffect(() => {
    let fetching = false;
    let again = false;
    let wanted = view.peek().version;
    const refresh = async () => {
      if (fetching) {
        again = true;
        return;
      }
      fetching = true;
      try {
        // At most a few reads per burst of events: each read is of the newest state anyway.
        for (let reads = 0; reads < 3; reads++) {
          again = false;
          const res = await fetch(`/tickets/queue.json${location.search}`, {
            headers: { accept: "application/json" },
          });
          if (!res.ok) return;
          const next = await res.json() as QueueView;
          const before = view.peek();
          if (BigInt(next.version) > BigInt(before.version)) {
            const known = new Set(before.rows.map((r) => r.id));
            fresh.value = new Set(next.rows.filter((r) => !known.has(r.id)).map((r) => r.id));
            const said = describeChange(before.rows, next.rows);
            if (said) announcement.value = said;
            view.value = next;
          }
          if (!again && BigInt(view.peek().version) >= BigInt(wanted)) break;
        }
      } catch {
        // A failed refresh leaves the rows as they are; the next change tries again.
      } finally {
        fetching = false;
      }
    };
    const source = new EventSource("/tickets/events");
    source.addEventListener("open", () => live.value = true);
    source.addEventListener("error", () => live.value = false);
    source.addEventListener("changed", (event) => {
      const { version } = JSON.parse((event as MessageEvent).data) as { version: string };
      if (BigInt(version) <= BigInt(view.peek().version)) return;
      if (BigInt(version) > BigInt(wanted)) wanted = version;
      refresh();
    });
    return () => source.close();
  }, []);

  const { rows, counts } = view.value;
  const sortHeader = (key: "opened" | "updated", label: string) => (
    <th scope="col" aria-sort={sort === key ? "descending" : undefined}>
      <a class="queue__sort" href={hrefWith(props.search, { sort: key === "opened" ? undefined : key })}>
        {label}
        {sort === key && <span class="queue__arrow" aria-hidden="true">▼</span>}
        {sort !== key && <span class="sr-only">, sort newest first</span>}
      </a>
    </th>
  );
  return (
    <section class="queue" aria-label="Ticket queue">
      <div class="queue__counts">
        <ul class="count-chips" aria-label="Tickets per status">
          {STATUSES.map((s) => (
            <li>
              <a
                class={`count-chip${status === s ? " count-chip--on" : ""}`}
                href={hrefWith(props.search, { status: status === s ? undefined : s })}
                aria-current={status === s ? "true" : undefined}
              >
                {STATUS_LABELS[s]} <strong>{counts.byStatus[s]}</strong>
              </a>
            </li>
          ))}
        </ul>
        <ul
          class="count-chips"
          aria-label={status
            ? `${STATUS_LABELS[status as "open"]} tickets per category`
            : "Tickets per category"}
        >
          {CATEGORIES.map((cat) => (
            <li>
              <a
                class={`count-chip${category === cat ? " count-chip--on" : ""}`}
                href={hrefWith(props.search, { category: category === cat ? undefined : cat })}
                aria-current={category === cat ? "true" : undefined}
              >
                {CATEGORY_LABELS[cat]} <strong>{counts.byCategory[cat]}</strong>
              </a>
            </li>
          ))}
        </ul>
        {live.value && <span class="live-dot">Live</span>}
      </div>
      <p class="sr-only" role="status" aria-live="polite">{announcement.value}</p>
      {rows.length === 0
        ? (
          <div class="empty">
            <h2>No tickets here</h2>
            <p>Nothing matches these filters.</p>
          </div>
        )
        : (
          <table class="queue__table">
            <caption class="sr-only">
              Tickets, {sort === "updated" ? "latest activity first" : "newest first"}
            </caption>
            <thead>
              <tr>
                <th scope="col">No.</th>
                <th scope="col">Summary</th>
                <th scope="col">Status</th>
                <th scope="col">Category</th>
                {sortHeader("opened", "Opened")}
                {sortHeader("updated", "Last activity")}
                <th scope="col" class="queue__num">Messages</th>
                <th scope="col">Waiting on</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} class={fresh.value.has(r.id) ? "queue__row queue__row--new" : "queue__row"}>
                  <td class="queue__number mono" data-label="No.">{r.number}</td>
                  <td class="queue__summary" data-label="Summary">
                    <a href={`/tickets/${r.id}`}>{r.summary}</a>
                    {r.needsCheck && <CheckCategoryBadge />}
                  </td>
                  <td data-label="Status">
                    <StatusBadge status={r.status} />
                  </td>
                  <td data-label="Category">
                    <CategoryBadge category={r.category} />
                  </td>
                  <td data-label="Opened">
                    <When iso={r.openedAt} />
                  </td>
                  <td data-label="Last activity">
                    <When iso={r.updatedAt} />
                  </td>
                  <td class="queue__num" data-label="Messages">
                    {r.messages}
                    {r.notes > 0 && (
                      <span class="muted">{` (${r.notes} ${r.notes === 1 ? "note" : "notes"})`}</span>
                    )}
                  </td>
                  <td data-label="Waiting on">
                    {r.waitingOn
                      ? <span class={`waiting waiting--${r.waitingOn}`}>{WAITING_LABELS[r.waitingOn]}</span>
                      : <span class="muted">—</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      {view.value.next && (
        <nav class="pager" aria-label="Pages">
          <a href={view.value.next}>Older tickets</a>
        </nav>
      )}
    </section>
  );
}

/** The StaffQueue island: rendered on the server with its hydration marker, hydrated in the browser. */
export default defineIsland("StaffQueue", StaffQueue);
