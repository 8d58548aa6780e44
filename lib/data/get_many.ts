/** Batched reads of many keys, for callers that need any number of entries, not one snapshot. */

// Deno KV refuses a getMany of more than 10 keys.
const GET_MANY_MAX = 10;

/**
 * Reads any number of keys in getMany calls of at most ten, all concurrently, and returns the entries in the
 * order of `keys`. The calls are separate reads, so unlike one getMany the result is not one snapshot.
 */
export async function getManyChunked<T>(
  kv: Deno.Kv,
  keys: readonly Deno.KvKey[],
): Promise<Deno.KvEntryMaybe<T>[]> {
  const calls: Promise<Deno.KvEntryMaybe<T>[]>[] = [];
  for (let i = 0; i < keys.length; i += GET_MANY_MAX) {
    calls.push(kv.getMany<T[]>(keys.slice(i, i + GET_MANY_MAX)));
  }
  return (await Promise.all(calls)).flat();
}
