/**
 * Bulk writes of whole tickets with their threads, for `deno task import` and `deno task seed`.
 *
 * Tickets are packed several to an atomic commit, each commit staying under Deno KV's limits, and each
 * ticket is written with a "must not exist" check, so importing the same ticket twice never doubles its
 * counters. Like every writer of a local KV file, this must run while the web app is stopped (or on another
 * HELPDESK_KV): see "one writer process per local KV file" in the product notes.
 *
 * Why the tickets of one call are written in id order, whatever order they came in: every key of a ticket
 * but its counters starts with the ticket's id after a few fixed parts (record, status indexes, thread), and
 * SQLite keeps all keys in one B-tree. Tickets in id order land side by side, so a commit dirties a few pages
 * at the end of each range; the same tickets in random order dirty about one page per key, and SQLite writes
 * every dirty page again at each commit. Measured before this: 100,000 tickets without messages took 51 s in
 * random order and 12 s in id order through `deno task import`, with the same 1,000 commits and about the
 * same mutations in each (347 against 309: the counters were not the difference); raw KV commits of the same
 * keys show the same gap. See docs/benchmarks.md ("Import").
 *
 * Every commit is self-contained: it writes whole tickets (a long thread goes first in message-only commits,
 * its record last), their indexes and the sum of their counter contributions, so an import that stops at
 * any point leaves counters that agree with the records, and a rerun writes only the tickets not stored yet.
 * Commits are therefore independent of each other, and a few are sent before the first is answered.
 */
import type { Db } from "./db.ts";
import { retryWhileBusy } from "./busy.ts";
import { getManyChunked } from "./get_many.ts";
import { keys } from "./keys.ts";
import { contributionsOf, countTicketChange } from "./ticket_effects.ts";
import { threadStateOfThread } from "./thread_state.ts";
import type { HistoryEntry, Message, StoredTicket, TicketRecord } from "./types.ts";

/**
 * One ticket to import: its record, with its historical times, its thread (seq 1, 2, 3… in order) and
 * its history (numbered the same way; none for a ticket from before histories).
 */
export interface ImportItem {
  ticket: TicketRecord;
  messages: Message[];
  history?: HistoryEntry[];
}

/**
 * The stored form of an imported record: its first revision, a thread and a history as long as the ones
 * imported, and the thread state that thread gives (notes, who wrote the newest visible message).
 */
function storedOf(item: ImportItem): StoredTicket {
  const historyCount = item.history?.length ?? 0;
  return {
    ...item.ticket,
    rev: 1,
    messageCount: item.messages.length,
    ...(historyCount > 0 ? { historyCount } : {}),
    ...threadStateOfThread(item.messages),
  };
}

/** One key a piece writes besides the record: a message of the thread or an entry of the history. */
interface Write {
  key: Deno.KvKey;
  value: Message | HistoryEntry;
}

/** What happened to one ticket: written now, or left alone because a ticket with its id exists. */
type ImportOutcome = "imported" | "exists";

/** Hooks into a running import. */
interface ImportOptions {
  /** Called after every commit with the number of tickets it completed, so progress moves within a call. */
  onImported?: (tickets: number) => void;
}

// Deno KV's per-commit limits (checks 100, mutations 1000, keys 80 KiB, keys + values 800 KiB), with room
// to spare: the size estimates below are upper bounds for what the store keeps (ULID keys, JSON-like values).
const LIMITS = { checks: 100, mutations: 1000, keyBytes: 72 * 1024, bytes: 640 * 1024 };

// Ids whose existence one range read settles (a read returns at most twice as many records, see storedAmong),
// and how many such reads are sent ahead of the commits that need them.
const READ_CHUNK = 250;
const READ_AHEAD = 8;
// Commits sent before the first of them is answered: the store's thread works on one while the next is built.
const IN_FLIGHT = 4;

interface Cost {
  checks: number;
  mutations: number;
  keyBytes: number;
  bytes: number;
}

type Counters = Map<string, { key: Deno.KvKey; delta: bigint }>;

/** One planned write: a ticket (with all or the last part of its thread), or an earlier part of a long thread. */
interface Piece {
  item: ImportItem;
  /** Messages and history entries, each under its own key. */
  writes: Write[];
  /** The record, its indexes and its counters go in this piece (the last one of the ticket). */
  ticket: { indexes: Deno.KvKey[]; counters: Counters } | null;
  /** Cost of everything but the counters, which a commit shares among its tickets. */
  cost: Cost;
}

