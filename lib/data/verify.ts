/**
 * Checks every invariant between ticket records, their threads, the indexes and the counters, and lists
 * every difference. Used by `deno task verify` and by the tests as the oracle for "the store stays exact".
 *
 * It may run beside the app while it writes, and then reports only real differences:
 * - counters are read first, in getMany snapshots that include the change counter, whose versionstamp dates
 *   the snapshot; each ticket's state at that moment comes from the scan, or from the state log when the
 *   ticket changed after the snapshot (state_log.ts);
 * - a difference between a record and its indexes or thread, seen across two reads, is confirmed in one
 *   getMany snapshot of the record and the key in question before it is reported.
 */
import type { Db } from "./db.ts";
import { keys } from "./keys.ts";
import { type CountedState, replacedStates, STATE_LOG_MS } from "./state_log.ts";
import { contributionsOf } from "./ticket_effects.ts";
import { afterMessage, threadStateOf } from "./thread_state.ts";
import type { Message, StoredTicket, TicketRecord } from "./types.ts";
import { historyProblem, listHistory } from "./history.ts";

/** One difference between what is stored and what the records say. */
export interface Mismatch {
  key: Deno.KvKey;
  expected: string | null;
  actual: string | null;
  /** For a record whose own fields disagree with its thread: the fields that make it agree. */
  recordFix?: Partial<
    Pick<StoredTicket, "updatedAt" | "messageCount" | "noteCount" | "lastVisibleRole" | "lastNoteAt">
  >;
}

/** Thrown when counters could not be dated (the change log expired during a very long run). */
class VerifyIncompleteError extends Error {}

// getMany reads at most 10 keys: the change counter plus nine others per snapshot.
const SNAPSHOT_KEYS = 9;
const U64_MODULUS = 1n << 64n;

const id = (key: Deno.KvKey) => JSON.stringify(key);

interface CounterSnapshot {
  /** Versionstamp of the newest ticket commit the snapshot includes. */
  stamp: string;
  values: Map<string, { key: Deno.KvKey; value: bigint | null }>;
}

/** Every difference between the stored records, threads, indexes and counters (empty when all agree). */
export async function verifyStore(
  db: Db,
  options: { onTicket?: (count: number) => void } = {},
): Promise<Mismatch[]> {
  const started = Date.now();
  const snapshots = await readCounters(db);
  const oldestStamp = snapshots.reduce((min, s) => s.stamp < min ? s.stamp : min, snapshots[0].stamp);

  const expectedCounters = new Map<string, { key: Deno.KvKey; value: bigint }>();
  const addCounters = (state: CountedState, sign: bigint) => {
    for (const { key, delta } of contributionsOf(state as TicketRecord, db.timeZone).counters.values()) {
      const k = id(key);
      expectedCounters.set(k, { key, value: (expectedCounters.get(k)?.value ?? 0n) + sign * delta });
    }
  };
  const expectedIndexes = new Map<string, string>();
  // Tickets committed after some snapshot: their state at that snapshot is looked up, not assumed.
  const changed: { state: CountedState; versionstamp: string }[] = [];
  let firstOpenedStable: bigint | null = null;
  const mismatches: Mismatch[] = [];
  let count = 0;

  for await (const entry of db.kv.list<StoredTicket>({ prefix: keys.ticketPrefix() })) {
    options.onTicket?.(++count);
    const record = entry.value;
    addCounters(record, 1n);
    for (const key of contributionsOf(record, db.timeZone).indexes) expectedIndexes.set(id(key), record.id);
    if (entry.versionstamp > oldestStamp) changed.push({ state: record, versionstamp: entry.versionstamp });
    else {
      const opened = BigInt(Date.parse(record.openedAt));
      if (firstOpenedStable === null || opened < firstOpenedStable) firstOpenedStable = opened;
    }
    mismatches.push(...await checkThread(db, record));
    mismatches.push(...await checkHistory(db, record));
  }

  mismatches.push(...await checkIndexes(db, expectedIndexes));
  if (Date.now() - started > STATE_LOG_MS * 0.8) {
    throw new VerifyIncompleteError("verify ran longer than the state log keeps; counters were not checked");
  }
  mismatches.push(
    ...await checkCounters(db, snapshots, expectedCounters, changed, firstOpenedStable),
  );
  return mismatches;
}

/** Every counter's value, in snapshots dated by the change counter's versionstamp. */
async function readCounters(db: Db): Promise<CounterSnapshot[]> {
  const counterKeys: Deno.KvKey[] = [];
  for (const prefix of keys.sumCounterPrefixes()) {
    for await (const entry of db.kv.list({ prefix })) counterKeys.push(entry.key);
  }
  counterKeys.push(keys.firstOpenedAt());
  const chunks: Deno.KvKey[][] = [];
  for (let i = 0; i < counterKeys.length; i += SNAPSHOT_KEYS) {
    chunks.push(counterKeys.slice(i, i + SNAPSHOT_KEYS));
  }
  return await Promise.all(chunks.map(async (chunk) => {
    const [stamp, ...entries] = await db.kv.getMany<[Deno.KvU64, ...Deno.KvU64[]]>([
      keys.ticketChanges(),
      ...chunk,
    ]);
    const values = new Map<string, { key: Deno.KvKey; value: bigint | null }>();
    for (const e of entries) values.set(id(e.key), { key: e.key, value: e.value?.value ?? null });
    return { stamp: stamp.versionstamp ?? "", values };
  }));
}

