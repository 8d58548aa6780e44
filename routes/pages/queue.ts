/**
 * The staff queue's data and live stream: `/tickets/queue.json` (one page of the queue for the page's
 * filters, as the queue island shows it) and `/tickets/events` (server-sent events: the store's ticket change
 * counter whenever it moves). Both are for helpdesk staff only, refused on the server for reporters.
 *
 * The stream is pulled like the ticket stream (ticket_events.ts): the next value is read only when the
 * client took the previous one, and the watch keeps only the newest, so a slow client holds one number,
 * never a backlog; one that leaves an event untaken for STALL_MS is dropped.
 */
import { Hono } from "hono";
import type { Role, Status, Ticket } from "../../lib/data/mod.ts";
import {
  browseTickets,
  followQueue,
  type Helpdesk,
  needsCategoryCheck,
  queueCounts,
  queueVersion,
  visibleMessageCount,
} from "../../lib/helpdesk.ts";
import { waitingOn } from "../../lib/data/thread_state.ts";
import { CATEGORIES } from "../../lib/categories.ts";
import { STATUSES } from "../../lib/helpdesk.ts";
import { summary } from "../../lib/summary.ts";
import { type QueueRow, type QueueView, ticketNumber } from "../../components/queue_view.ts";
import { HEARTBEAT, heartbeatWait, pulledStream, type StreamTiming } from "./pulled_stream.ts";
import { type ListFilters, parseListFilters, searchOf } from "./list_filters.ts";
import type { RolePageEnv } from "./env.ts";

/** Rows per page of the ticket list (staff queue and reporter cards alike). */
export const PAGE_SIZE = 25;

/** One queue row of a ticket, as staff see it. */
function rowOf(ticket: Ticket, role: Role): QueueRow {
  return {
    id: ticket.id,
    number: ticketNumber(ticket.id),
    summary: summary(ticket.description),
    status: ticket.status,
    category: ticket.category,
    openedAt: ticket.openedAt,
    updatedAt: ticket.updatedAt,
    messages: visibleMessageCount(role, ticket),
    notes: role === "helpdesk" ? ticket.noteCount : 0,
    waitingOn: waitingOn(ticket),
    needsCheck: role === "helpdesk" && needsCategoryCheck(ticket),
  };
}

/**
 * One page of the queue for these filters, read at one version: the version is read first, so a change
 * committed while the rows are read makes the version older than the rows, never newer (the island then
 * reads once more, which is harmless).
 */
export async function queueViewOf(h: Helpdesk, role: Role, filters: ListFilters): Promise<QueueView> {
  const version = await queueVersion(h, role);
  const [page, perStatus] = await Promise.all([
    browseTickets(h, role, { ...filters, limit: PAGE_SIZE }),
    queueCounts(h, role),
  ]);
  const byStatus = Object.fromEntries(
    STATUSES.map((s) => [s, CATEGORIES.reduce((n, cat) => n + perStatus[s][cat], 0)]),
  ) as QueueView["counts"]["byStatus"];
  const statuses: readonly Status[] = filters.status === "unclosed"
    ? ["open", "active"]
    : filters.status
    ? [filters.status]
    : STATUSES;
  const byCategory = Object.fromEntries(
    CATEGORIES.map((cat) => [cat, statuses.reduce((n, s) => n + perStatus[s][cat], 0)]),
  ) as QueueView["counts"]["byCategory"];
  const search = searchOf(filters);
  const next = page.cursor
    ? `/tickets?${search ? `${search}&` : ""}${new URLSearchParams({ cursor: page.cursor })}`
    : null;
  return { rows: page.tickets.map((t) => rowOf(t, role)), counts: { byStatus, byCategory }, version, next };
}

/** Routes of the queue's data and event stream (register before `/tickets/:id`). */
export function queuePages(h: Helpdesk) {
  return new Hono<RolePageEnv>()
    .get("/tickets/queue.json", async (c) => {
      const role = c.get("role");
      const { filters, problem } = parseListFilters(c.req.query(), role);
      if (problem) return c.json({ error: problem.message, field: problem.field }, 400);
      return c.json(await queueViewOf(h, role, filters));
    })
    .get("/tickets/events", (c) => {
      const stream = queueEvents(h, c.get("role"));
      return new Response(stream, {
        headers: {
          "content-type": "text/event-stream; charset=utf-8",
          "cache-control": "no-cache, private",
          "x-accel-buffering": "no",
        },
      });
    });
}

/**
 * The queue's event stream for one client: `changed` with the counter's value now and after every ticket
 * commit (values the client already has are sent once; the island compares them with its version).
 * @testHook The queue test opens a stream with a short stall timeout.
 */
export function queueEvents(
  h: Helpdesk,
  role: Role,
  options: StreamTiming = {},
): ReadableStream<Uint8Array> {
  const changes = followQueue(h, role).getReader();
  let change: Promise<ReadableStreamReadResult<bigint>> | null = null;
  let sent: bigint | null = null;
  const heartbeat = heartbeatWait(options);
  const finish = () => {
    heartbeat.stop();
    changes.cancel().catch(() => {});
  };

  async function next(): Promise<string | null> {
    while (true) {
      const woken = await heartbeat.race(change ??= changes.read());
      if (woken === "beat") return HEARTBEAT;
      change = null;
      if (woken.done) return null;
      if (woken.value === sent) continue;
      sent = woken.value;
      return `event: changed\nid: ${sent}\ndata: ${JSON.stringify({ version: String(sent) })}\n\n`;
    }
  }

  return pulledStream(next, finish, options);
}
