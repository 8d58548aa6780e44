import assert from "node:assert/strict";
import { isBusyError, retryWhileBusy } from "./busy.ts";

/** What the SQLite backend throws when its write lock is taken (checked against a real refusal below). */
const busy = () => new TypeError("database is locked");

Deno.test("[data] isBusyError knows the backend's busy refusal and nothing else", () => {
  assert.equal(isBusyError(busy()), true);
  assert.equal(isBusyError(new Deno.errors.Busy("resource busy")), true);
  assert.equal(isBusyError(new TypeError("Database is closed.")), false);
  assert.equal(isBusyError(new TypeError("Can not write to a read-only database.")), false);
  // Only the backend's class with that text: an app error that happens to quote it is not retried.
  assert.equal(isBusyError(new Error("database is locked")), false);
  assert.equal(isBusyError("database is locked"), false);
  assert.equal(isBusyError(null), false);
});

Deno.test("[data] retryWhileBusy tries again until a busy attempt succeeds", async () => {
  let calls = 0;
  const result = await retryWhileBusy(() => {
    calls++;
    return calls <= 5 ? Promise.reject(busy()) : Promise.resolve("committed");
  });
  assert.equal(result, "committed");
  assert.equal(calls, 6);
});

Deno.test("[data] retryWhileBusy gives up after its time bound and rethrows the busy error", async () => {
  let calls = 0;
  let last: Error | null = null;
  const started = performance.now();
  await assert.rejects(
    retryWhileBusy(() => {
      calls++;
      last = busy();
      return Promise.reject(last);
    }, { timeoutMs: 200, maxDelayMs: 20 }),
    (error) => error === last,
  );
  const elapsed = performance.now() - started;
  assert.ok(elapsed >= 200, `kept trying for the whole bound (${elapsed.toFixed(0)} ms)`);
  assert.ok(elapsed < 200 + 150, `stopped soon after the bound (${elapsed.toFixed(0)} ms)`);
  assert.ok(calls > 5, `retried several times (${calls})`);
});

Deno.test("[data] retryWhileBusy passes any other error straight through", async () => {
  for (
    const error of [new TypeError("Database is closed."), new RangeError("too big"), new Error("conflict")]
  ) {
    let calls = 0;
    await assert.rejects(
      retryWhileBusy(() => {
        calls++;
        return Promise.reject(error);
      }),
      (thrown) => thrown === error,
    );
    assert.equal(calls, 1, `${error.message}: not retried`);
  }
});

// A separate process that only reads, the way export and verify do: open the file, read everything, close.
const READER = `
const [path, stop] = Deno.args;
let rounds = 0;
for (;;) {
  try { await Deno.stat(stop); break; } catch { /* not asked to stop yet */ }
  const kv = await Deno.openKv(path);
  await kv.get(["total"]);
  for await (const _ of kv.list({ prefix: [] })) { /* reads only */ }
  kv.close();
  rounds++;
}
console.log(rounds);
`;

/**
 * Commits from 8 concurrent writers, each a checked read-modify-write (the shape of a ticket update), into a
 * KV file that two reading processes open, read and close over and over. Stops once `enough` says so or
 * after `maxMs`; returns the writes tried, the refusals `commit()` itself threw, and the errors that reached
 * the writers.
 */
async function writeBesideReaders(
  commit: (attempt: () => Promise<Deno.KvCommitResult | Deno.KvCommitError>) => Promise<unknown>,
  enough: (stats: { writes: number; refused: number; failures: unknown[] }) => boolean,
  maxMs: number,
) {
  const dir = await Deno.makeTempDir({ prefix: "helpdesk_busy_" });
  const path = `${dir}/kv.sqlite3`;
  const stop = `${dir}/stop`;
  await Deno.writeTextFile(`${dir}/reader.ts`, READER);
  const kv = await Deno.openKv(path);
  const readers: Deno.ChildProcess[] = [];
  try {
    // Some data first, so each reader's scan takes a moment like a real export does.
    for (let i = 0; i < 200; i++) await kv.set(["seed", i], "x".repeat(200));
    for (let i = 0; i < 2; i++) {
      readers.push(
        new Deno.Command(Deno.execPath(), {
          args: [
            "run",
            "--unstable-kv",
            `--allow-read=${dir}`,
            `--allow-write=${dir}`,
            `${dir}/reader.ts`,
            path,
            stop,
          ],
          stdout: "piped",
          stderr: "piped",
        }).spawn(),
      );
    }
    const stats = { writes: 0, refused: 0, failures: [] as unknown[] };
    const stopAt = Date.now() + maxMs;
    await Promise.all(Array.from({ length: 8 }, async (_, writer) => {
      while (Date.now() < stopAt && !enough(stats)) {
        try {
          await commit(async () => {
            const current = await kv.get<number>(["writer", writer]);
            const result = await kv.atomic().check(current).set(["writer", writer], (current.value ?? 0) + 1)
              .sum(["total"], 1n).commit().catch((error) => {
                if (error instanceof TypeError && error.message === "database is locked") stats.refused++;
                throw error;
              });
            if (!result.ok) throw new Error("lost a race nobody else runs");
            return result;
          });
        } catch (error) {
          stats.failures.push(error);
        }
        stats.writes++;
      }
    }));
    // Every counted success is in the store exactly once: a refused commit wrote nothing.
    const total = (await kv.get<Deno.KvU64>(["total"])).value?.value ?? 0n;
    return { ...stats, stored: Number(total) };
  } finally {
    await Deno.writeTextFile(stop, "");
    for (const reader of readers) {
      const out = await reader.output();
      assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
      assert.ok(Number(new TextDecoder().decode(out.stdout)) > 0, "the reader opened and read the file");
    }
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("[data] without retry, a process that only reads the KV file makes checked commits fail", async () => {
  // Runs until the refusal shows up, which proves the retrying test below can fail. Should a later Deno retry
  // this inside the backend, this test says so, and retryWhileBusy becomes a harmless extra.
  const result = await writeBesideReaders((attempt) => attempt(), (s) => s.failures.length > 0, 30_000);
  assert.ok(result.failures.length > 0, `no commit was refused in ${result.writes} tries`);
  for (const error of result.failures) {
    assert.ok(error instanceof TypeError, String(error));
    assert.equal(error.message, "database is locked");
    assert.equal(isBusyError(error), true);
  }
  assert.equal(result.stored, result.writes - result.failures.length, "refused commits wrote nothing");
});

Deno.test("[data] through retryWhileBusy, readers opening the KV file never make a commit fail", async () => {
  // Enough writes to be a real load, and on until several refusals were met (and recovered from).
  const result = await writeBesideReaders(
    (attempt) => retryWhileBusy(attempt),
    (s) => s.writes >= 4000 && s.refused >= 3,
    30_000,
  );
  console.log(
    `${result.writes} writes, ${result.refused} refusals retried, ${result.failures.length} failed`,
  );
  assert.deepEqual(result.failures, []);
  assert.ok(
    result.refused > 0,
    `the readers caused no refusal in ${result.writes} commits; nothing was tested`,
  );
  assert.equal(result.stored, result.writes);
});