/** The ticket's counted state as of versionstamp `stamp` (null: it did not exist yet). */
async function stateAt(
  db: Db,
  ticket: { state: CountedState; versionstamp: string },
  stamp: string,
  cache: Map<string, { versionstamp: string; state: CountedState }[]>,
): Promise<CountedState | null> {
  if (ticket.versionstamp <= stamp) return ticket.state;
  let earlier = cache.get(ticket.state.id);
  if (!earlier) cache.set(ticket.state.id, earlier = await replacedStates(db.kv, ticket.state.id));
  let found: CountedState | null = null;
  for (const { versionstamp, state } of earlier) {
    if (versionstamp <= stamp && versionstamp < ticket.versionstamp) found = state;
  }
  return found;
}

async function checkCounters(
  db: Db,
  snapshots: CounterSnapshot[],
  scanned: Map<string, { key: Deno.KvKey; value: bigint }>,
  changed: { state: CountedState; versionstamp: string }[],
  firstOpenedStable: bigint | null,
): Promise<Mismatch[]> {
  const mismatches: Mismatch[] = [];
  const cache = new Map<string, { versionstamp: string; state: CountedState }[]>();
  const seen = new Set<string>();
  for (const snapshot of snapshots) {
    // What the changed tickets contribute at this snapshot instead of what the scan saw.
    const adjust = new Map<string, bigint>();
    let firstOpened = firstOpenedStable;
    for (const ticket of changed) {
      const past = await stateAt(db, ticket, snapshot.stamp, cache);
      for (const [k, { delta }] of contributionsOf(ticket.state as TicketRecord, db.timeZone).counters) {
        adjust.set(k, (adjust.get(k) ?? 0n) - delta);
      }
      if (past) {
        for (const [k, { delta }] of contributionsOf(past as TicketRecord, db.timeZone).counters) {
          adjust.set(k, (adjust.get(k) ?? 0n) + delta);
        }
      }
      const opened = ticket.versionstamp <= snapshot.stamp || past
        ? BigInt(Date.parse(ticket.state.openedAt))
        : null;
      if (opened !== null && (firstOpened === null || opened < firstOpened)) firstOpened = opened;
    }
    for (const [k, { key, value }] of snapshot.values) {
      seen.add(k);
      const want = k === id(keys.firstOpenedAt())
        ? firstOpened
        : ((scanned.get(k)?.value ?? 0n) + (adjust.get(k) ?? 0n) + U64_MODULUS) % U64_MODULUS;
      const have = value;
      // A counter that went back to zero is the same as no counter.
      const wantText = want === null || want === 0n ? null : String(want);
      const haveText = have === null || have === 0n ? null : String(have);
      if (wantText !== haveText) mismatches.push({ key, expected: wantText, actual: haveText });
    }
  }
  // A counter the records need but that was not there when the counters were listed.
  const missing = [...scanned].filter(([k, { value }]) => !seen.has(k) && value !== 0n);
  for (const [, { key }] of missing) {
    const [stamp, entry] = await db.kv.getMany<[Deno.KvU64, Deno.KvU64]>([keys.ticketChanges(), key]);
    if (entry.value !== null) continue;
    const k = id(key);
    let want = scanned.get(k)!.value;
    for (const ticket of changed) {
      const past = await stateAt(db, ticket, stamp.versionstamp ?? "", cache);
      want -= contributionsOf(ticket.state as TicketRecord, db.timeZone).counters.get(k)?.delta ?? 0n;
      if (past) want += contributionsOf(past as TicketRecord, db.timeZone).counters.get(k)?.delta ?? 0n;
    }
    // Tickets committed after the scan are not in `changed`; only a quiet store makes this conclusive.
    if (stamp.versionstamp !== null && changed.every((t) => t.versionstamp <= stamp.versionstamp!)) {
      if (want !== 0n) mismatches.push({ key, expected: String(want), actual: null });
    }
  }
  return mismatches;
}

