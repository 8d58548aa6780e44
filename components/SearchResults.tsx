/** Search results on the ticket list: each ticket's summary with the matched words marked, best match first. */
import type { TicketMatch } from "../lib/helpdesk.ts";
import { CategoryBadge, StatusBadge } from "./Badges.tsx";
import { Highlight, mentions } from "./Highlight.tsx";
import { RelativeTime } from "./Time.tsx";
import { summary } from "../lib/summary.ts";
import { wordsOf } from "../lib/search/normalize.ts";

const SNIPPET_RADIUS = 70;

/** The part of a description around its first matched word, when the summary does not show it. */
function snippetOf(description: string, terms: readonly string[]): string | null {
  const wanted = new Set(terms);
  const first = wordsOf(description).find((word) => word.terms.some((term) => wanted.has(term)));
  if (!first) return null;
  const start = Math.max(0, first.start - SNIPPET_RADIUS);
  const end = Math.min(description.length, first.end + SNIPPET_RADIUS);
  return (start > 0 ? "…" : "") + description.slice(start, end).replace(/\s+/g, " ") +
    (end < description.length ? "…" : "");
}

/** The tickets a search found, with what matched marked. */
export function SearchResults(props: { matches: readonly TicketMatch[]; now?: Date }) {
  return (
    <ul class="ticket-list search-results">
      {props.matches.map(({ ticket, terms }) => {
        const line = summary(ticket.description);
        const inSummary = mentions(line, terms);
        const snippet = inSummary ? null : snippetOf(ticket.description, terms);
        return (
          <li key={ticket.id} class="ticket-row">
            <a class="ticket-row__link" href={`/tickets/${ticket.id}`}>
              <Highlight text={line} terms={terms} />
            </a>
            {snippet && (
              <p class="search-results__snippet">
                <Highlight text={snippet} terms={terms} />
              </p>
            )}
            {!inSummary && !snippet && <p class="search-results__snippet">Matched in its conversation.</p>}
            <div class="ticket-row__meta">
              <StatusBadge status={ticket.status} />
              <CategoryBadge category={ticket.category} />
              <span class="ticket-row__time">
                Opened <RelativeTime iso={ticket.openedAt} now={props.now} />
              </span>
            </div>
          </li>
        );
      })}
    </ul>
  );
}