/**
 * Writes the tickets that do not exist yet, in as few commits as the limits allow, and says per ticket
 * (in input order) whether it was imported or already there. A repeated id within `items` counts once: its
 * first occurrence is imported. The tickets are written in id order (see the module comment), so what the
 * store holds afterwards does not depend on the order of `items`.
 *
 * For a new ticket the effects are those `applyTicketEffects(op, null, ticket)` writes — the indexes and
 * counters of `contributionsOf(ticket)` and the first-opened minimum — except that each commit adds up its
 * tickets' counters and writes each counter once, which keeps commits small and imports fast.
 */
export async function importTickets(
  db: Db,
  items: readonly ImportItem[],
  options: ImportOptions = {},
): Promise<ImportOutcome[]> {
  const outcomes: ImportOutcome[] = new Array(items.length).fill("exists");
  const firstAt = new Map<string, number>();
  items.forEach((item, i) => {
    if (!firstAt.has(item.ticket.id)) firstAt.set(item.ticket.id, i);
  });
  // The default sort compares UTF-16 code units, which for ticket ids (ULIDs, ASCII) is the store's byte order.
  const ids = [...firstAt.keys()].sort();
  const pipeline = new Pipeline(db, (done) => {
    for (const id of done) outcomes[firstAt.get(id)!] = "imported";
    options.onImported?.(done.length);
  });
  const packer = new Packer();
  // Existence is read a few chunks ahead: a read waits behind the commits sent before it, so reading only
  // the next chunk would let the store's queue run dry at every chunk.
  const chunks: string[][] = [];
  for (let start = 0; start < ids.length; start += READ_CHUNK) {
    chunks.push(ids.slice(start, start + READ_CHUNK));
  }
  const reads = chunks.slice(0, READ_AHEAD).map((chunk) => readAhead(storedAmong(db, chunk)));
  try {
    for (const [c, chunk] of chunks.entries()) {
      const stored = await reads[c];
      if (c + READ_AHEAD < chunks.length) reads.push(readAhead(storedAmong(db, chunks[c + READ_AHEAD])));
      for (const id of chunk) {
        if (stored.has(id)) continue;
        for (const piece of plan(items[firstAt.get(id)!], db.timeZone)) {
          const full = packer.add(piece);
          if (full) await pipeline.send(full);
        }
      }
    }
    const rest = packer.flush();
    if (rest) await pipeline.send(rest);
    await pipeline.finish();
  } finally {
    await pipeline.settled();
  }
  return outcomes;
}

/** Marks a promise as handled while it waits to be awaited, so an early failure is thrown where it is read. */
function readAhead<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

/**
 * The ids among `ids` (sorted, as the store orders them) that have a ticket record. One range read covers
 * them all: in a new store or past its last ticket it finds nothing at once. When the range holds many other
 * tickets besides (a store with tickets between the imported ones), the ids are read one by one instead.
 */
async function storedAmong(db: Db, ids: readonly string[]): Promise<Set<string>> {
  const wanted = new Set(ids);
  const found = new Set<string>();
  const limit = 2 * ids.length;
  let seen = 0;
  // The end bound is just after the last id: "\0" is the smallest character a longer id could add.
  const range = { start: keys.ticket(ids[0]), end: keys.ticket(ids[ids.length - 1] + "\0") };
  for await (const entry of db.kv.list(range, { limit, batchSize: limit })) {
    seen++;
    const id = entry.key[1] as string;
    if (wanted.has(id)) found.add(id);
  }
  return seen < limit ? found : await existingIds(db, ids);
}

/** The ids among `ids` that have a ticket record, read ten at a time, all concurrently. */
async function existingIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
  const entries = await getManyChunked(db.kv, ids.map((id) => keys.ticket(id)));
  return new Set(entries.filter((e) => e.versionstamp !== null).map((e) => e.key[1] as string));
}

/**
 * Splits a ticket into pieces that each fit one commit: normally one piece, but a thread too long for one
 * commit goes first in message-only pieces, and the ticket record comes last so that "the record exists"
 * still means "the whole ticket was imported".
 */
