import type { Ticket } from "../lib/data/types.ts";
import { CategoryBadge, CheckCategoryBadge, StatusBadge } from "./Badges.tsx";
import { Time } from "./Time.tsx";

// The same cut for every list card, so it is a constant, not a parameter no caller set.
const SUMMARY_MAX = 140;

/** The first line of a description, cut to at most 140 characters, for lists. */
export function summary(description: string): string {
  const line = description.split("\n")[0].trim();
  return line.length > SUMMARY_MAX ? line.slice(0, SUMMARY_MAX - 1).trimEnd() + "…" : line;
}

/** A list of tickets as cards with their badges and times; staff also see the "check category" flag. */
export function TicketList(
  props: { tickets: Ticket[]; showCheck: boolean; isFlagged: (t: Ticket) => boolean },
) {
  return (
    <ul class="ticket-list">
      {props.tickets.map((t) => (
        <li key={t.id} class="ticket-row">
          <a class="ticket-row__link" href={`/tickets/${t.id}`}>{summary(t.description)}</a>
          <div class="ticket-row__meta">
            <StatusBadge status={t.status} />
            <CategoryBadge category={t.category} />
            {props.showCheck && props.isFlagged(t) && <CheckCategoryBadge />}
            <span class="ticket-row__time">
              Opened <Time iso={t.openedAt} />
            </span>
          </div>
        </li>
      ))}
    </ul>
  );
}
