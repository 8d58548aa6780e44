/**
 * The reporter's rules without a login: My tickets (by the hash of the browser's key), the private link of a
 * filed ticket, and staff replies not seen yet. Used by pages and API alike, like lib/helpdesk.ts.
 */
import {
  addLinkEntry,
  addToMine,
  listMessages,
  listMine,
  markSeen,
  type MineVia,
  mineVia,
  seenCount,
  type Ticket,
  ticketOfLink,
} from "./data/mod.ts";
import { type Helpdesk, storeOf, type Viewer, viewTicket } from "./helpdesk.ts";
import { NotFoundError, ValidationError } from "./errors.ts";
import { isStaffReply } from "./staff_reply.ts";
import { hashSecret, isSecretShape, linkTokenFor } from "./secrets.ts";

/** The hash of a reporter key, refusing anything that is not one (`field` names where it came from). */
export async function reporterKeyHash(key: string, field: string): Promise<string> {
  if (!isSecretShape(key)) {
    throw new ValidationError(
      `${field} is not a reporter key (43 letters, digits, - or _); enter as a reporter again to get a new one`,
      field,
    );
  }
  return await hashSecret(key);
}

/** One page of My tickets, each with how many staff replies the key has not seen. */
interface MyTicketsPage {
  tickets: (Ticket & { unreadReplies: number })[];
  cursor: string | null;
}

function keyHashOf(viewer: Viewer): string {
  if (viewer.role !== "reporter") {
    throw new ValidationError("My tickets is for reporters; helpdesk staff see every ticket", "mine");
  }
  if (viewer.reporterKeyHash === null) {
    throw new ValidationError(
      "My tickets needs your reporter key: the helpdesk_reporter cookie or the X-Helpdesk-Reporter-Key header",
      "X-Helpdesk-Reporter-Key",
    );
  }
  return viewer.reporterKeyHash;
}

/** The viewer's My tickets, closed ones included, newest first: a range read of their key's index. */
export async function myTickets(
  h: Helpdesk,
  viewer: Viewer,
  query: { limit: number; cursor?: string },
): Promise<MyTicketsPage> {
  const keyHash = keyHashOf(viewer);
  const page = await listMine(storeOf(h), keyHash, query);
  const tickets = await Promise.all(page.tickets.map(async (ticket) => ({
    ...ticket,
    unreadReplies: await unreadAfter(h, ticket, page.seen.get(ticket.id) ?? 0),
  })));
  return { tickets, cursor: page.cursor };
}

/** Staff replies after message `seenSeq`: only the messages not seen yet are read. */
async function unreadAfter(h: Helpdesk, ticket: Ticket, seenSeq: number): Promise<number> {
  if (seenSeq >= ticket.messageCount) return 0;
  const unseen = await listMessages(storeOf(h), ticket.id, {
    afterSeq: seenSeq,
    throughSeq: ticket.messageCount,
  });
  return unseen.filter(isStaffReply).length;
}

/** What a reporter's look at their ticket page shows: replies new to them, and how the ticket is theirs. */
interface ReporterView {
  unreadReplies: number;
  via: MineVia | null;
}

/**
 * Notes that the viewer looked at the ticket: returns the staff replies they had not seen, then marks the
 * whole thread as seen. A ticket outside their My tickets keeps nothing.
 */
export async function lookAtTicket(h: Helpdesk, viewer: Viewer, ticket: Ticket): Promise<ReporterView> {
  if (viewer.role !== "reporter" || viewer.reporterKeyHash === null) return { unreadReplies: 0, via: null };
  const db = storeOf(h);
  const via = await mineVia(db, viewer.reporterKeyHash, ticket.id);
  if (via === null) return { unreadReplies: 0, via };
  const unreadReplies = await unreadAfter(h, ticket, await seenCount(db, viewer.reporterKeyHash, ticket.id));
  await markSeen(db, viewer.reporterKeyHash, ticket.id, ticket.messageCount);
  return { unreadReplies, via };
}

/** Marks the thread up to message `seq` as seen by the viewer (a page that showed replies live). */
export async function markRepliesSeen(h: Helpdesk, viewer: Viewer, id: string, seq: number): Promise<void> {
  const ticket = await viewTicket(h, viewer, id);
  const keyHash = keyHashOf(viewer);
  if (await mineVia(storeOf(h), keyHash, id) === null) return;
  await markSeen(storeOf(h), keyHash, id, Math.min(seq, ticket.messageCount));
}

/**
 * The private link token of a ticket for the reporter who filed it with `reporterKey` (null for anyone
 * else), its hash stored so the link opens it; the same token every time, so the filer can find it again.
 */
export async function privateLinkToken(
  h: Helpdesk,
  viewer: Viewer,
  reporterKey: string | null,
  ticketId: string,
): Promise<string | null> {
  if (viewer.role !== "reporter" || viewer.reporterKeyHash === null || reporterKey === null) return null;
  const db = storeOf(h);
  if (await mineVia(db, viewer.reporterKeyHash, ticketId) !== "filed") return null;
  const token = await linkTokenFor(reporterKey, ticketId);
  const tokenHash = await hashSecret(token);
  if (await ticketOfLink(db, tokenHash) !== ticketId) {
    const op = db.kv.atomic();
    addLinkEntry(op, tokenHash, ticketId);
    await op.commit();
  }
  return token;
}

/**
 * Opens a private link: the ticket its token names (NotFound for a malformed or unknown token, which
 * stores nothing), added to the viewer's My tickets when they are a reporter with a key.
 */
export async function openPrivateLink(h: Helpdesk, viewer: Viewer, token: string): Promise<string> {
  if (!isSecretShape(token)) throw new NotFoundError();
  const db = storeOf(h);
  const ticketId = await ticketOfLink(db, await hashSecret(token));
  if (ticketId === null) throw new NotFoundError();
  if (viewer.role === "reporter" && viewer.reporterKeyHash !== null) {
    await addToMine(db, viewer.reporterKeyHash, ticketId, "link");
  }
  return ticketId;
}

/** Tells whether a private link token names a ticket (without adding it anywhere). */
export async function privateLinkExists(h: Helpdesk, token: string): Promise<boolean> {
  return isSecretShape(token) && await ticketOfLink(storeOf(h), await hashSecret(token)) !== null;
}
