/**
 * Ticket list pages served from memory, never stale: every commit that writes a ticket record also adds one
 * to a store-wide change counter, and a cached page is used only while that counter still has the value it
 * had when the page was read. One counter read (instead of ~50 index and record reads) per repeated list.
 * The counter lives in KV, so this stays exact with several app instances on a hosted KV.
 */
import type { Db } from "./db.ts";
import { keys } from "./keys.ts";
import { listTickets } from "./lists.ts";
import type { ListQuery, TicketPage } from "./tickets.ts";

/** Lists tickets like `listTickets`, answering repeated queries from memory while nothing changed. */
export type TicketLister = (query: ListQuery) => Promise<TicketPage>;

/** Makes a lister that keeps up to `capacity` recent pages (least recently used out first). */
export function createTicketLister(db: Db, capacity = 256): TicketLister {
  const pages = new Map<string, { changes: bigint; page: TicketPage }>();
  return async (query) => {
    // Read the counter before the lists: a page read after a later change is only fresher than its stamp.
    const changes = (await db.kv.get<Deno.KvU64>(keys.ticketChanges())).value?.value ?? 0n;
    const id = JSON.stringify([
      query.statuses,
      query.category ?? null,
      query.waiting ?? null,
      query.sort ?? "opened",
      query.limit,
      query.cursor ?? null,
      query.opened ?? null,
    ]);
    const hit = pages.get(id);
    pages.delete(id);
    if (hit && hit.changes === changes) {
      pages.set(id, hit);
      return hit.page;
    }
    // Shared by every request that hits it, so nobody may change it.
    const page = Object.freeze(await listTickets(db, query));
    page.tickets.forEach(Object.freeze);
    Object.freeze(page.tickets);
    pages.set(id, { changes, page });
    if (pages.size > capacity) pages.delete(pages.keys().next().value!);
    return page;
  };
}
