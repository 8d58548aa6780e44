/**
 * What the store keeps for reporters without a login, all by hash (never the secret itself): which tickets
 * each reporter key has (My tickets, a range read per key), how much of each thread it has seen, and which
 * ticket a private link's token opens.
 */
import type { Db } from "./db.ts";
import { getManyChunked } from "./get_many.ts";
import { keys } from "./keys.ts";
import { getTickets } from "./tickets.ts";
import type { Ticket } from "./types.ts";

/** How a ticket came into a key's My tickets: filed with it, or added by opening the ticket's private link. */
export type MineVia = "filed" | "link";

/** Adds to `op` the entry that puts a ticket into a key's My tickets. */
export function addMineEntry(
  op: Deno.AtomicOperation,
  keyHash: string,
  ticketId: string,
  via: MineVia,
): void {
  op.set(keys.reporterTicket(keyHash, ticketId), via);
}

/** Adds to `op` the private link of a ticket: the hash of its token, pointing at the ticket. */
export function addLinkEntry(op: Deno.AtomicOperation, tokenHash: string, ticketId: string): void {
  op.set(keys.ticketLink(tokenHash), ticketId);
}

/** Puts a ticket into a key's My tickets unless it is there already (a filer stays its filer). */
export async function addToMine(db: Db, keyHash: string, ticketId: string, via: MineVia): Promise<void> {
  const key = keys.reporterTicket(keyHash, ticketId);
  await db.kv.atomic().check({ key, versionstamp: null }).set(key, via).commit();
}

/** How the ticket is in the key's My tickets, or null when it is not. */
export async function mineVia(db: Db, keyHash: string, ticketId: string): Promise<MineVia | null> {
  return (await db.kv.get<MineVia>(keys.reporterTicket(keyHash, ticketId))).value;
}

/** The ticket a private link's token hash opens, or null. */
export async function ticketOfLink(db: Db, tokenHash: string): Promise<string | null> {
  return (await db.kv.get<string>(keys.ticketLink(tokenHash))).value;
}

/** One page of a key's My tickets, newest first, with how many messages of each the key has seen. */
interface MinePage {
  tickets: Ticket[];
  seen: Map<string, number>;
  cursor: string | null;
}

/** A key's tickets newest first (ticket ids are ULIDs), `limit` per page after `cursor`: a range read. */
export async function listMine(
  db: Db,
  keyHash: string,
  query: { limit: number; cursor?: string },
): Promise<MinePage> {
  const prefix = keys.reporterTicketsPrefix(keyHash);
  const selector = query.cursor ? { prefix, end: keys.reporterTicket(keyHash, query.cursor) } : { prefix };
  const ids: string[] = [];
  const options = { reverse: true, limit: query.limit + 1, batchSize: query.limit + 1 };
  for await (const entry of db.kv.list(selector, options)) ids.push(String(entry.key[2]));
  const pageIds = ids.slice(0, query.limit);
  const [tickets, seen] = await Promise.all([getTickets(db, pageIds), seenCounts(db, keyHash, pageIds)]);
  return { tickets, seen, cursor: ids.length > query.limit ? pageIds[pageIds.length - 1] : null };
}

/** How many messages of each ticket the key has seen (0 for one it never opened). */
async function seenCounts(db: Db, keyHash: string, ids: readonly string[]): Promise<Map<string, number>> {
  const entries = await getManyChunked<number>(db.kv, ids.map((id) => keys.reporterSeen(keyHash, id)));
  return new Map(ids.map((id, i) => [id, entries[i].value ?? 0]));
}

/** How many messages of the ticket the key has seen. */
export async function seenCount(db: Db, keyHash: string, ticketId: string): Promise<number> {
  return (await db.kv.get<number>(keys.reporterSeen(keyHash, ticketId))).value ?? 0;
}

/** Records that the key has seen the ticket's thread up to message `seq` (never moving back). */
export async function markSeen(db: Db, keyHash: string, ticketId: string, seq: number): Promise<void> {
  const key = keys.reporterSeen(keyHash, ticketId);
  for (let attempt = 0; attempt < 5; attempt++) {
    const entry = await db.kv.get<number>(key);
    if ((entry.value ?? 0) >= seq) return;
    if ((await db.kv.atomic().check(entry).set(key, seq).commit()).ok) return;
  }
}

/** Every ticket id in a key's My tickets, up to `limit` of the newest (a range read of the key's entries). */
export async function mineIds(db: Db, keyHash: string, limit: number): Promise<Set<string>> {
  const ids = new Set<string>();
  const options = { reverse: true, limit, batchSize: Math.min(limit, 500) };
  for await (const entry of db.kv.list({ prefix: keys.reporterTicketsPrefix(keyHash) }, options)) {
    ids.add(String(entry.key[2]));
  }
  return ids;
}