function plan(item: ImportItem, timeZone: string): Piece[] {
  const id = item.ticket.id;
  const { indexes, counters } = contributionsOf(storedOf(item), timeZone);
  const checkKeyBytes = keyBytes(keys.ticket(id));
  // Every piece checks that the ticket does not exist yet, so a race can never write into a stored ticket.
  const base = (): Cost => ({ checks: 1, mutations: 0, keyBytes: checkKeyBytes, bytes: checkKeyBytes });
  let indexKeyBytes = 0;
  for (const key of indexes) indexKeyBytes += keyBytes(key);
  const ticketCost: Cost = {
    checks: 0,
    mutations: 1 + indexes.length,
    keyBytes: checkKeyBytes + indexKeyBytes,
    bytes: checkKeyBytes + indexKeyBytes + valueBytes(item.ticket) + 64 * indexes.length,
  };
  const alone = add(add(ticketCost, countersCost(counters, new Set())), GROUP_COST);
  // Every message key is the thread's prefix and a number; a history key is no longer.
  const messageKeyBytes = Math.max(keyBytes(keys.messagePrefix(id)), keyBytes(keys.historyPrefix(id))) + 10;
  const pieces: Piece[] = [];
  let current: Piece = { item, writes: [], ticket: null, cost: base() };
  const writes: Write[] = [
    ...item.messages.map((m) => ({ key: keys.message(id, m.seq), value: m })),
    ...(item.history ?? []).map((e) => ({ key: keys.historyEntry(id, e.seq), value: e })),
  ];
  for (const write of writes) {
    const bytes = messageKeyBytes + valueBytes(write.value);
    const { cost } = current;
    if (current.writes.length > 0 && !fits(add(cost, alone), one(messageKeyBytes, bytes))) {
      pieces.push(current);
      current = { item, writes: [], ticket: null, cost: base() };
    }
    current.writes.push(write);
    // The piece's own cost, added up in place: a ticket has a few messages, a thread up to thousands.
    current.cost.mutations++;
    current.cost.keyBytes += messageKeyBytes;
    current.cost.bytes += bytes;
  }
  current.ticket = { indexes, counters };
  current.cost = add(current.cost, ticketCost);
  pieces.push(current);
  return pieces;
}

/** The cost of one mutation. */
function one(keyBytes: number, bytes: number): Cost {
  return { checks: 0, mutations: 1, keyBytes, bytes };
}

// What a commit adds once however many tickets it holds: the min() of the first-opened counter and the
// bump of the change counter that list caches watch.
const GROUP_COST: Cost = {
  checks: 0,
  mutations: 2,
  keyBytes: keyBytes(keys.firstOpenedAt()) + keyBytes(keys.ticketChanges()),
  bytes: keyBytes(keys.firstOpenedAt()) + keyBytes(keys.ticketChanges()) + 32,
};

/** What the counters in `counters` that the commit does not write yet (`present`) add to it. */
function countersCost(counters: Counters, present: ReadonlySet<string>): Cost {
  let cost = zero();
  for (const [id, { key }] of counters) {
    if (!present.has(id)) {
      cost = add(cost, { checks: 0, mutations: 1, keyBytes: keyBytes(key), bytes: keyBytes(key) + 16 });
    }
  }
  return cost;
}

/** Groups pieces, in the order they are added, into commits that stay within the limits. */
class Packer {
  #group: Piece[] = [];
  #cost = GROUP_COST;
  #present = new Set<string>();

  /** Adds a piece; returns the group it closed when the piece did not fit any more. */
  add(piece: Piece): Piece[] | null {
    let closed: Piece[] | null = null;
    let extra = this.#extra(piece);
    if (this.#group.length > 0 && !fits(this.#cost, extra)) {
      closed = this.#group;
      this.#group = [];
      this.#cost = GROUP_COST;
      this.#present = new Set();
      extra = this.#extra(piece);
    }
    this.#group.push(piece);
    this.#cost = add(this.#cost, extra);
    for (const id of piece.ticket?.counters.keys() ?? []) this.#present.add(id);
    return closed;
  }

  /** The last, partly filled group (null when empty). */
  flush(): Piece[] | null {
    return this.#group.length > 0 ? this.#group : null;
  }

  #extra(piece: Piece): Cost {
    return add(piece.cost, piece.ticket ? countersCost(piece.ticket.counters, this.#present) : zero());
  }
}

/**
 * Sends commits with up to IN_FLIGHT unanswered. The commits are independent (each checks its own tickets,
 * counters only add), except that a ticket whose thread spans several commits has its record committed
 * only after its earlier parts. The first failure stops the import: it is thrown by the next send or finish.
 */
class Pipeline {
  #inFlight = new Set<Promise<void>>();
  #failed: { error: unknown } | null = null;
  /** Commits holding earlier parts of a thread whose record is still to come, by ticket id. */
  #earlier = new Map<string, Promise<string[]>[]>();

  constructor(readonly db: Db, readonly onDone: (ids: string[]) => void) {}

