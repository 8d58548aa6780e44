import { monotonicFactory } from "ulid";
import type { Category } from "../categories.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import type { Db } from "./db.ts";
import { keys } from "./keys.ts";
import { applyTicketEffects } from "./ticket_effects.ts";
import { type Status, STATUSES, type Ticket, type TicketRecord } from "./types.ts";

// Monotonic so ids made in the same millisecond still sort in creation order (lists are newest first).
const nextUlid = monotonicFactory();

/** Makes a new ticket id (a ULID whose time part is the opening time). */
export function newTicketId(openedAt: Date): string {
  return nextUlid(openedAt.getTime());
}

function withVersion(entry: Deno.KvEntry<TicketRecord>): Ticket {
  return { ...entry.value, version: entry.versionstamp };
}

/** What a new ticket needs: its text, the classifier's category for it, and the opening time. */
export interface NewTicket {
  description: string;
  category: Category;
  categoryConfidence: number;
  openedAt: Date;
}

/** Stores a new open ticket with its indexes and counters in one atomic commit. */
export async function createTicket(db: Db, input: NewTicket): Promise<Ticket> {
  const at = input.openedAt.toISOString();
  const record: TicketRecord = {
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
  };
  const op = db.kv.atomic().check({ key: keys.ticket(record.id), versionstamp: null }).set(
    keys.ticket(record.id),
    record,
  );
  applyTicketEffects(op, null, record, db.timeZone);
  const result = await op.commit();
  if (!result.ok) throw new ConflictError("a ticket with this id already exists");
  return { ...record, version: result.versionstamp };
}

/** Reads one ticket, or null when there is none with this id. */
export async function getTicket(db: Db, id: string): Promise<Ticket | null> {
  const entry = await db.kv.get<TicketRecord>(keys.ticket(id));
  return entry.versionstamp === null ? null : withVersion(entry as Deno.KvEntry<TicketRecord>);
}

/** Options of a ticket update. */
export interface UpdateOptions {
  /** The version the client saw; a different current version is refused with ConflictError. Null: retry on races. */
  expectedVersion: string | null;
  /** Extra mutations committed in the same atomic (a message, a correction). */
  alsoWrite?: (op: Deno.AtomicOperation, next: TicketRecord) => void;
}

// Each lost race means another writer succeeded, so a few dozen tries cover any realistic burst on one ticket.
const RETRIES = 40;

function backoff(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(50, 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Applies `change` to the current ticket and commits the record, its indexes and counters atomically,
 * checked against the version read. With an expected version a concurrent change is a ConflictError;
 * without one (a message post, which edits nothing the client saw) the change is retried on fresh data.
 */
export async function updateTicket(
  db: Db,
  id: string,
  change: (current: Ticket) => TicketRecord,
  options: UpdateOptions,
): Promise<Ticket> {
  for (let attempt = 0; attempt < RETRIES; attempt++) {
    const entry = await db.kv.get<TicketRecord>(keys.ticket(id));
    if (entry.versionstamp === null) throw new NotFoundError();
    const current = withVersion(entry as Deno.KvEntry<TicketRecord>);
    if (options.expectedVersion !== null && options.expectedVersion !== current.version) {
      throw new ConflictError();
    }
    const next = change(current);
    const op = db.kv.atomic().check(entry).set(keys.ticket(id), next);
    applyTicketEffects(op, entry.value, next, db.timeZone);
    options.alsoWrite?.(op, next);
    const result = await op.commit();
    if (result.ok) return { ...next, version: result.versionstamp };
    if (options.expectedVersion !== null) throw new ConflictError();
    await backoff(attempt);
  }
  throw new ConflictError("the ticket is being changed by many people at once; try again");
}

/** Which tickets to list, newest first. */
export interface ListQuery {
  statuses: readonly Status[];
  category?: Category;
  limit: number;
  /** The id of the last ticket of the previous page. */
  cursor?: string;
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
export async function listTickets(db: Db, query: ListQuery): Promise<TicketPage> {
  if (!query.category && STATUSES.every((status) => query.statuses.includes(status))) {
    return await listAllTickets(db, query);
  }
  const idLists = await Promise.all(query.statuses.map(async (status) => {
    const prefix = query.category
      ? keys.byStatusCategoryPrefix(status, query.category)
      : keys.byStatusPrefix(status);
    const selector = query.cursor ? { prefix, end: [...prefix, query.cursor] } : { prefix };
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
  const tickets = await getTickets(db, pageIds);
  return { tickets, cursor: merged.length > query.limit ? pageIds[pageIds.length - 1] : null };
}

/** Every ticket, newest first: the records themselves are keyed by ULID, so one list reads a page, no pointers. */
async function listAllTickets(db: Db, query: ListQuery): Promise<TicketPage> {
  const prefix = keys.ticketPrefix();
  const selector = query.cursor ? { prefix, end: keys.ticket(query.cursor) } : { prefix };
  const tickets: Ticket[] = [];
  const options = { reverse: true, limit: query.limit + 1, batchSize: query.limit + 1 };
  for await (const entry of db.kv.list<TicketRecord>(selector, options)) tickets.push(withVersion(entry));
  const page = tickets.slice(0, query.limit);
  return { tickets: page, cursor: tickets.length > query.limit ? page[page.length - 1].id : null };
}

/** Reads many tickets by id (in the order given), skipping ids with no record. */
export async function getTickets(db: Db, ids: string[]): Promise<Ticket[]> {
  // getMany takes at most 10 keys per call; the calls run concurrently.
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += 10) chunks.push(ids.slice(i, i + 10));
  const results = await Promise.all(
    chunks.map((chunk) => db.kv.getMany<TicketRecord[]>(chunk.map((id) => keys.ticket(id)))),
  );
  return results.flat().filter((entry) => entry.versionstamp !== null).map((entry) =>
    withVersion(entry as Deno.KvEntry<TicketRecord>)
  );
}

/** Iterates over every ticket record in id order (for export and verify). */
export async function* allTickets(db: Db): AsyncGenerator<Ticket> {
  for await (const entry of db.kv.list<TicketRecord>({ prefix: keys.ticketPrefix() })) {
    yield withVersion(entry);
  }
}

/** Watches one ticket's record; every change to the ticket or its thread yields its new state. */
export function watchTicket(db: Db, id: string): ReadableStream<Ticket | null> {
  return db.kv.watch<[TicketRecord]>([keys.ticket(id)]).pipeThrough(
    new TransformStream({
      transform([entry], controller) {
        controller.enqueue(
          entry.versionstamp === null ? null : withVersion(entry as Deno.KvEntry<TicketRecord>),
        );
      },
    }),
  );
}
