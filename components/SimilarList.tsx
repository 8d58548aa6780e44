/** The staff ticket page's list of other open tickets most like this one (possibly the same problem). */
import type { Ticket } from "../lib/data/types.ts";
import { StatusBadge } from "./Badges.tsx";
import { summary } from "../lib/summary.ts";

// Similar tickets are a short list beside other content: their summaries are cut shorter.
const SIMILAR_SUMMARY_MAX = 120;

/** Links to similar open tickets, or a quiet note that there are none. */
export function SimilarList(props: { tickets: readonly Ticket[] }) {
  return (
    <section
      class={props.tickets.length > 0 ? "similar" : "similar similar--quiet"}
      aria-labelledby="similar"
    >
      <h2 id="similar">Similar open tickets</h2>
      {props.tickets.length === 0
        ? <p class="muted">None: no other open ticket reads like this one.</p>
        : (
          <ul>
            {props.tickets.map((t) => (
              <li key={t.id}>
                <a href={`/tickets/${t.id}`}>{summary(t.description, SIMILAR_SUMMARY_MAX)}</a>{" "}
                <StatusBadge status={t.status} />
              </li>
            ))}
          </ul>
        )}
    </section>
  );
}
