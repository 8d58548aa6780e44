/**
 * Recounts every index and counter from the ticket records and compares them with what is stored.
 * Used by `deno task verify` and by the tests as the oracle for "indexes and counters stay exact".
 */
import type { Db } from "./db.ts";
import { keys } from "./keys.ts";
import { contributionsOf } from "./ticket_effects.ts";
import { allTickets } from "./tickets.ts";

/** One difference between what is stored and what the records say. */
export interface Mismatch {
  key: Deno.KvKey;
  expected: string | null;
  actual: string | null;
}

const INDEX_PREFIXES = [
  ["tickets_by_status"],
  ["tickets_by_status_category"],
  keys.unclosedByOpenedAtPrefix(),
];
const COUNTER_PREFIXES = [
  ["stats_tickets_by_status_category"],
  keys.closedByOpenMonthPrefix(),
  keys.resolutionMsByOpenMonthPrefix(),
  ["stats_unclosed_by_open_bucket"],
];

/** Every difference between stored indexes/counters and a recount from the records (empty when all agree). */
export async function verifyStore(
  db: Db,
  options: { onTicket?: (count: number) => void } = {},
): Promise<Mismatch[]> {
  const expected = new Map<string, { key: Deno.KvKey; value: string }>();
  let firstOpened: bigint | null = null;
  let count = 0;
  for await (const ticket of allTickets(db)) {
    options.onTicket?.(++count);
    const { indexes, counters } = contributionsOf(ticket, db.timeZone);
    for (const key of indexes) expected.set(JSON.stringify(key), { key, value: ticket.id });
    for (const { key, delta } of counters.values()) {
      const id = JSON.stringify(key);
      const before = BigInt(expected.get(id)?.value ?? "0");
      expected.set(id, { key, value: String(before + delta) });
    }
    const opened = BigInt(Date.parse(ticket.openedAt));
    if (firstOpened === null || opened < firstOpened) firstOpened = opened;
  }
  if (firstOpened !== null) {
    expected.set(JSON.stringify(keys.firstOpenedAt()), {
      key: keys.firstOpenedAt(),
      value: String(firstOpened),
    });
  }

  const actual = new Map<string, { key: Deno.KvKey; value: string }>();
  for (const prefix of INDEX_PREFIXES) {
    for await (const entry of db.kv.list<string>({ prefix })) {
      actual.set(JSON.stringify(entry.key), { key: entry.key, value: String(entry.value) });
    }
  }
  for (const prefix of COUNTER_PREFIXES) {
    for await (const entry of db.kv.list<Deno.KvU64>({ prefix })) {
      // A counter that went back to zero is the same as no counter.
      if (entry.value.value === 0n) continue;
      actual.set(JSON.stringify(entry.key), { key: entry.key, value: String(entry.value.value) });
    }
  }
  const first = await db.kv.get<Deno.KvU64>(keys.firstOpenedAt());
  if (first.value !== null) {
    actual.set(JSON.stringify(keys.firstOpenedAt()), {
      key: keys.firstOpenedAt(),
      value: String(first.value.value),
    });
  }

  const mismatches: Mismatch[] = [];
  for (const [id, want] of expected) {
    if (want.value === "0") continue;
    const have = actual.get(id);
    if (have?.value !== want.value) {
      mismatches.push({ key: want.key, expected: want.value, actual: have?.value ?? null });
    }
  }
  for (const [id, have] of actual) {
    const want = expected.get(id);
    if (!want || want.value === "0") mismatches.push({ key: have.key, expected: null, actual: have.value });
  }
  return mismatches;
}
