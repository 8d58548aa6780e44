import type { Category } from "../categories.ts";

/** The statuses a ticket moves through, in order. */
export const STATUSES = ["open", "active", "closed"] as const;

/** A ticket status. */
export type Status = typeof STATUSES[number];

/** Who is acting: a reporter (simple user) or helpdesk staff. */
export type Role = "reporter" | "helpdesk";

/** All roles, for validation. */
export const ROLES = ["reporter", "helpdesk"] as const satisfies readonly Role[];

/** Where a ticket's category came from: the classifier or a staff correction. */
type CategorySource = "auto" | "staff";

/** A ticket as stored under its primary key (times are ISO 8601 UTC strings). */
export interface TicketRecord {
  id: string;
  description: string;
  category: Category;
  categorySource: CategorySource;
  /** Classifier probability of the auto category; null once staff set it. */
  categoryConfidence: number | null;
  status: Status;
  openedAt: string;
  activatedAt: string | null;
  closedAt: string | null;
  updatedAt: string;
}

/**
 * What a ticket record keeps about its thread besides its length, written in the same commit as each
 * message (lib/data/thread_state.ts), so "who is waiting" and the note count need no thread read.
 */
export interface ThreadState {
  /** How many of the thread's messages are internal notes (staff only). */
  noteCount: number;
  /** Who wrote the newest message a reporter can see; null while there is none. */
  lastVisibleRole: Role | null;
  /** When the newest internal note was written (notes do not move updatedAt); null while there is none. */
  lastNoteAt: string | null;
}

/**
 * A ticket record as kept in the store: the record plus its revision (bumped by every change of its own
 * fields, never by a message, so a message never makes an edit conflict) and the length of its thread (the
 * sequence number of its newest message, written in the same commit as the message). Records written before
 * release 2 lack the thread state; it reads as no notes.
 */
export interface StoredTicket extends TicketRecord, Partial<ThreadState> {
  rev: number;
  messageCount: number;
  /** Entries in the ticket's history (absent: none, e.g. a ticket stored before histories existed). */
  historyCount?: number;
}

/** A ticket as read: its record, its version (the revision, as a string) and the length of its thread. */
export interface Ticket extends TicketRecord, ThreadState {
  version: string;
  messageCount: number;
  /** How many entries the ticket's history has. */
  historyCount: number;
}

/** Who a ticket waits for: the helpdesk (nobody replied, or the reporter wrote last), the reporter, or nobody (closed). */
export type WaitingOn = Role | null;

/** One message of a ticket's thread. */
export interface Message {
  id: string;
  ticketId: string;
  /** Position in the thread, 1, 2, 3…: the order the messages were committed in. */
  seq: number;
  authorRole: Role;
  authorName: string | null;
  /** An internal note: staff talk that reporters never receive. Stored messages without it are not notes. */
  internal: boolean;
  text: string;
  createdAt: string;
}

/** A staff correction of a ticket's category, kept so the classifier can learn from it. */
export interface CategoryCorrection {
  ticketId: string;
  text: string;
  category: Category;
  correctedAt: string;
}

/** What a history entry records: the ticket's creation, or a change of one of its fields. */
export type HistoryField = "created" | "description" | "category" | "status";

/** The history fields, for validation. */
export const HISTORY_FIELDS = [
  "created",
  "description",
  "category",
  "status",
] as const satisfies readonly HistoryField[];

/**
 * One entry of a ticket's history, written in the same commit as the change it records. `created` has the
 * first description as `to`; the others name the field's value before and after.
 */
export interface HistoryEntry {
  /** Position in the history, 1, 2, 3…: the order the changes were committed in. */
  seq: number;
  at: string;
  actorRole: Role;
  actorName: string | null;
  field: HistoryField;
  from: string | null;
  to: string | null;
}

/** Who made a change, as its history entry names them. */
export interface Actor {
  role: Role;
  name: string | null;
}
