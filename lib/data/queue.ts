/**
 * The staff queue's lists: tickets waiting for one side, and tickets by latest activity, each newest first,
 * read from pointer indexes (lib/data/ticket_effects.ts) and never by scanning records.
 *
 * Each index is split by status and category, so a query reads one range per (status, category) pair it
 * does not fix — at most nine — merged by their sort key as they are read (see listQueue). A page of
 * "latest activity" ends at a ticket's (updatedMs, id); its cursor is written `updatedMs.id`, so the next
 * page starts exactly after it even when other tickets change meanwhile.
 */
import { CATEGORIES } from "../categories.ts";
import type { Db } from "./db.ts";
import { keys } from "./keys.ts";
import { getTickets, type ListQuery, type TicketPage } from "./tickets.ts";

// A cursor of the "latest activity" order: the last ticket's updatedAt in ms and its id.
const UPDATED_CURSOR = /^(\d{1,15})\.([0-9A-HJKMNP-TV-Z]{26})$/;

/** The sort key a cursor stands for: `[id]` in opening order, `[updatedMs, id]` in activity order. */
function cursorTail(query: ListQuery): Deno.KvKeyPart[] | null {
  if (!query.cursor) return null;
  if (query.sort !== "updated") return [query.cursor];
  const match = UPDATED_CURSOR.exec(query.cursor);
  // Callers validate cursors; a malformed one here lists from the start rather than from a wrong place.
  return match ? [Number(match[1]), match[2]] : null;
}

/** The index ranges a query reads, one per (status, category) pair. */
function prefixesOf(query: ListQuery): Deno.KvKey[] {
  const categories = query.category ? [query.category] : CATEGORIES;
  const statuses = query.waiting ? query.statuses.filter((s) => s !== "closed") : query.statuses;
  return statuses.flatMap((status) =>
    categories.map((category) => {
      if (query.waiting && query.sort === "updated") {
        return keys.byWaitingUpdatedPrefix(query.waiting, status, category);
      }
      if (query.waiting) return keys.byWaitingPrefix(query.waiting, status, category);
      return keys.byUpdatedPrefix(status, category);
    })
  );
}

/** A sort key as this module writes it: numbers (times in ms) and strings (ids). */
type Tail = (number | string)[];

/** Compares two sort keys part by part (numbers as numbers, ids as strings). */
function compareTails(a: Tail, b: Tail): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}

/** One index range being read newest first, a small batch at a time, with the entry it is at. */
interface Run {
  entries: AsyncIterator<Deno.KvEntry<string>>;
  prefixLength: number;
  head: { tail: Tail; id: string } | null;
}

async function advance(run: Run): Promise<void> {
  const next = await run.entries.next();
  run.head = next.done
    ? null
    : { tail: next.value.key.slice(run.prefixLength) as Tail, id: next.value.value };
}

/**
 * Lists a page of tickets waiting for one side and/or by latest activity, newest first. The ranges are
 * merged as they are read: each is read in batches of about its share of the page, and only the ranges
 * the page really draws from are read further, so a page costs about its own length in index reads
 * rather than a page per range.
 */
export async function listQueue(db: Db, query: ListQuery): Promise<TicketPage> {
  const tail = cursorTail(query);
  const take = query.limit + 1;
  const prefixes = prefixesOf(query);
  const batchSize = Math.max(2, Math.ceil(take / prefixes.length) + 1);
  const runs: Run[] = prefixes.map((prefix) => ({
    entries: db.kv.list<string>(tail ? { prefix, end: [...prefix, ...tail] } : { prefix }, {
      reverse: true,
      limit: take,
      batchSize,
    })[Symbol.asyncIterator](),
    prefixLength: prefix.length,
    head: null,
  }));
  await Promise.all(runs.map(advance));
  const merged: { tail: Tail; id: string }[] = [];
  while (merged.length < take) {
    let best: Run | null = null;
    for (const run of runs) {
      if (run.head && (!best || compareTails(run.head.tail, best.head!.tail) > 0)) best = run;
    }
    if (!best) break;
    merged.push(best.head!);
    if (merged.length < take) await advance(best);
  }
  const page = merged.slice(0, query.limit);
  const tickets = await getTickets(db, page.map((p) => p.id));
  const last = page.at(-1);
  const cursor = merged.length > query.limit && last
    ? query.sort === "updated" ? `${last.tail[0]}.${last.id}` : last.id
    : null;
  return { tickets, cursor };
}

/** Watches the store-wide ticket change counter; yields its value now and after every ticket commit. */
export function watchTicketChanges(db: Db): ReadableStream<bigint> {
  return db.kv.watch<[Deno.KvU64]>([keys.ticketChanges()]).pipeThrough(
    new TransformStream({
      transform([entry], controller) {
        controller.enqueue(entry.value?.value ?? 0n);
      },
    }),
  );
}

/** The store-wide ticket change counter now: it moves with every commit that writes a ticket record. */
export async function ticketChangeCount(db: Db): Promise<bigint> {
  return (await db.kv.get<Deno.KvU64>(keys.ticketChanges())).value?.value ?? 0n;
}
