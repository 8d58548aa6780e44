import type { Db } from "./db.ts";
import { keys } from "./keys.ts";
import type { CategoryCorrection } from "./types.ts";

/** Adds the write of a staff category correction to an atomic (one per ticket; the latest wins). */
export function writeCorrection(op: Deno.AtomicOperation, correction: CategoryCorrection): void {
  op.set(keys.correction(correction.ticketId), correction);
}

/** Every stored staff correction, for building the classifier at start-up. */
export async function listCorrections(db: Db): Promise<CategoryCorrection[]> {
  const corrections: CategoryCorrection[] = [];
  for await (const entry of db.kv.list<CategoryCorrection>({ prefix: keys.correctionPrefix() })) {
    corrections.push(entry.value);
  }
  return corrections;
}
