/**
 * Rewrites indexes and counters to what the ticket records say, for `deno task verify --repair`: after a
 * crash or a bug left them different, or to move the month counters to another campus time zone.
 * It writes without version checks, so it must run while no other process writes to the store.
 */
import type { Db } from "./db.ts";
import { keys } from "./keys.ts";
import { countTicketChange } from "./ticket_effects.ts";
import { type Mismatch, verifyStore } from "./verify.ts";

// Small commits stay far below Deno KV's per-commit limits whatever the key lengths.
const MUTATIONS_PER_COMMIT = 200;

// Counters are Deno.KvU64 values; every other repaired key is an index holding a ticket id.
const COUNTER_PREFIXES: Deno.KvKey[] = [
  keys.countByStatusCategory("open", "technical_it").slice(0, 1),
  keys.closedByOpenMonthPrefix(),
  keys.resolutionMsByOpenMonthPrefix(),
  keys.unclosedByOpenBucketPrefix("hour").slice(0, 1),
  keys.firstOpenedAt(),
];

function isCounter(key: Deno.KvKey): boolean {
  return COUNTER_PREFIXES.some((prefix) => prefix.every((part, i) => key[i] === part));
}

/**
 * Makes every index and counter match a recount from the records in `timeZone`, marks the store as kept
 * in that zone, and returns the differences it fixed. Takes the raw KV because a store whose counters
 * are in another zone cannot be opened as a Db until this has run.
 */
export async function repairStore(
  kv: Deno.Kv,
  timeZone: string,
  options: { onTicket?: (count: number) => void } = {},
): Promise<Mismatch[]> {
  const mismatches = await verifyStore({ kv, timeZone } satisfies Db, options);
  for (let i = 0; i < mismatches.length; i += MUTATIONS_PER_COMMIT) {
    const op = kv.atomic();
    for (const { key, expected } of mismatches.slice(i, i + MUTATIONS_PER_COMMIT)) {
      if (expected === null) op.delete(key);
      else if (isCounter(key)) op.set(key, new Deno.KvU64(BigInt(expected)));
      else op.set(key, expected);
    }
    await op.commit();
  }
  // Repaired indexes change what lists show: cached pages must not outlive them.
  const marker = kv.atomic().set(keys.timeZone(), timeZone);
  countTicketChange(marker);
  await marker.commit();
  return mismatches;
}
