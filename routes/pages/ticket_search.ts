/** The `q` search field of the ticket list page: its validation and its lookup, apart from the other filters. */
import type { Category } from "../../lib/categories.ts";
import type { Ticket } from "../../lib/data/mod.ts";
import { type Helpdesk, searchTickets, type TicketMatch, type Viewer } from "../../lib/helpdesk.ts";
import type { Status } from "../../lib/data/types.ts";
import { firstIssue, searchQuerySchema } from "../../lib/schemas.ts";
import { NOT_UTF8 } from "../query_encoding.ts";

/** The page's search: what to show in the field, a refusal to show beside it, or the tickets found. */
interface PageSearch {
  q: string;
  error: string | null;
  found: { matches: TicketMatch[]; tickets: Ticket[]; cursor: string | null } | null;
}

/**
 * Runs the page's search when `q` holds words. The filter form always sends `q`, so an empty or blank one
 * simply means "no search"; a query the API would refuse (too long, no letters, control characters) is
 * refused with its message, and the list shows as if unsearched.
 */
export async function searchOnPage(
  h: Helpdesk,
  viewer: Viewer,
  raw: string | undefined,
  utf8: boolean,
  filters: { status?: Status | "unclosed"; category?: Category; cursor?: string; limit: number },
): Promise<PageSearch> {
  if (raw === undefined || raw.trim() === "") return { q: "", error: null, found: null };
  if (!utf8) return { q: "", error: NOT_UTF8, found: null };
  const parsed = searchQuerySchema.safeParse(raw);
  if (!parsed.success) return { q: raw, error: firstIssue(parsed.error).message, found: null };
  const { matches, cursor } = await searchTickets(h, viewer, { ...filters, q: parsed.data });
  return { q: parsed.data, error: null, found: { matches, tickets: matches.map((m) => m.ticket), cursor } };
}
