/**
 * Store format 3: records with a thread gain their thread state (lib/data/thread_state.ts), computed from
 * the thread, so "who is waiting" is right for tickets written before it existed. Records without messages
 * need nothing: a missing state already reads as "nobody wrote". The indexes that depend on the state are
 * derived keys, rebuilt from the records by the generic step that follows a change of derived prefixes.
 */
import { retryWhileBusy } from "./busy.ts";
import { keys } from "./keys.ts";
import { threadStateOfThread } from "./thread_state.ts";
import type { Message, StoredTicket } from "./types.ts";

/** Writes the thread state of every record that has messages and none; returns how many it wrote. */
export async function fillThreadStates(kv: Deno.Kv): Promise<number> {
  let changed = 0;
  for await (const entry of kv.list<StoredTicket>({ prefix: keys.ticketPrefix() })) {
    if (entry.value.noteCount !== undefined || !entry.value.messageCount) continue;
    const thread: Message[] = [];
    for await (const m of kv.list<Message>({ prefix: keys.messagePrefix(entry.value.id) })) {
      thread.push({ ...m.value, internal: m.value.internal === true });
    }
    const record: StoredTicket = { ...entry.value, ...threadStateOfThread(thread) };
    // Checked, so a record changed meanwhile (a rerun after a crash) is read again by the next run.
    await retryWhileBusy(() =>
      kv.atomic().check(entry).set(keys.ticket(record.id), record).sum(keys.ticketChanges(), 1n).commit()
    );
    changed++;
  }
  return changed;
}
