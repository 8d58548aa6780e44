/**
 * Bulk writes of whole tickets with their threads, for `deno task import` and `deno task seed`.
 *
 * Tickets are packed several to an atomic commit, each commit staying under Deno KV's limits, and each
 * ticket is written with a "must not exist" check, so importing the same ticket twice never doubles its
 * counters. Like every writer of a local KV file, this must run while the web app is stopped (or on another
 * HELPDESK_KV): see "one writer process per local KV file" in the product notes.
 */
import type { Db } from "./db.ts";
import { retryWhileBusy } from "./busy.ts";
import { getManyChunked } from "./get_many.ts";
import { keys } from "./keys.ts";
import { contributionsOf, countTicketChange } from "./ticket_effects.ts";
import type { Message, StoredTicket, TicketRecord } from "./types.ts";

/** One ticket to import: its record, with its historical times, and its thread (seq 1, 2, 3… in order). */
export interface ImportItem {
  ticket: TicketRecord;
  messages: Message[];
}

/** The stored form of an imported record: its first revision, and a thread as long as the one imported. */
function storedOf(ticket: TicketRecord, messageCount: number): StoredTicket {
  return { ...ticket, rev: 1, messageCount };
}

/** What happened to one ticket: written now, or left alone because a ticket with its id exists. */
type ImportOutcome = "imported" | "exists";

// Deno KV's per-commit limits (checks 100, mutations 1000, keys 80 KiB, keys + values 800 KiB), with room
// to spare: the size estimates below are upper bounds for what the store keeps (ULID keys, JSON-like values).
const LIMITS = { checks: 100, mutations: 1000, keyBytes: 72 * 1024, bytes: 640 * 1024 };

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
  messages: Message[];
  /** The record, its indexes and its counters go in this piece (the last one of the ticket). */
  ticket: { indexes: Deno.KvKey[]; counters: Counters } | null;
  /** Cost of everything but the counters, which a commit shares among its tickets. */
  cost: Cost;
}

/**
 * Writes the tickets that do not exist yet, in as few commits as the limits allow, and says per ticket
 * (in input order) whether it was imported or already there. A repeated id within `items` counts once.
 *
 * For a new ticket the effects are those `applyTicketEffects(op, null, ticket)` writes — the indexes and
 * counters of `contributionsOf(ticket)` and the first-opened minimum — except that each commit adds up its
 * tickets' counters and writes each counter once, which keeps commits small and imports fast.
 */
export async function importTickets(db: Db, items: readonly ImportItem[]): Promise<ImportOutcome[]> {
  const outcomes: ImportOutcome[] = new Array(items.length).fill("exists");
  const existing = await existingIds(db, items.map((item) => item.ticket.id));
  const seen = new Set<string>();
  const fresh: number[] = [];
  items.forEach((item, i) => {
    if (existing.has(item.ticket.id) || seen.has(item.ticket.id)) return;
    seen.add(item.ticket.id);
    fresh.push(i);
  });
  const byId = new Map(fresh.map((i) => [items[i].ticket.id, i]));
  for (const group of packCommits(fresh.flatMap((i) => plan(items[i], db.timeZone)))) {
    for (const id of await commitPieces(db, group)) outcomes[byId.get(id)!] = "imported";
  }
  return outcomes;
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
  const { indexes, counters } = contributionsOf(item.ticket, timeZone);
  const checkKeyBytes = keyBytes(keys.ticket(id));
  // Every piece checks that the ticket does not exist yet, so a race can never write into a stored ticket.
  const base = (): Cost => ({ checks: 1, mutations: 0, keyBytes: checkKeyBytes, bytes: checkKeyBytes });
  const ticketKeys = [keys.ticket(id), ...indexes];
  const ticketCost: Cost = {
    checks: 0,
    mutations: ticketKeys.length,
    keyBytes: ticketKeys.reduce((n, k) => n + keyBytes(k), 0),
    bytes: ticketKeys.reduce((n, k) => n + keyBytes(k), 0) + valueBytes(item.ticket) + 64 * indexes.length,
  };
  const alone = add(add(ticketCost, countersCost(counters, new Set())), GROUP_COST);
  const pieces: Piece[] = [];
  let current: Piece = { item, messages: [], ticket: null, cost: base() };
  for (const message of item.messages) {
    const key = keys.message(id, message.seq);
    const size = {
      checks: 0,
      mutations: 1,
      keyBytes: keyBytes(key),
      bytes: keyBytes(key) + valueBytes(message),
    };
    if (current.messages.length > 0 && !fits(add(current.cost, alone), size)) {
      pieces.push(current);
      current = { item, messages: [], ticket: null, cost: base() };
    }
    current.messages.push(message);
    current.cost = add(current.cost, size);
  }
  current.ticket = { indexes, counters };
  current.cost = add(current.cost, ticketCost);
  pieces.push(current);
  return pieces;
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

/** Groups pieces, in order, into commits that stay within the limits. */
function* packCommits(pieces: Piece[]): Generator<Piece[]> {
  let group: Piece[] = [];
  let cost = GROUP_COST;
  let present = new Set<string>();
  for (const piece of pieces) {
    let extra = add(piece.cost, piece.ticket ? countersCost(piece.ticket.counters, present) : zero());
    if (group.length > 0 && !fits(cost, extra)) {
      yield group;
      group = [];
      cost = GROUP_COST;
      present = new Set();
      extra = add(piece.cost, piece.ticket ? countersCost(piece.ticket.counters, present) : zero());
    }
    group.push(piece);
    cost = add(cost, extra);
    for (const id of piece.ticket?.counters.keys() ?? []) present.add(id);
  }
  if (group.length > 0) yield group;
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
    for (const { item, messages, ticket: effects } of pending) {
      const { ticket } = item;
      op.check({ key: keys.ticket(ticket.id), versionstamp: null });
      for (const message of messages) op.set(keys.message(ticket.id, message.seq), message);
      if (!effects) continue;
      op.set(keys.ticket(ticket.id), storedOf(ticket, item.messages.length));
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
 * An upper estimate of a value's serialised size: V8 keeps a string in one or two bytes per UTF-16 unit,
 * never more than twice its JSON length; the 64 bytes cover the few numbers and tags of a record.
 */
function valueBytes(value: unknown): number {
  return 2 * JSON.stringify(value).length + 64;
}
