/**
 * A short-lived log of each ticket's earlier counted states, so that `verify` beside the running app can
 * tell exactly what every ticket looked like at the moment it read the counters.
 *
 * Every commit that replaces a ticket record also stores the part of the replaced record that counters
 * depend on, under the versionstamp that record had. With the versionstamp of the change counter read in
 * the same snapshot as a counter, "the ticket's state at that moment" is the newest of its states whose
 * versionstamp is not later — no pause of the writers, no guessing.
 */
import { HOUR_MS } from "../time.ts";
import { keys } from "./keys.ts";
import type { TicketRecord } from "./types.ts";

/** How long earlier states are kept: far longer than a verify of a million tickets takes. */
export const STATE_LOG_MS = HOUR_MS;

/** The fields of a ticket that indexes and counters depend on. */
export type CountedState = Pick<TicketRecord, "id" | "status" | "category" | "openedAt" | "closedAt">;

/** The counted part of a record. */
function countedState(record: TicketRecord): CountedState {
  const { id, status, category, openedAt, closedAt } = record;
  return { id, status, category, openedAt, closedAt };
}

/** Adds to a ticket's commit the log entry of the state it replaces (which had `versionstamp`). */
export function logReplacedState(
  op: Deno.AtomicOperation,
  replaced: TicketRecord,
  versionstamp: string,
): void {
  op.set(keys.ticketState(replaced.id, versionstamp), countedState(replaced), { expireIn: STATE_LOG_MS });
}

/** A ticket's earlier states, oldest first, each with the versionstamp it had. */
export async function replacedStates(
  kv: Deno.Kv,
  id: string,
): Promise<{ versionstamp: string; state: CountedState }[]> {
  const states: { versionstamp: string; state: CountedState }[] = [];
  for await (const entry of kv.list<CountedState>({ prefix: keys.ticketStatePrefix(id) })) {
    states.push({ versionstamp: entry.key[2] as string, state: entry.value });
  }
  return states;
}
