/** Shared test fixtures: fresh in-memory stores and a controllable clock. */
import { type Db, openDb } from "../lib/data/mod.ts";

/** Opens a fresh in-memory store; close it with `db.kv.close()`. */
export async function memoryDb(timeZone = "UTC"): Promise<Db> {
  return await openDb(await Deno.openKv(":memory:"), { timeZone });
}

/** A clock that tests move by hand. */
export function manualClock(start = "2026-03-10T09:00:00.000Z") {
  let now = Date.parse(start);
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
    set(iso: string) {
      now = Date.parse(iso);
    },
  };
}
