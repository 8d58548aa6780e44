/**
 * The ticket page's live event stream (server-sent events): every message of the thread after the one the
 * page has, in thread order, and the ticket's new state after every change.
 *
 * Messages are numbered in commit order (lib/data/messages.ts), so "send every message after number N" is
 * exact by construction: none is skipped or repeated, also after a reconnect with `Last-Event-ID: N`.
 * A reporter's stream leaves out internal notes (a note moves neither the version nor updatedAt, so it
 * causes no `ticket` event either).
 * The stream is pulled: the next event is read from the store only when the client has taken the previous
 * one, so a client that stops reading holds one event in memory, never its thread; one that leaves an event
 * untaken for STALL_MS is dropped.
 */
import { Hono } from "hono";
import type { Message, Ticket } from "../../lib/data/mod.ts";
import { ValidationError } from "../../lib/errors.ts";
import {
  followThread,
  followTicket,
  type Helpdesk,
  mayReceive,
  needsCategoryCheck,
  viewTicket,
} from "../../lib/helpdesk.ts";
import type { Role } from "../../lib/data/types.ts";
import { messageWire, ticketWire } from "../../lib/wire.ts";
import type { RolePageEnv } from "./env.ts";
import { idOf } from "./ticket.tsx";
import { pageViewer } from "../reporter.ts";
import { HEARTBEAT, heartbeatWait, pulledStream, type StreamTiming } from "./pulled_stream.ts";

// Messages read from the store per list: enough to catch up quickly, little enough to hold per client.
const PAGE = 20;

/** The route of a ticket's event stream. */
export function ticketEventPages(h: Helpdesk) {
  const app = new Hono<RolePageEnv>();
  app.get("/tickets/:id/events", async (c) => {
    const id = idOf(c);
    const role = c.get("role");
    // Access is checked once, when the stream opens: a reporter's own closed ticket may be followed too.
    await viewTicket(h, await pageViewer(c, role, c.get("name")), id);
    const afterSeq = parseSeq(c.req.header("last-event-id") ?? c.req.query("after") ?? "0");
    return new Response(ticketEvents(h, role, id, afterSeq), {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, private",
        "x-accel-buffering": "no",
      },
    });
  });
  return app;
}

function parseSeq(raw: string): number {
  const seq = /^\d{1,9}$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isSafeInteger(seq)) {
    throw new ValidationError("after (or Last-Event-ID) must be a message number: 0, 1, 2…", "after");
  }
  return seq;
}

/**
 * The event stream of one ticket for one client, starting after message number `afterSeq`.
 * @testHook The events test opens a stream with a short stall timeout.
 */
export function ticketEvents(
  h: Helpdesk,
  role: Role,
  id: string,
  afterSeq: number,
  options: StreamTiming = {},
): ReadableStream<Uint8Array> {
  const changes = followTicket(h, id).getReader();
  let change: Promise<ReadableStreamReadResult<Ticket | null>> | null = null;
  let latest: Ticket | null | undefined;
  let sentState = "";
  let lastSeq = afterSeq;
  let pending: Message[] = [];
  const heartbeat = heartbeatWait(options);

  const finish = () => {
    // What a stalled client would have been sent next is let go at once, not when it finally leaves.
    pending = [];
    heartbeat.stop();
    changes.cancel().catch(() => {});
  };

  const event = (name: string, data: unknown, eventId?: number) =>
    `event: ${name}\n${eventId === undefined ? "" : `id: ${eventId}\n`}data: ${JSON.stringify(data)}\n\n`;

  // The next chunk to send, or null when the stream is over (the ticket closed, or the watch ended).
  async function next(): Promise<string | null> {
    while (true) {
      const message = pending.shift();
      if (message) {
        lastSeq = message.seq;
        // A reporter's stream moves past an internal note without sending it: the next event's id (a later
        // seq) still resumes exactly, and a reconnect after the note reads from behind it again and skips it.
        if (!mayReceive(role, message)) continue;
        return event("message", messageWire(message), message.seq);
      }
      if (latest === undefined) {
        const first = await (change ??= changes.read());
        change = null;
        if (first.done) return null;
        latest = first.value;
        continue;
      }
      if (latest === null) return null;
      if (lastSeq < latest.messageCount) {
        pending = await followThread(h, id, {
          afterSeq: lastSeq,
          throughSeq: latest.messageCount,
          limit: PAGE,
        });
        continue;
      }
      const state = `${latest.version}|${latest.updatedAt}`;
      if (state !== sentState) {
        sentState = state;
        return event("ticket", {
          ...ticketWire(latest),
          needsCategoryCheck: role === "helpdesk" && needsCategoryCheck(latest),
        });
      }
      if (latest.status === "closed") return null;
      // Caught up: wait for the next change, or send a heartbeat when none comes.
      const woken = await heartbeat.race(change ??= changes.read());
      if (woken === "beat") return HEARTBEAT;
      change = null;
      if (woken.done) return null;
      latest = woken.value;
    }
  }

  return pulledStream(next, finish, options);
}
