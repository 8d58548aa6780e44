import { monotonicFactory } from "ulid";
import type { Category } from "../categories.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import type { Db } from "./db.ts";
import { keys } from "./keys.ts";
import { applyTicketEffects } from "./ticket_effects.ts";
import { inRange, type OpenedRange, rangeSelector } from "./opened_range.ts";
import { retryWhileBusy } from "./busy.ts";
import { getManyChunked } from "./get_many.ts";
import { serialized } from "./serial.ts";
import { logReplacedState } from "./state_log.ts";
import { historyOf, writeHistory } from "./history.ts";
import { threadStateOf } from "./thread_state.ts";
import {
  type Actor,
  type Role,
  type Status,
  STATUSES,
  type StoredTicket,
  type Ticket,
  type TicketRecord,
} from "./types.ts";

// Monotonic so ids made in the same millisecond still sort in creation order (lists are newest first).
const nextUlid = monotonicFactory();

/** Makes a new ticket id (a ULID whose time part is the opening time). */
function newTicketId(openedAt: Date): string {
  return nextUlid(openedAt.getTime());
}

/** A stored record as the rest of the app sees it: the revision becomes an opaque version string. */
function ticketOf(stored: StoredTicket): Ticket {
  const { rev, messageCount, historyCount, noteCount: _n, lastVisibleRole: _l, lastNoteAt: _a, ...record } =
    stored;
  // Records written before revisions existed count as revision 0 with an empty thread.
  return {
    ...record,
    version: String(rev ?? 0),
    messageCount: messageCount ?? 0,
    historyCount: historyCount ?? 0,
    ...threadStateOf(stored),
  };
}

/** What a new ticket needs: its text, the classifier's category for it, and the opening time. */
interface NewTicket {
  description: string;
  category: Category;
  categoryConfidence: number;
  openedAt: Date;
  /** Who files it: with an actor the history starts with its `created` entry. */
  actor?: Actor;
  /** Extra mutations committed in the same atomic (e.g. the filer's My tickets entry). */
  alsoWrite?: (op: Deno.AtomicOperation, record: TicketRecord) => void;
}

/** Stores a new open ticket with its indexes and counters in one atomic commit. */
export async function createTicket(db: Db, input: NewTicket): Promise<Ticket> {
  const at = input.openedAt.toISOString();
  const record: StoredTicket = {
    id: newTicketId(input.openedAt),
    description: input.description,
    category: input.category,
    categorySource: "auto",
    categoryConfidence: input.categoryConfidence,
    status: "open",
    openedAt: at,
    activatedAt: null,
    closedAt: null,
    updatedAt: at,
    rev: 1,
    messageCount: 0,
    ...threadStateOf({}),
  };
  const history = input.actor ? historyOf(null, record, input.actor, at, 1) : [];
  if (history.length > 0) record.historyCount = history.length;
  const result = await retryWhileBusy(() => {
    const op = db.kv.atomic().check({ key: keys.ticket(record.id), versionstamp: null })
      .set(keys.ticket(record.id), record);
    applyTicketEffects(op, null, record, db.timeZone);
    writeHistory(op, record.id, history);
    input.alsoWrite?.(op, record);
    return op.commit();
  });
  if (!result.ok) throw new ConflictError("A ticket with this id already exists.");
  return ticketOf(record);
}

/** Reads one ticket, or null when there is none with this id. */
export async function getTicket(db: Db, id: string): Promise<Ticket | null> {
  const entry = await db.kv.get<StoredTicket>(keys.ticket(id));
  return entry.value === null ? null : ticketOf(entry.value);
}

/** What one attempt of a ticket write commits: the next record and any extra mutations in the same atomic. */
interface TicketWrite {
  next: StoredTicket;
  alsoWrite?: (op: Deno.AtomicOperation) => void;
}

// Writes of one ticket are queued in this process, so a lost race means another process wrote it; a few
// dozen tries cover any realistic burst from several instances.
const RETRIES = 40;

