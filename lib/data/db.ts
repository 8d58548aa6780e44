import { ValidationError } from "../errors.ts";
import { retryWhileBusy } from "./busy.ts";
import { keys } from "./keys.ts";
import { migrateStore } from "./migrate.ts";
import { isTimeZone } from "./time_buckets.ts";

/** An open store: the KV handle plus the campus time zone its month counters are kept in. */
export interface Db {
  kv: Deno.Kv;
  timeZone: string;
}

/** Where a store is: a KV path or URL (a file, ":memory:", an https:// KV Connect URL), or a KV already open. */
type StoreSource = ({ kvPath: string } | { kv: Deno.Kv }) & { timeZone?: string };

/** How a process uses the store. */
interface StoreOptions {
  /** Never write: no time-zone marker, no migration (the analytics services, export, verify). */
  readOnly?: boolean;
  /** Open a store whose month counters are kept in another zone, so `verify --repair` can move them. */
  anyTimeZone?: boolean;
}

/** A store whose month counters are kept in another campus time zone than the one asked for. */
export class TimeZoneMismatchError extends Error {
  /** Names both zones and the two ways out. */
  constructor(readonly stored: string, readonly asked: string) {
    super(
      `this store's month counters are kept in time zone "${stored}", not "${asked}": ` +
        `set HELPDESK_TIMEZONE=${stored}, or rebuild them with "deno task verify --repair"`,
    );
  }
}

/**
 * Opens the helpdesk store every process works on. Month counters depend on the time zone, so a store whose
 * counters were built for another zone is refused rather than silently mixing two calendars. The writer
 * (not readOnly) marks a new store with its zone and brings an older store's layout up to date.
 */
export async function openStore(source: StoreSource, options: StoreOptions = {}): Promise<Db> {
  const kv = "kv" in source ? source.kv : await openKv(source.kvPath);
  const asked = source.timeZone ?? "UTC";
  if (!isTimeZone(asked)) throw new ValidationError(`unknown time zone "${asked}"`, "timeZone");
  const stored = await kv.get<string>(keys.timeZone());
  if (!options.anyTimeZone && stored.value !== null && stored.value !== asked) {
    throw new TimeZoneMismatchError(stored.value, asked);
  }
  if (!options.readOnly) {
    if (stored.value === null) {
      await retryWhileBusy(() => kv.atomic().check(stored).set(keys.timeZone(), asked).commit());
    }
    await migrateStore(kv);
  }
  return { kv, timeZone: asked };
}

/** Opens the KV at a path or URL, creating the folder of a local file first. */
async function openKv(path: string): Promise<Deno.Kv> {
  if (path !== ":memory:" && !/^https?:\/\//.test(path)) {
    const dir = path.replace(/[\\/][^\\/]*$/, "");
    if (dir && dir !== path) await Deno.mkdir(dir, { recursive: true });
  }
  return await Deno.openKv(path);
}
