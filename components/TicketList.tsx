import type { Ticket } from "../lib/data/types.ts";
import { CategoryBadge, CheckCategoryBadge, StatusBadge } from "./Badges.tsx";
import { RelativeTime } from "./Time.tsx";
import { summary } from "../lib/summary.ts";

/**
 * A list of tickets as cards with their badges and times; staff also see the "check category" flag, and
 * a reporter's My tickets the staff replies they have not seen.
 */
export function TicketList(
  props: {
    tickets: Ticket[];
    showCheck: boolean;
    isFlagged: (t: Ticket) => boolean;
    unread?: (t: Ticket) => number;
    now?: Date;
  },
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
            {(props.unread?.(t) ?? 0) > 0 && <UnreadBadge count={props.unread!(t)} />}
            <span class="ticket-row__time">
              Opened <RelativeTime iso={t.openedAt} now={props.now} />
            </span>
          </div>
        </li>
      ))}
    </ul>
  );
}

/** "2 new replies": staff replies the reporter has not seen. */
function UnreadBadge({ count }: { count: number }) {
  return <span class="badge badge--unread">{count === 1 ? "1 new reply" : `${count} new replies`}</span>;
}
