/**
 * The one wire shape of a ticket and of a message: what the JSON API answers, what the live event stream
 * sends and what an export line holds. Field lists live here once, in the order the store keeps them.
 */
import type { HistoryEntry, Message, Ticket, TicketRecord, WaitingOn } from "./data/types.ts";
import { waitingOn } from "./data/thread_state.ts";

/** The fields of a ticket record, in the order the store, the API and export lines keep them. */
const RECORD_FIELDS = [
  "id",
  "description",
  "category",
  "categorySource",
  "categoryConfidence",
  "status",
  "openedAt",
  "activatedAt",
  "closedAt",
  "updatedAt",
] as const satisfies readonly (keyof TicketRecord)[];

/**
 * A ticket as the API and the live stream show it: its record without the classifier's confidence, its
 * version, and who it waits for.
 */
type TicketWire = Omit<TicketRecord, "categoryConfidence"> & { version: string; waitingOn: WaitingOn };

/** A message as the API, the live stream and export lines show it. */
type MessageWire = Message;

/** A record with exactly its own fields, in the stored order. */
export function recordOf(ticket: TicketRecord): TicketRecord {
  return Object.fromEntries(RECORD_FIELDS.map((field) => [field, ticket[field]])) as unknown as TicketRecord;
}

/** The API's and the live stream's shape of a ticket. */
export function ticketWire(ticket: Ticket): TicketWire {
  const { categoryConfidence: _, ...record } = recordOf(ticket);
  return { ...record, version: ticket.version, waitingOn: waitingOn(ticket) };
}

/** The one shape of a message. */
export function messageWire(message: Message): MessageWire {
  const { id, ticketId, seq, authorRole, authorName, text, createdAt } = message;
  return { id, ticketId, seq, authorRole, authorName, internal: message.internal === true, text, createdAt };
}

/** The one shape of a history entry: its number, when, who (role and name), which field, before and after. */
export function historyWire(entry: HistoryEntry): HistoryEntry {
  const { seq, at, actorRole, actorName, field, from, to } = entry;
  return { seq, at, actorRole, actorName, field, from, to };
}

/**
 * One export line: the ticket's record (with its classifier confidence, without version), its thread, and
 * its history when it has one (a line without `history` is a ticket with none, as written before histories).
 */
export function exportLine(
  ticket: TicketRecord,
  messages: readonly Message[],
  history: readonly HistoryEntry[] = [],
): string {
  const line = { ...recordOf(ticket), messages: messages.map(messageWire) };
  return JSON.stringify(history.length > 0 ? { ...line, history: history.map(historyWire) } : line);
}
