/**
 * Opening the store every process works on: the time-zone check, and for the writer the upgrades of an older
 * store (layout migrations, then indexes and counters rebuilt when this code derives other ones).
 */
import { ValidationError } from "../errors.ts";
import { retryWhileBusy } from "./busy.ts";
import { type Db, DerivedKeysOutdatedError, openKv, StoreOpenError, TimeZoneMismatchError } from "./db.ts";
import { derivedKeysOutdated } from "./derived_layout.ts";
import { keys } from "./keys.ts";
import { migrateStore } from "./migrate.ts";
import { repairStore } from "./repair.ts";
import { isTimeZone } from "./time_buckets.ts";

/** Where a store is: a KV path or URL (a file, ":memory:", an https:// KV Connect URL), or a KV already open. */
type StoreSource = ({ kvPath: string } | { kv: Deno.Kv }) & { timeZone?: string };

/** How a process uses the store. */
interface StoreOptions {
  /** Never write: no time-zone marker, no migration (the analytics services, export, verify). */
  readOnly?: boolean;
  /**
   * Open a store whose month counters are kept in another zone, so `verify --repair` can move them (that
   * tool rebuilds the indexes and counters itself, so opening does not).
   */
  anyTimeZone?: boolean;
}

/**
 * Opens the helpdesk store every process works on. Month counters depend on the time zone, so a store whose
 * counters were built for another zone is refused rather than silently mixing two calendars. The writer
 * (not readOnly) marks a new store with its zone and brings an older store's layout up to date, rebuilding
 * its indexes and counters when this code derives other ones than those it was built with.
 */
export async function openStore(source: StoreSource, options: StoreOptions = {}): Promise<Db> {
  const kv = "kv" in source ? source.kv : await openKv(source.kvPath);
  const asked = source.timeZone ?? "UTC";
  if (!isTimeZone(asked)) throw new ValidationError(`unknown time zone "${asked}"`, "timeZone");
  // The first read is still part of opening: a KV Connect URL is only checked (reachable, token accepted)
  // when it is first used, and some damaged files only fail once a page is read.
  const stored = await kv.get<string>(keys.timeZone()).catch((error) => {
    if ("kv" in source) throw error;
    kv.close();
    throw new StoreOpenError(source.kvPath, error);
  });
  if (!options.anyTimeZone && stored.value !== null && stored.value !== asked) {
    throw new TimeZoneMismatchError(stored.value, asked);
  }
  if (!options.readOnly) {
    if (stored.value === null) {
      await retryWhileBusy(() => kv.atomic().check(stored).set(keys.timeZone(), asked).commit());
    }
    await migrateStore(kv);
    const db = { kv, timeZone: asked };
    if (!options.anyTimeZone && await derivedKeysOutdated(db)) {
      // Several isolates may open a hosted store at once while others write: only a stopped app may rebuild.
      if ("kvPath" in source && /^https?:\/\//.test(source.kvPath)) {
        throw new StoreOpenError(source.kvPath, new DerivedKeysOutdatedError(source.kvPath));
      }
      await repairStore(db);
    }
  }
  return { kv, timeZone: asked };
}
