/** A reporter's My tickets (`/tickets?mine=1`): the tickets of this browser's key, closed ones included. */
import type { Context } from "hono";
import { Layout } from "../../components/Layout.tsx";
import { TicketList } from "../../components/TicketList.tsx";
import type { Helpdesk } from "../../lib/helpdesk.ts";
import { myTickets } from "../../lib/reporters.ts";
import LocalTimes from "../../islands/LocalTimes.tsx";
import { pageViewer } from "../reporter.ts";
import type { RolePageEnv } from "./env.ts";
import { sendPage } from "./render.tsx";

const PAGE_SIZE = 25;

/** Sends the My tickets page from `cursor` on (staff get a 400 page: My tickets is for reporters). */
export async function sendMyTickets(h: Helpdesk, c: Context<RolePageEnv>, cursor: string | undefined) {
  const viewer = await pageViewer(c, c.get("role"), c.get("name"));
  // A reporter who entered before keys existed simply has no tickets yet; filing gives them a key.
  const page = viewer.role === "reporter" && viewer.reporterKeyHash === null
    ? { tickets: [], cursor: null }
    : await myTickets(h, viewer, { limit: PAGE_SIZE, cursor });
  const unread = new Map(page.tickets.map((t) => [t.id, t.unreadReplies]));
  const total = page.tickets.reduce((sum, t) => sum + t.unreadReplies, 0);
  const now = h.now();
  return sendPage(
    c,
    <Layout
      title={total > 0 ? `(${total}) My tickets` : "My tickets"}
      role={viewer.role}
      name={c.get("name")}
      nav="mine"
    >
      <div class="page-head">
        <div>
          <h1>My tickets</h1>
          <p class="muted">
            The tickets filed in this browser or opened with their private link, newest first, closed ones
            included. New replies from the helpdesk are marked.
          </p>
        </div>
        <a class="button" href="/tickets/new">New ticket</a>
      </div>
      {page.tickets.length === 0
        ? (
          <div class="empty">
            <h2>No tickets yet</h2>
            <p>
              Tickets you file here appear in this list. On another device, open the private link shown after
              filing to add a ticket here.
            </p>
            <a class="button" href="/tickets/new">File a ticket</a>
          </div>
        )
        : (
          <TicketList
            tickets={page.tickets}
            showCheck={false}
            isFlagged={() => false}
            unread={(t) => unread.get(t.id) ?? 0}
            now={now}
          />
        )}
      <nav class="pager" aria-label="Pages">
        {cursor && <a href="/tickets?mine=1">Newest tickets</a>}
        {page.cursor && (
          <a href={`/tickets?${new URLSearchParams({ mine: "1", cursor: page.cursor })}`}>Older tickets</a>
        )}
      </nav>
      {page.tickets.length > 0 && <LocalTimes label="times" />}
    </Layout>,
  );
}
