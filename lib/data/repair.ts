/**
 * Rewrites indexes and counters to what the ticket records say, and makes records agree with their threads,
 * for `deno task verify --repair`: after a crash or a bug left them different, or to move the month counters
 * to another campus time zone. Index and counter writes carry no version checks, so it must run while no
 * other process writes to the store.
 */
import type { Db } from "./db.ts";
import { retryWhileBusy } from "./busy.ts";
import { keys } from "./keys.ts";
import { markDerivedLayout } from "./derived_layout.ts";
import { countTicketChange } from "./ticket_effects.ts";
import { writeTicket } from "./tickets.ts";
import { listMessages } from "./messages.ts";
import { threadStateOfThread } from "./thread_state.ts";
import { type Mismatch, verifyStore } from "./verify.ts";

// Small commits stay far below Deno KV's per-commit limits whatever the key lengths.
const MUTATIONS_PER_COMMIT = 200;

/**
 * Makes every index and counter match a recount from the records in `timeZone`, and every record match its
 * thread, marks the store as kept in that zone, and returns the differences it fixed. Open the store with
 * `anyTimeZone` to move its counters to the zone it was opened with.
 */
export async function repairStore(
  db: Db,
  options: { onTicket?: (count: number) => void } = {},
): Promise<Mismatch[]> {
  const { kv, timeZone } = db;
  const mismatches = await verifyStore(db, options);
  const records = mismatches.filter((m) => m.recordFix);
  // A history is what happened, not derived from the record: it is reported, never rewritten.
  const isDerived = (m: Mismatch) =>
    !m.recordFix && !keys.isHistory(m.key) && (keys.isCounter(m.key) || !keys.isMessage(m.key));
  // Record fixes go through the checked write, so their indexes, counters and state log stay in step. The
  // thread state is recounted from the messages the fixed record counts, whichever fix came first.
  for (const { key, recordFix } of records) {
    const id = String(key[1]);
    const thread = await listMessages(db, id);
    await writeTicket(db, id, (current) => {
      const messageCount = Math.max(current.messageCount, recordFix!.messageCount ?? 0);
      return {
        next: {
          ...current,
          updatedAt: recordFix!.updatedAt && recordFix!.updatedAt > current.updatedAt
            ? recordFix!.updatedAt
            : current.updatedAt,
          messageCount,
          ...threadStateOfThread(thread.filter((m) => m.seq <= messageCount)),
        },
      };
    });
  }
  // A record fix can move keys derived from updatedAt or the thread state: recount after it.
  const rest = (records.length > 0 ? await verifyStore(db) : mismatches).filter(isDerived);
  for (let i = 0; i < rest.length; i += MUTATIONS_PER_COMMIT) {
    const op = kv.atomic();
    for (const { key, expected } of rest.slice(i, i + MUTATIONS_PER_COMMIT)) {
      if (expected === null) op.delete(key);
      else if (keys.isCounter(key)) op.set(key, new Deno.KvU64(BigInt(expected)));
      else op.set(key, expected);
    }
    await retryWhileBusy(() => op.commit());
  }
  // Repaired indexes change what lists show: cached pages must not outlive them.
  const marker = kv.atomic().set(keys.timeZone(), timeZone);
  countTicketChange(marker);
  await retryWhileBusy(() => marker.commit());
  await markDerivedLayout(kv);
  return mismatches;
}
