/**
 * Keeps a store's indexes and counters in step with the code that derives them from the records. Every
 * index and counter comes from `contributionsOf` (ticket_effects.ts), so a release that adds one, or changes
 * how one is derived, only has to say so here: the writer that opens an older store rebuilds them all from
 * the records (repairStore) before it serves, and marks the store with the layout it now has.
 */
import { retryWhileBusy } from "./busy.ts";
import type { Db } from "./db.ts";
import { keys } from "./keys.ts";

// Bump when the rule that derives an existing index or counter changes; a new prefix is noticed by itself.
const DERIVATION_RULES = 1;

/**
 * The derived-key layout this code writes: its rule version and the first part of every index and counter.
 * @testHook The tests compare the store's marker with it.
 */
export function derivedLayout(): string {
  const prefixes = [...keys.sumCounterPrefixes(), ...keys.indexPrefixes()].map((prefix) => String(prefix[0]));
  return `${DERIVATION_RULES}:${prefixes.sort().join(",")}`;
}

/** Tells whether the store's indexes and counters were built by other rules than this code's. */
export async function derivedKeysOutdated(db: Db): Promise<boolean> {
  const [marker, anyTicket] = await Promise.all([
    db.kv.get<string>(keys.derivedLayout()),
    Array.fromAsync(db.kv.list({ prefix: keys.ticketPrefix() }, { limit: 1 })),
  ]);
  if (marker.value === derivedLayout()) return false;
  // A store with no ticket has nothing derived to rebuild: marking it is enough.
  if (anyTicket.length === 0) {
    await markDerivedLayout(db.kv);
    return false;
  }
  return true;
}

/** Records that the store's indexes and counters follow this code's layout (after a rebuild). */
export async function markDerivedLayout(kv: Deno.Kv): Promise<void> {
  await retryWhileBusy(() => kv.atomic().set(keys.derivedLayout(), derivedLayout()).commit());
}
