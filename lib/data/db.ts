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

/**
 * Wraps an open KV as a helpdesk store. Month counters depend on the time zone, so a store whose counters
 * were built for another zone is refused rather than silently mixing two calendars.
 */
export async function openDb(kv: Deno.Kv, options: { timeZone?: string } = {}): Promise<Db> {
  const { timeZone, stored } = await checkTimeZone(kv, options.timeZone);
  if (stored.value === null) {
    await retryWhileBusy(() => kv.atomic().check(stored).set(keys.timeZone(), timeZone).commit());
  }
  await migrateStore(kv);
  return { kv, timeZone };
}

/** Opens a read-only view for processes that must not write (the analytics services): no time zone marker is set. */
export async function openReadOnlyDb(kv: Deno.Kv, options: { timeZone?: string } = {}): Promise<Db> {
  const { timeZone } = await checkTimeZone(kv, options.timeZone);
  return { kv, timeZone };
}

/** Validates the asked time zone and refuses a store whose counters are kept in another one. */
async function checkTimeZone(kv: Deno.Kv, asked = "UTC") {
  if (!isTimeZone(asked)) throw new ValidationError(`unknown time zone "${asked}"`, "timeZone");
  const stored = await kv.get<string>(keys.timeZone());
  if (stored.value !== null && stored.value !== asked) {
    throw new Error(
      `this store's month counters are kept in time zone "${stored.value}", not "${asked}": ` +
        `set HELPDESK_TIMEZONE=${stored.value}, or rebuild them with "deno task verify --repair"`,
    );
  }
  return { timeZone: asked, stored };
}
