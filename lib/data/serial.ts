/**
 * Runs the writes of one ticket one after another within this process. The commits stay checked (another
 * process or isolate can still race, and then the loser retries), but a burst of messages on one ticket no
 * longer turns into a crowd of conflicting commits that retry each other out.
 */

const queues = new WeakMap<Deno.Kv, Map<string, Promise<unknown>>>();

/** Runs `task` after every earlier task queued for the same ticket on the same store has settled. */
export function serialized<T>(kv: Deno.Kv, ticketId: string, task: () => Promise<T>): Promise<T> {
  let tails = queues.get(kv);
  if (!tails) queues.set(kv, tails = new Map());
  const run = (tails.get(ticketId) ?? Promise.resolve()).then(task);
  const tail = run.then(() => {}, () => {});
  tails.set(ticketId, tail);
  // The map holds only tickets with a write in flight.
  tail.then(() => {
    if (tails.get(ticketId) === tail) tails.delete(ticketId);
  });
  return run;
}
