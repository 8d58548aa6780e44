/**
 * Brings a store written by release 1 to the current layout when the writer opens it, so no thread is lost:
 * release 1 keyed messages by their ULID and kept no revision or message count in the record; now messages
 * are numbered in thread order and the record counts them. Format 3 adds the record's thread state (who
 * wrote the newest visible message, lib/data/thread_state.ts). Safe to interrupt: a rerun redoes the same
 * writes.
 */
import { retryWhileBusy } from "./busy.ts";
import { keys } from "./keys.ts";
import { fillThreadStates } from "./migrate_thread_state.ts";
import type { Message, StoredTicket } from "./types.ts";

/** The store layout this code writes. */
const STORE_FORMAT = 3;

// Messages moved per commit: far below Deno KV's 800 KiB per commit even with 5,000-character texts.
const MESSAGES_PER_COMMIT = 40;

/** Brings the store to the current format; returns how many tickets it changed. */
export async function migrateStore(kv: Deno.Kv): Promise<number> {
  const format = (await kv.get<number>(keys.storeFormat())).value ?? 1;
  if (format >= STORE_FORMAT) return 0;
  const changed = (format < 2 ? await renumberThreads(kv) : 0) + await fillThreadStates(kv);
  await retryWhileBusy(() => kv.atomic().set(keys.storeFormat(), STORE_FORMAT).commit());
  return changed;
}

/** Renumbers release-1 threads and completes release-1 records; returns how many tickets it changed. */
async function renumberThreads(kv: Deno.Kv): Promise<number> {
  let changed = 0;
  for await (const entry of kv.list<StoredTicket>({ prefix: keys.ticketPrefix() })) {
    if (entry.value.rev !== undefined && entry.value.messageCount !== undefined) continue;
    const id = entry.value.id;
    const legacy: Deno.KvEntry<Omit<Message, "seq">>[] = [];
    for await (const m of kv.list<Omit<Message, "seq">>({ prefix: keys.messagePrefix(id) })) {
      if (typeof m.key[2] === "string") legacy.push(m);
    }
    // Release 1 listed threads by ULID, which is creation time; sorting by the stored time first keeps the
    // numbered thread in time order even where two processes' ULIDs disagreed with it.
    const order = (m: Deno.KvEntry<Omit<Message, "seq">>) => `${m.value.createdAt}|${String(m.key[2])}`;
    legacy.sort((a, b) => order(a) < order(b) ? -1 : 1);
    const messages: Message[] = legacy.map((m, i) => ({ ...m.value, seq: i + 1 }));
    for (let i = 0; i < messages.length; i += MESSAGES_PER_COMMIT) {
      const op = kv.atomic();
      for (const m of messages.slice(i, i + MESSAGES_PER_COMMIT)) op.set(keys.message(id, m.seq), m);
      await retryWhileBusy(() => op.commit());
    }
    const newest = messages.map((m) => m.createdAt).sort().at(-1) ?? entry.value.updatedAt;
    const record: StoredTicket = {
      ...entry.value,
      updatedAt: newest > entry.value.updatedAt ? newest : entry.value.updatedAt,
      rev: 1,
      messageCount: messages.length,
    };
    await retryWhileBusy(() =>
      kv.atomic().set(keys.ticket(id), record).sum(keys.ticketChanges(), 1n).commit()
    );
    for (let i = 0; i < legacy.length; i += MESSAGES_PER_COMMIT) {
      const op = kv.atomic();
      for (const m of legacy.slice(i, i + MESSAGES_PER_COMMIT)) op.delete(m.key);
      await retryWhileBusy(() => op.commit());
    }
    changed++;
  }
  return changed;
}
