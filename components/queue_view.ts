/**
 * What the staff queue shows, as plain data: the rows of one page, the counts beside the filters and the
 * version (the store's ticket change counter) they were read at. The server renders it, the queue island
 * re-fetches it as JSON when the queue's event stream says something changed.
 */
import type { Category } from "../lib/categories.ts";
import type { Role, Status } from "../lib/data/types.ts";

/** One row of the staff queue. */
export interface QueueRow {
  id: string;
  /** The short ticket number: the last six characters of its id (as in the ticket page's title). */
  number: string;
  summary: string;
  status: Status;
  category: Category;
  openedAt: string;
  updatedAt: string;
  /** Messages in the thread, internal notes included (staff see them all). */
  messages: number;
  notes: number;
  waitingOn: Role | null;
  needsCheck: boolean;
}

/** Ticket counts per status (all categories) and per category (within the status filter, if any). */
interface QueueCounts {
  byStatus: Record<Status, number>;
  byCategory: Record<Category, number>;
}

/** One page of the queue as read at one version of the store. */
export interface QueueView {
  rows: QueueRow[];
  counts: QueueCounts;
  version: string;
  /** The link to the next page, or null on the last. */
  next: string | null;
}

/** The short number of a ticket: the last six characters of its id, stable for its lifetime. */
export function ticketNumber(id: string): string {
  return id.slice(-6);
}

/** The `/tickets` link of a query string with some parameters changed (undefined removes one) and no cursor. */
export function hrefWith(search: string, changes: Record<string, string | undefined>): string {
  const params = new URLSearchParams(search);
  params.delete("cursor");
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined || value === "") params.delete(key);
    else params.set(key, value);
  }
  const query = params.toString();
  return query ? `/tickets?${query}` : "/tickets";
}