/** Index entries that disagree with the records, each confirmed in one snapshot with its record. */
async function checkIndexes(db: Db, expected: Map<string, string>): Promise<Mismatch[]> {
  const candidates = new Map<string, { key: Deno.KvKey; ticketId: string }>();
  const present = new Set<string>();
  for (const prefix of keys.indexPrefixes()) {
    for await (const entry of db.kv.list<string>({ prefix })) {
      const k = id(entry.key);
      present.add(k);
      if (expected.get(k) !== entry.value) {
        candidates.set(k, { key: entry.key, ticketId: String(entry.value ?? entry.key.at(-1)) });
      }
    }
  }
  for (const [k, ticketId] of expected) {
    if (!present.has(k)) candidates.set(k, { key: JSON.parse(k), ticketId });
  }
  const mismatches: Mismatch[] = [];
  for (const { key, ticketId } of candidates.values()) {
    const [record, index] = await db.kv.getMany<[StoredTicket, string]>([keys.ticket(ticketId), key]);
    const wanted = record.value !== null &&
      contributionsOf(record.value, db.timeZone).indexes.some((indexKey) => id(indexKey) === id(key));
    const want = wanted ? ticketId : null;
    const have = index.value === null ? null : String(index.value);
    if (want !== have) mismatches.push({ key, expected: want, actual: have });
  }
  return mismatches;
}

/**
 * A record's thread must be messages 1…messageCount of this ticket, in time order, no visible one after
 * updatedAt (internal notes do not move it), and the record's thread state must be the one its thread gives;
 * a message numbered beyond the count is confirmed against a fresh read of the record first.
 */
async function checkThread(db: Db, record: StoredTicket): Promise<Mismatch[]> {
  const count = record.messageCount ?? 0;
  const mismatches: Mismatch[] = [];
  const recordKey = keys.ticket(record.id);
  let newest = "";
  let newestVisible = "";
  let state = threadStateOf({});
  let expectedSeq = 1;
  const beyond: Message[] = [];
  for await (const entry of db.kv.list<Message>({ prefix: keys.messagePrefix(record.id) })) {
    const seq = entry.key[2];
    const message = entry.value;
    if (typeof seq !== "number" || message.seq !== seq || message.ticketId !== record.id) {
      mismatches.push({
        key: entry.key,
        expected: `message ${String(seq)} of ticket ${record.id}`,
        actual: `message ${message.seq} of ticket ${message.ticketId}`,
      });
      continue;
    }
    if (seq > count) {
      beyond.push(message);
      continue;
    }
    if (seq !== expectedSeq) {
      mismatches.push({ key: keys.message(record.id, expectedSeq), expected: "a message", actual: null });
    }
    expectedSeq = seq + 1;
    if (message.createdAt < newest) {
      mismatches.push({ key: entry.key, expected: `createdAt ≥ ${newest}`, actual: message.createdAt });
    }
    if (message.createdAt > newest) newest = message.createdAt;
    const internal = message.internal === true;
    if (!internal && message.createdAt > newestVisible) newestVisible = message.createdAt;
    state = afterMessage(state, { ...message, internal });
  }
  const stored = threadStateOf(record);
  const differs = (Object.keys(state) as (keyof typeof state)[]).filter((k) => state[k] !== stored[k]);
  if (differs.length > 0) {
    mismatches.push({
      key: recordKey,
      expected: differs.map((k) => `${k} ${state[k]}`).join(", "),
      actual: differs.map((k) => `${k} ${stored[k]}`).join(", "),
      recordFix: state,
    });
  }
  if (expectedSeq <= count) {
    mismatches.push({ key: keys.message(record.id, expectedSeq), expected: "a message", actual: null });
  }
  if (newestVisible > record.updatedAt) {
    mismatches.push({
      key: recordKey,
      expected: `updatedAt ≥ ${newestVisible} (its newest visible message)`,
      actual: `updatedAt ${record.updatedAt}`,
      recordFix: { updatedAt: newestVisible },
    });
  }
  for (const message of beyond) {
    // Committed after the record was read, with a newer record: only a record that still does not count
    // it, in the same snapshot, is a difference.
    const [now, again] = await db.kv.getMany<[StoredTicket, Message]>([
      recordKey,
      keys.message(record.id, message.seq),
    ]);
    if (again.value !== null && (now.value?.messageCount ?? 0) < message.seq) {
      mismatches.push({
        key: recordKey,
        expected: `messageCount ≥ ${message.seq}`,
        actual: `messageCount ${now.value?.messageCount ?? 0}`,
        recordFix: {
          messageCount: message.seq,
          ...(again.value.internal !== true && again.value.createdAt > (now.value?.updatedAt ?? "")
            ? { updatedAt: again.value.createdAt }
            : {}),
        },
      });
    }
  }
  return mismatches;
}

/**
 * A record's history must be entries 1…historyCount in time order whose last description, category and
 * status are the record's; a difference is confirmed against a fresh read (a change committed meanwhile).
 */
async function checkHistory(db: Db, record: StoredTicket): Promise<Mismatch[]> {
  if (historyProblem(record, await listHistory(db, record.id)) === null) return [];
  const fresh = await db.kv.get<StoredTicket>(keys.ticket(record.id));
  if (fresh.value === null) return [];
  const problem = historyProblem(fresh.value, await listHistory(db, record.id));
  if (problem === null) return [];
  return [{
    key: keys.historyPrefix(record.id),
    expected: "a history that agrees with the ticket",
    actual: problem,
  }];
}
