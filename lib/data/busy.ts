/**
 * Retrying a KV write that the local SQLite backend refused with "database is locked".
 *
 * Every process that opens the KV file takes SQLite's write lock for a moment while its backend starts
 * (schema check and expired-key sweep), even one that only reads afterwards (export, verify, the analytics
 * services), and there is no read-only `Deno.openKv`. A commit with checks starts as a read and must then
 * upgrade to a write; SQLite does not wait on an upgrade (it could deadlock), and Deno passes that refusal on:
 * if the lock is held at that instant, `commit()` rejects at once with a plain `TypeError: database is
 * locked` and writes nothing. The lock is gone within milliseconds, so a short wait and a new commit succeed.
 */

/** How long and how fast `retryWhileBusy` retries. */
interface RetryWhileBusyOptions {
  /** Total time after the first try within which retries may start; then the busy error is rethrown. */
  timeoutMs?: number;
  /** The longest single pause between tries. */
  maxDelayMs?: number;
}

// A reading process holds the lock for a few milliseconds, so 5 s is far beyond any real wait yet short
// enough that a request does not hang on a store that stays locked (a stuck writer, a crashed tool).
const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_MAX_DELAY_MS = 100;
// The first pauses are short because the lock is usually gone after one or two milliseconds.
const FIRST_DELAY_MS = 2;

/**
 * Tells whether `error` is the store's transient "busy/locked" refusal, after which a retry may succeed.
 * @testHook The busy tests check which errors count as busy.
 */
export function isBusyError(error: unknown): boolean {
  // Deno's own class for a busy resource, in case a backend (or a later Deno) reports it that way.
  if (error instanceof Deno.errors.Busy) return true;
  // The SQLite backend rejects with a bare TypeError, the class it uses for every backend failure, with no
  // code or cause; only SQLite's text for SQLITE_BUSY (and its extended codes) tells this one apart.
  return error instanceof TypeError && /^database is locked\b/.test(error.message);
}

/**
 * Runs `attempt` and, while it throws a busy error, runs it again after a jittered, growing pause until
 * `timeoutMs` has passed, then rethrows that error; any other error passes through at once.
 */
export async function retryWhileBusy<T>(
  attempt: () => Promise<T>,
  options: RetryWhileBusyOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxDelayMs = options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  const started = performance.now();
  for (let tries = 0;; tries++) {
    try {
      // `attempt` builds its atomic anew each time: a reused AtomicOperation re-sends the same mutations
      // (sums included) and checks, so each try stays independent of what an earlier one did or read.
      return await attempt();
    } catch (error) {
      if (!isBusyError(error)) throw error;
      const left = timeoutMs - (performance.now() - started);
      if (left <= 0) throw error;
      // Full jitter, so writers refused together do not all come back at the same moment.
      const ceiling = Math.min(maxDelayMs, FIRST_DELAY_MS * 2 ** tries);
      const pause = Math.min(left, Math.random() * ceiling);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
