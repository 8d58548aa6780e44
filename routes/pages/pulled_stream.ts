/**
 * The mechanism both live streams share (a ticket's events, the staff queue's): server-sent events pulled by
 * the client. The next chunk is produced only when the client took the last one, so a slow client holds one
 * chunk, never a backlog; one that leaves a chunk untaken for the stall time is dropped; and a comment line
 * goes out when nothing happened for a while.
 */

/** How long an event may wait for a client that does not read before the client is dropped. */
export const STALL_MS = 30_000;
// A comment line this often keeps proxies from closing an idle stream and finds clients that left.
const HEARTBEAT_MS = 25_000;

/** The heartbeat's comment line. */
export const HEARTBEAT = ": still here\n\n";

/** Timing of a stream; tests shorten both. */
export interface StreamTiming {
  stallMs?: number;
  heartbeatMs?: number;
}

/**
 * Waits for the next change of a stream's source, or says "beat" when none came within the heartbeat time;
 * `stop` clears a pending wait when the stream ends.
 */
export function heartbeatWait(timing: StreamTiming) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    async race<T>(change: Promise<T>): Promise<T | "beat"> {
      const woken = await Promise.race([
        change,
        new Promise<"beat">((resolve) =>
          timer = setTimeout(() => resolve("beat"), timing.heartbeatMs ?? HEARTBEAT_MS)
        ),
      ]);
      clearTimeout(timer);
      return woken;
    },
    stop: () => clearTimeout(timer),
  };
}

/**
 * A byte stream of the chunks `next` produces (null ends it), each asked for only once the client took the
 * one before. `finish` lets go of what the source holds; it runs once, when the stream ends for any reason.
 */
export function pulledStream(
  next: () => Promise<string | null>,
  finish: () => void,
  timing: StreamTiming,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let stall: ReturnType<typeof setTimeout> | undefined;
  let finished = false;
  const end = () => {
    if (finished) return;
    finished = true;
    clearTimeout(stall);
    finish();
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      clearTimeout(stall);
      if (finished) return;
      const chunk = await next().catch((error) => {
        end();
        throw error;
      });
      if (finished) return;
      if (chunk === null) {
        end();
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(chunk));
      // The chunk now waits for the client to take it. A client that does not is dropped: the stream ends and
      // its source is let go. (The socket itself stays open until the client's side closes it: a server
      // write blocked on a full socket cannot be cut short from here.)
      stall = setTimeout(() => {
        end();
        controller.error(new Error("the client stopped reading"));
      }, timing.stallMs ?? STALL_MS);
    },
    cancel: end,
  }, { highWaterMark: 0 });
}
