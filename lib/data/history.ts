/**
 * A ticket's history: one entry per change (created, description, category, status), numbered 1, 2, 3… and
 * written in the same atomic commit as the change, so the history can never miss or invent one.
 */
import type { Db } from "./db.ts";
import { keys } from "./keys.ts";
import type { Actor, HistoryEntry, HistoryField, TicketRecord } from "./types.ts";

/** The fields whose changes the history records, in the order a change lists them. */
const TRACKED = ["description", "category", "status"] as const satisfies readonly HistoryField[];

/**
 * The entries that turn `before` into `after` (only `created` for a new ticket), numbered from `firstSeq`.
 * A field whose value did not change has no entry.
 */
export function historyOf(
  before: TicketRecord | null,
  after: TicketRecord,
  actor: Actor,
  at: string,
  firstSeq: number,
): HistoryEntry[] {
  const base = { at, actorRole: actor.role, actorName: actor.name };
  if (before === null) {
    return [{ seq: firstSeq, ...base, field: "created", from: null, to: after.description }];
  }
  const changed = TRACKED.filter((field) => before[field] !== after[field]);
  return changed.map((field, i) => ({
    seq: firstSeq + i,
    ...base,
    field,
    from: before[field],
    to: after[field],
  }));
}

/** Adds the writes of `entries` of ticket `ticketId` to `op`, each checked to be new. */
export function writeHistory(
  op: Deno.AtomicOperation,
  ticketId: string,
  entries: readonly HistoryEntry[],
): void {
  for (const entry of entries) {
    const key = keys.historyEntry(ticketId, entry.seq);
    op.check({ key, versionstamp: null }).set(key, entry);
  }
}

/** A ticket's history, oldest first, up to entry `throughSeq` when given (a range read, no scan). */
export async function listHistory(db: Db, ticketId: string, throughSeq?: number): Promise<HistoryEntry[]> {
  const selector: Deno.KvListSelector = throughSeq === undefined
    ? { prefix: keys.historyPrefix(ticketId) }
    : { start: keys.historyEntry(ticketId, 1), end: keys.historyEntry(ticketId, throughSeq + 1) };
  const entries: HistoryEntry[] = [];
  for await (const entry of db.kv.list<HistoryEntry>(selector)) entries.push(entry.value);
  return entries;
}

/** One entry of a ticket's history, or null. */
export async function getHistoryEntry(db: Db, ticketId: string, seq: number): Promise<HistoryEntry | null> {
  return (await db.kv.get<HistoryEntry>(keys.historyEntry(ticketId, seq))).value;
}

/**
 * The first way a history disagrees with its record, or null: entries numbered 1…historyCount in time
 * order, and the last value each entry names for description, category and status is the record's.
 */
export function historyProblem(
  record: TicketRecord & { historyCount?: number },
  history: readonly HistoryEntry[],
): string | null {
  const count = record.historyCount ?? 0;
  if (history.length !== count) return `${count} history entries, found ${history.length}`;
  const last: Partial<Record<HistoryField, string | null>> = {};
  for (const [i, entry] of history.entries()) {
    if (entry.seq !== i + 1) return `history entry ${i + 1} is numbered ${entry.seq}`;
    if (i > 0 && entry.at < history[i - 1].at) return `history entry ${i + 1} is older than the one before`;
    if (entry.field === "created" && i !== 0) {
      return `history entry ${i + 1} says created but is not the first`;
    }
    const field = entry.field === "created" ? "description" : entry.field;
    if (last[field] !== undefined && entry.from !== last[field]) {
      return `history entry ${i + 1} changes ${field} from a value it did not have`;
    }
    last[field] = entry.to;
  }
  for (const field of TRACKED) {
    if (last[field] !== undefined && last[field] !== record[field]) {
      return `the history's last ${field} is not the ticket's`;
    }
  }
  return null;
}
