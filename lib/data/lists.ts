/**
 * Which reads answer a ticket list: the queue's indexes (lib/data/queue.ts) for an order by latest activity or
 * a "waiting on" filter, else the status indexes in opening order (lib/data/tickets.ts).
 */
import type { Db } from "./db.ts";
import { listQueue } from "./queue.ts";
import { type ListQuery, listTicketsByOpening, type TicketPage } from "./tickets.ts";

/** One page of tickets for a query: newest opened first, or by latest activity, optionally filtered. */
export function listTickets(db: Db, query: ListQuery): Promise<TicketPage> {
  return query.waiting || query.sort === "updated" ? listQueue(db, query) : listTicketsByOpening(db, query);
}