function backoff(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(50, 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Commits a write planned from the ticket's current record: the record, its indexes and counters and the
 * plan's extra mutations in one atomic, checked against the record read. A lost race re-plans on fresh data;
 * `plan` decides on each attempt: it throws to refuse, or returns null when there is nothing to write (the
 * current record is returned). Writes of one ticket queue up within the process.
 */
export function writeTicket(
  db: Db,
  id: string,
  plan: (current: StoredTicket) => TicketWrite | null,
): Promise<StoredTicket> {
  return serialized(db.kv, id, async () => {
    for (let attempt = 0; attempt < RETRIES; attempt++) {
      const entry = await db.kv.get<StoredTicket>(keys.ticket(id));
      if (entry.value === null) throw new NotFoundError();
      const current = {
        ...entry.value,
        rev: entry.value.rev ?? 0,
        messageCount: entry.value.messageCount ?? 0,
        historyCount: entry.value.historyCount ?? 0,
        ...threadStateOf(entry.value),
      };
      const write = plan(current);
      if (write === null) return current;
      const { next, alsoWrite } = write;
      const result = await retryWhileBusy(() => {
        const op = db.kv.atomic().check(entry).set(keys.ticket(id), next);
        applyTicketEffects(op, entry.value, next, db.timeZone);
        logReplacedState(op, entry.value, entry.versionstamp!);
        alsoWrite?.(op);
        return op.commit();
      });
      if (result.ok) return next;
      await backoff(attempt);
    }
    throw new ConflictError("This ticket is being changed by many people at once; please try again.");
  });
}

/**
 * Applies `change` to the current ticket's own fields and commits it with a new revision (a change that
 * returns null asks for nothing new: nothing is written). With an expected version, a ticket whose revision
 * moved on is a ConflictError; a commit lost to a message (which does not move the revision) is simply
 * retried, so a message never refuses an edit.
 */
export async function updateTicket(
  db: Db,
  id: string,
  change: (current: Ticket) => TicketRecord | null,
  options: UpdateOptions,
): Promise<Ticket> {
  const stored = await writeTicket(db, id, (current) => {
    const ticket = ticketOf(current);
    // Whether the ticket may be seen at all comes first: a stale version must not reveal a hidden ticket.
    options.mustSee?.(ticket);
    if (options.expectedVersion !== null && options.expectedVersion !== ticket.version) {
      throw new ConflictError();
    }
    const changed = change(ticket);
    if (changed === null) return null;
    const { version: _, messageCount: _m, historyCount: _h, ...record } = changed as Ticket;
    const firstSeq = (current.historyCount ?? 0) + 1;
    const history = options.actor ? historyOf(ticket, record, options.actor, record.updatedAt, firstSeq) : [];
    const next: StoredTicket = {
      ...record,
      rev: current.rev + 1,
      messageCount: current.messageCount,
      ...threadStateOf(current),
    };
    const historyCount = (current.historyCount ?? 0) + history.length;
    if (historyCount > 0) next.historyCount = historyCount;
    return {
      next,
      alsoWrite: (op) => {
        writeHistory(op, id, history);
        options.alsoWrite?.(op, next);
      },
    };
  });
  return ticketOf(stored);
}

/** Options of a ticket update. */
interface UpdateOptions {
  /** The version the client saw; a different current version is refused with ConflictError. Null: no check. */
  expectedVersion: string | null;
  /** Extra mutations committed in the same atomic (a correction). */
  alsoWrite?: (op: Deno.AtomicOperation, next: TicketRecord) => void;
  /** Throws (NotFoundError) when the one asking may not see the current ticket; checked before the version. */
  mustSee?: (current: Ticket) => void;
  /** Who makes the change: with an actor, each changed field gets a history entry in the same commit. */
  actor?: Actor;
}

/** How a list is ordered: newest opened first, or latest activity (updatedAt) first. */
export type ListSort = "opened" | "updated";

/** Which tickets to list, newest first. */
export interface ListQuery {
  statuses: readonly Status[];
  category?: Category;
  /** Only unclosed tickets waiting for this side (lib/data/thread_state.ts). */
  waiting?: Role;
  /** "opened" when not given. */
  sort?: ListSort;
  limit: number;
  /** The id of the last ticket of the previous page ("updated": its `updatedMs.id`, see queue.ts). */
  cursor?: string;
  /** Only tickets opened in this range of times (see opened_range.ts). */
  opened?: OpenedRange;
}

/** One page of tickets and the cursor of the next page (null on the last page). */
export interface TicketPage {
  tickets: Ticket[];
  cursor: string | null;
}

/**
 * Lists tickets newest first across the status indexes asked for, merging them by id (ULIDs sort by
 * opening time), and loads the records the pointers name.
 */
export async function listTicketsByOpening(db: Db, query: ListQuery): Promise<TicketPage> {
  if (!query.category && STATUSES.every((status) => query.statuses.includes(status))) {
    return await listAllTickets(db, query);
  }
  const idLists = await Promise.all(query.statuses.map(async (status) => {
    const prefix = query.category
      ? keys.byStatusCategoryPrefix(status, query.category)
      : keys.byStatusPrefix(status);
    const selector = rangeSelector(prefix, query.opened ?? {}, query.cursor);
    const ids: string[] = [];
    for await (
      const entry of db.kv.list<string>(selector, {
        reverse: true,
        limit: query.limit + 1,
        batchSize: query.limit + 1,
      })
    ) {
      ids.push(entry.value);
    }
    return ids;
  }));
  const merged = idLists.flat().sort().reverse();
  const pageIds = merged.slice(0, query.limit);
  const tickets = (await getTickets(db, pageIds)).filter((t) =>
    !query.opened || inRange(t.openedAt, query.opened)
  );
  return { tickets, cursor: merged.length > query.limit ? pageIds[pageIds.length - 1] : null };
}

/** Every ticket, newest first: the records themselves are keyed by ULID, so one list reads a page, no pointers. */
async function listAllTickets(db: Db, query: ListQuery): Promise<TicketPage> {
  const prefix = keys.ticketPrefix();
  const selector = rangeSelector(prefix, query.opened ?? {}, query.cursor);
  const tickets: Ticket[] = [];
  const options = { reverse: true, limit: query.limit + 1, batchSize: query.limit + 1 };
  for await (const entry of db.kv.list<StoredTicket>(selector, options)) tickets.push(ticketOf(entry.value));
  const page = tickets.slice(0, query.limit);
  const cursor = tickets.length > query.limit ? page[page.length - 1].id : null;
  return { tickets: page.filter((t) => !query.opened || inRange(t.openedAt, query.opened)), cursor };
}

/** Reads many tickets by id (in the order given), skipping ids with no record. */
export async function getTickets(db: Db, ids: string[]): Promise<Ticket[]> {
  const entries = await getManyChunked<StoredTicket>(db.kv, ids.map((id) => keys.ticket(id)));
  return entries.flatMap((entry) => entry.value === null ? [] : [ticketOf(entry.value)]);
}

/** Iterates over every ticket record in id order (for export and verify). */
export async function* allTickets(db: Db): AsyncGenerator<Ticket> {
  // The largest batch KV allows: a whole-store pass (export, verify, the search index) at full speed.
  for await (const entry of db.kv.list<StoredTicket>({ prefix: keys.ticketPrefix() }, { batchSize: 1000 })) {
    yield ticketOf(entry.value);
  }
}

/** Watches one ticket's record; every change to the ticket or its thread yields its new state. */
export function watchTicket(db: Db, id: string): ReadableStream<Ticket | null> {
  return db.kv.watch<[StoredTicket]>([keys.ticket(id)]).pipeThrough(
    new TransformStream({
      transform([entry], controller) {
        controller.enqueue(entry.value === null ? null : ticketOf(entry.value));
      },
    }),
  );
}
