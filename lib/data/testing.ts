/** Fixtures for tests of the data layer and above: a fresh in-memory store per test. */
import type { Db } from "./db.ts";
import { openStore } from "./open_store.ts";

/**
 * Opens a fresh in-memory store; close it with `db.kv.close()`.
 * @testHook
 */
export async function memoryDb(timeZone = "UTC"): Promise<Db> {
  return await openStore({ kv: await Deno.openKv(":memory:"), timeZone });
}
