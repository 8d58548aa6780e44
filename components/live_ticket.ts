/**
 * The ticket as the ticket page's islands share it: the API ticket plus the staff "check category" flag,
 * exactly what the live event stream sends as its `ticket` event. One signal of it is shared by the
 * summary, the editor and the thread (the islands layer serialises a signal once per page).
 */
import type { Signal } from "@preact/signals";
import type { Ticket } from "../lib/data/types.ts";

/** The ticket as the page's islands see it (the API's ticket JSON and `needsCategoryCheck`). */
export type LiveTicket =
  & Pick<
    Ticket,
    | "id"
    | "description"
    | "category"
    | "categorySource"
    | "status"
    | "openedAt"
    | "activatedAt"
    | "closedAt"
    | "updatedAt"
    | "version"
  >
  & { needsCategoryCheck: boolean };

/** The shared signal the ticket page's islands receive. */
export type LiveTicketSignal = Signal<LiveTicket>;

/** A ticket record as the islands see it; `needsCheck` is the staff flag computed by the server. */
export function liveTicketOf(ticket: Ticket, needsCheck: boolean): LiveTicket {
  return {
    id: ticket.id,
    description: ticket.description,
    category: ticket.category,
    categorySource: ticket.categorySource,
    status: ticket.status,
    openedAt: ticket.openedAt,
    activatedAt: ticket.activatedAt,
    closedAt: ticket.closedAt,
    updatedAt: ticket.updatedAt,
    version: ticket.version,
    needsCategoryCheck: needsCheck,
  };
}

const DECIMAL = /^\d{1,30}$/;
const HEX = /^[0-9a-f]+$/;

/**
 * Tells whether `next` is at least as recent as `current`, so answers arriving out of order (a save's
 * response after a later stream event) never move the page back. Every change and every message moves
 * `updatedAt`; within one millisecond the versions decide when they are ordered (a revision number, or
 * same-length hex versionstamps), and anything else is taken as news.
 */
function isNotOlder(current: LiveTicket, next: Pick<LiveTicket, "version" | "updatedAt">): boolean {
  if (next.updatedAt !== current.updatedAt) return next.updatedAt > current.updatedAt;
  const [a, b] = [current.version, next.version];
  if (a === b) return true;
  if (DECIMAL.test(a) && DECIMAL.test(b)) return BigInt(b) > BigInt(a);
  if (HEX.test(a) && HEX.test(b) && a.length === b.length) return b > a;
  return true;
}

/**
 * Puts a ticket from the stream or from an API answer into the shared signal unless it is older than what
 * the page shows. API answers carry no `needsCategoryCheck`: a staff category needs no check, otherwise the
 * flag is kept until the stream says otherwise.
 */
export function updateLiveTicket(
  shared: LiveTicketSignal,
  next: Omit<LiveTicket, "needsCategoryCheck"> & { needsCategoryCheck?: boolean },
): void {
  const current = shared.peek();
  if (next.id !== current.id || !isNotOlder(current, next)) return;
  const needsCategoryCheck = typeof next.needsCategoryCheck === "boolean"
    ? next.needsCategoryCheck
    : next.categorySource === "staff"
    ? false
    : current.needsCategoryCheck;
  const merged: LiveTicket = {
    id: next.id,
    description: next.description,
    category: next.category,
    categorySource: next.categorySource,
    status: next.status,
    openedAt: next.openedAt,
    activatedAt: next.activatedAt,
    closedAt: next.closedAt,
    updatedAt: next.updatedAt,
    version: next.version,
    needsCategoryCheck,
  };
  const same = (Object.keys(merged) as (keyof LiveTicket)[]).every((key) => merged[key] === current[key]);
  if (!same) shared.value = merged;
}

/** The latest state of a ticket from the JSON API, or null when it cannot be read (e.g. closed, for a reporter). */
export async function fetchTicket(id: string): Promise<Omit<LiveTicket, "needsCategoryCheck"> | null> {
  const res = await fetch(`/api/v1/tickets/${id}`, { headers: { accept: "application/json" } });
  if (!res.ok) return null;
  return await res.json();
}