  async send(group: Piece[]): Promise<void> {
    this.#throwIfFailed();
    const before: Promise<string[]>[] = [];
    for (const piece of group) {
      const id = piece.item.ticket.id;
      if (piece.ticket && this.#earlier.has(id)) {
        before.push(...this.#earlier.get(id)!);
        this.#earlier.delete(id);
      }
    }
    const commit = (async () => {
      await Promise.all(before);
      return await commitPieces(this.db, group);
    })();
    for (const piece of group) {
      if (piece.ticket) continue;
      const id = piece.item.ticket.id;
      this.#earlier.set(id, [...this.#earlier.get(id) ?? [], commit]);
    }
    const tracked: Promise<void> = commit.then(
      (done) => this.onDone(done),
      (error) => {
        this.#failed ??= { error };
      },
    ).finally(() => this.#inFlight.delete(tracked));
    this.#inFlight.add(tracked);
    while (this.#inFlight.size >= IN_FLIGHT) await Promise.race(this.#inFlight);
    this.#throwIfFailed();
  }

  /** Waits for every commit sent; throws the first failure. */
  async finish(): Promise<void> {
    await this.settled();
    this.#throwIfFailed();
  }

  /** Waits for every commit sent, whatever their outcome, so that nothing runs on after the import ended. */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all(this.#inFlight);
  }

  #throwIfFailed() {
    if (this.#failed) throw this.#failed.error;
  }
}

/**
 * Commits one group and returns the ids of the tickets it completed. A failed check means another writer
 * created one of these tickets meanwhile: those are dropped and the rest retried.
 */
async function commitPieces(db: Db, group: Piece[]): Promise<string[]> {
  let pending = group;
  while (pending.length > 0) {
    const op = db.kv.atomic();
    const counters: Counters = new Map();
    let firstOpened: bigint | null = null;
    for (const { item, writes, ticket: effects } of pending) {
      const { ticket } = item;
      op.check({ key: keys.ticket(ticket.id), versionstamp: null });
      for (const write of writes) op.set(write.key, write.value);
      if (!effects) continue;
      op.set(keys.ticket(ticket.id), storedOf(item));
      for (const key of effects.indexes) op.set(key, ticket.id);
      for (const [id, { key, delta }] of effects.counters) {
        counters.set(id, { key, delta: (counters.get(id)?.delta ?? 0n) + delta });
      }
      const opened = BigInt(Date.parse(ticket.openedAt));
      if (firstOpened === null || opened < firstOpened) firstOpened = opened;
    }
    // A new ticket only adds to counters, so every delta is positive and fits a Deno.KvU64 sum.
    for (const { key, delta } of counters.values()) op.sum(key, delta);
    if (firstOpened !== null) op.min(keys.firstOpenedAt(), firstOpened);
    countTicketChange(op);
    // A busy refusal writes nothing, so the same operation is simply sent again.
    const { ok } = await retryWhileBusy(() => op.commit());
    if (ok) return pending.filter((p) => p.ticket).map((p) => p.item.ticket.id);
    const taken = await existingIds(db, pending.map((p) => p.item.ticket.id));
    pending = pending.filter((p) => !taken.has(p.item.ticket.id));
  }
  return [];
}

function zero(): Cost {
  return { checks: 0, mutations: 0, keyBytes: 0, bytes: 0 };
}

function add(a: Cost, b: Cost): Cost {
  return {
    checks: a.checks + b.checks,
    mutations: a.mutations + b.mutations,
    keyBytes: a.keyBytes + b.keyBytes,
    bytes: a.bytes + b.bytes,
  };
}

function fits(used: Cost, extra: Cost): boolean {
  return used.checks + extra.checks <= LIMITS.checks &&
    used.mutations + extra.mutations <= LIMITS.mutations &&
    used.keyBytes + extra.keyBytes <= LIMITS.keyBytes && used.bytes + extra.bytes <= LIMITS.bytes;
}

/** An upper estimate of a key's encoded size: a tag and terminator per part, 8 bytes per number. */
function keyBytes(key: Deno.KvKey): number {
  let size = 0;
  for (const part of key) size += typeof part === "string" ? utf8Length(part) + 2 : 10;
  return size;
}

function utf8Length(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // A surrogate pair is 4 bytes in UTF-8: 2 for each half.
    length += code < 0x80 ? 1 : code < 0x800 || (code >= 0xd800 && code < 0xe000) ? 2 : 3;
  }
  return length;
}

/**
 * An upper estimate of the serialised size of a record or a message (flat objects of strings, numbers and
 * nulls): V8 writes a string in one or two bytes per UTF-16 unit after a tag and a length of at most 5
 * bytes, a number in at most 9; a field's name is a one-byte string; 16 bytes cover the header and the
 * object's own tags. Summing the fields costs a fraction of a JSON.stringify per message.
 */
function valueBytes(value: TicketRecord | Message | HistoryEntry): number {
  let size = 16;
  for (const name in value) {
    const field: unknown = value[name as keyof typeof value];
    size += name.length + 6 + (typeof field === "string" ? 2 * field.length + 6 : 10);
  }
  return size;
}
