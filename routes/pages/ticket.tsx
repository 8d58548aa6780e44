/**
 * One ticket: the summary island (header and staff status action), the live thread island and the editor
 * island, all sharing one signal of the ticket so the whole page follows the live event stream.
 */
import { type Context, Hono } from "hono";
import { signal } from "@preact/signals";
import { Layout } from "../../components/Layout.tsx";
import { type LiveTicket, liveTicketOf } from "../../components/live_ticket.ts";
import type { Category } from "../../lib/categories.ts";
import type { HistoryEntry, Message, Ticket } from "../../lib/data/mod.ts";
import { ConflictError, NotFoundError, ValidationError } from "../../lib/errors.ts";
import {
  changeTicket,
  type Helpdesk,
  needsCategoryCheck,
  postMessage,
  readTicketWhole,
  restoreDescription,
  similarTicketsIfReady,
  type TicketChange,
  viewTicket,
} from "../../lib/helpdesk.ts";
import { lookAtTicket, privateLinkToken } from "../../lib/reporters.ts";
import { HistoryTimeline } from "../../components/HistoryTimeline.tsx";
import { PrivateLink } from "../../components/PrivateLink.tsx";
import LocalTimes from "../../islands/LocalTimes.tsx";
import { pageReporterKey, pageViewer } from "../reporter.ts";
import {
  categorySchema,
  firstIssue,
  messageTextSchema,
  statusSchema,
  ticketDescriptionSchema,
} from "../../lib/schemas.ts";
import { ticketIdSchema } from "../../lib/schemas.ts";
import TicketEditor from "../../islands/TicketEditor.tsx";
import LiveThread from "../../islands/LiveThread.tsx";
import TicketSummary from "../../islands/TicketSummary.tsx";
import { SimilarList } from "../../components/SimilarList.tsx";
import type { RolePageEnv } from "./env.ts";
import { nameFromCookie } from "../role.ts";
import { sendPage } from "./render.tsx";

/** What a re-rendered ticket page shows after a refused form post. */
interface PageState {
  editDraft?: { description: string; category?: Category };
  editError?: { message: string; field?: string };
  conflict?: boolean;
  messageDraft?: string;
  messageError?: string;
  /** The refused message was to be an internal note. */
  messageInternal?: boolean;
  notice?: string;
  /** A refusal the page explains at its top (e.g. a save on a ticket closed meanwhile). */
  warning?: string;
  /** Right after filing: the private link is shown open. */
  justFiled?: boolean;
}

/** What the page shows besides the ticket and its thread. */
interface PageExtras {
  history: HistoryEntry[];
  /** Staff replies this reporter had not seen before this view (null for staff). */
  unreadReplies: number | null;
  /** The private link's URL, for the reporter who filed the ticket. */
  privateLink: string | null;
  /** Whether the ticket is in this reporter's My tickets. */
  mine: boolean;
}

function TicketPage(
  props: {
    ticket: Ticket;
    messages: Message[];
    similar: Ticket[] | null;
    c: Context<RolePageEnv>;
    state: PageState;
    extras: PageExtras;
    now: Date;
  },
) {
  const { ticket, messages, c, state, extras } = props;
  const role = c.get("role");
  // One signal for the three islands; the thread keeps it current from the live event stream.
  const shared = signal<LiveTicket>(liveTicketOf(ticket, role === "helpdesk" && needsCategoryCheck(ticket)));
  const unread = extras.unreadReplies ?? 0;
  return (
    <Layout
      title={`${unread > 0 ? `(${unread}) ` : ""}Ticket ${ticket.id.slice(-6)}`}
      role={role}
      name={c.get("name")}
    >
      <p class="breadcrumb">
        {extras.mine ? <a href="/tickets?mine=1">← My tickets</a> : <a href="/tickets">← All tickets</a>}
      </p>
      {state.notice && <p class="alert alert--success" role="status">{state.notice}</p>}
      {state.warning && <p class="alert alert--warning" role="alert">{state.warning}</p>}
      {unread > 0 && (
        <p class="alert alert--info" role="status">
          {unread === 1 ? "1 new reply" : `${unread} new replies`} from the helpdesk since you last looked.
        </p>
      )}
      {extras.privateLink && <PrivateLink url={extras.privateLink} open={state.justFiled ?? false} />}
      <article class="ticket">
        <TicketSummary ticket={shared} role={role} />
        <div class="ticket__grid">
          <LiveThread
            ticket={shared}
            role={role}
            messages={messages}
            draft={state.messageDraft ?? null}
            error={state.messageError ?? null}
            unreadReplies={extras.mine ? unread : null}
            draftInternal={state.messageInternal ?? false}
          />
          <div class="card">
            <TicketEditor
              ticket={shared}
              role={role}
              draft={state.editDraft ?? null}
              error={state.editError ?? null}
              conflict={state.conflict ?? false}
            />
          </div>
        </div>
        <HistoryTimeline
          ticketId={ticket.id}
          history={extras.history}
          currentDescription={ticket.description}
          canRestore={role === "helpdesk" && ticket.status !== "closed"}
          now={props.now}
        />
        {props.similar && <SimilarList tickets={props.similar} />}
      </article>
      <LocalTimes label="times" />
    </Layout>
  );
}

async function showTicket(h: Helpdesk, c: Context<RolePageEnv>, id: string, state: PageState, status = 200) {
  const viewer = await pageViewer(c, c.get("role"), c.get("name"));
  const { ticket, messages, history } = await readTicketWhole(h, viewer, id);
  // Staff see the open tickets that may be the same problem; reporters find theirs while filing.
  const [look, similar] = await Promise.all([
    lookAtTicket(h, viewer, ticket),
    viewer.role === "helpdesk" ? similarTicketsIfReady(h, viewer.role, ticket.description, id) : null,
  ]);
  const token = look.via === "filed" ? await privateLinkToken(h, viewer, pageReporterKey(c), id) : null;
  const extras: PageExtras = {
    history,
    unreadReplies: viewer.role === "reporter" ? look.unreadReplies : null,
    privateLink: token ? `${new URL(c.req.url).origin}/t/${token}` : null,
    mine: look.via !== null,
  };
  return sendPage(
    c,
    <TicketPage
      ticket={ticket}
      messages={messages}
      similar={similar}
      c={c}
      state={state}
      extras={extras}
      now={h.now()}
    />,
    status,
  );
}

/** The ticket id of the path; anything that is not a ticket id is a 404. */
export function idOf(c: Context<RolePageEnv>): string {
  const id = c.req.param("id") ?? "";
  if (!ticketIdSchema.safeParse(id).success) throw new NotFoundError();
  return id;
}

function field(form: Record<string, unknown>, name: string): string | undefined {
  const value = form[name];
  return typeof value === "string" ? value : undefined;
}

/** Routes of the ticket page and its form posts (the live event stream is in ticket_events.ts). */
export function ticketPages(h: Helpdesk) {
  const app = new Hono<RolePageEnv>();

  app.get("/tickets/:id", (c) => {
    const notice = c.req.query("filed")
      ? "Thanks, your ticket is filed. The helpdesk will answer here."
      : undefined;
    return showTicket(h, c, idOf(c), { notice, justFiled: notice !== undefined });
  });

  app.post("/tickets/:id", async (c) => {
    const id = idOf(c);
    const viewer = await pageViewer(c, c.get("role"), c.get("name"));
    const form = await c.req.parseBody();
    const rawDescription = field(form, "description") ?? "";
    const rawCategory = field(form, "category");
    const draft = { description: rawDescription, category: rawCategory as Category | undefined };
    const change: TicketChange = {};
    const description = ticketDescriptionSchema.safeParse(rawDescription);
    if (!description.success) {
      const { message } = firstIssue(description.error);
      return showTicket(h, c, id, { editDraft: draft, editError: { message, field: "description" } }, 400);
    }
    change.description = description.data;
    if (rawCategory !== undefined) {
      const category = categorySchema.safeParse(rawCategory);
      if (!category.success) {
        const { message } = firstIssue(category.error);
        return showTicket(h, c, id, { editDraft: draft, editError: { message, field: "category" } }, 400);
      }
      change.category = category.data;
    }
    const saw = {
      description: field(form, "baseDescription") ?? "",
      category: field(form, "baseCategory") ?? "",
    };
    try {
      await changeTicket(h, viewer, id, { saw: saw as { description: string; category: Category } }, change);
    } catch (error) {
      if (error instanceof ConflictError) {
        const now = await viewTicket(h, viewer, id);
        const warning = now.status === "closed"
          ? "This ticket was closed while you were editing, so your change was not saved. " +
            "Your text is kept below so you can copy it."
          : undefined;
        return showTicket(h, c, id, { editDraft: draft, conflict: true, warning }, 409);
      }
      throw error;
    }
    return c.redirect(`/tickets/${id}`, 303);
  });

  app.post("/tickets/:id/status", async (c) => {
    const id = idOf(c);
    const form = await c.req.parseBody();
    const status = statusSchema.safeParse(field(form, "status"));
    if (!status.success) throw new ValidationError(firstIssue(status.error).message, "status");
    const from = statusSchema.safeParse(field(form, "from"));
    if (!from.success) throw new ValidationError("the form did not say which status it saw", "from");
    const viewer = await pageViewer(c, c.get("role"), c.get("name"));
    await changeTicket(h, viewer, id, { saw: { status: from.data } }, { status: status.data });
    return c.redirect(`/tickets/${id}`, 303);
  });

  app.post("/tickets/:id/messages", async (c) => {
    const id = idOf(c);
    const form = await c.req.parseBody();
    const raw = field(form, "text") ?? "";
    // The staff composer's checkbox; any value but absence asks for a note, and postMessage refuses a
    // reporter before anything is stored.
    const internal = form.internal !== undefined;
    const text = messageTextSchema.safeParse(raw);
    if (!text.success) {
      const messageError = firstIssue(text.error).message;
      return showTicket(h, c, id, { messageDraft: raw, messageError, messageInternal: internal }, 400);
    }
    const viewer = await pageViewer(c, c.get("role"), c.get("name"));
    await postMessage(h, viewer, id, { text: text.data, authorName: nameFromCookie(c), internal });
    return c.redirect(`/tickets/${id}#thread-heading`, 303);
  });

  app.post("/tickets/:id/history/:seq/restore", async (c) => {
    const id = idOf(c);
    const seq = /^\d{1,9}$/.test(c.req.param("seq")) ? Number(c.req.param("seq")) : NaN;
    if (!Number.isSafeInteger(seq)) throw new NotFoundError("This ticket has no change with that number.");
    const form = await c.req.parseBody();
    const viewer = await pageViewer(c, c.get("role"), c.get("name"));
    try {
      await restoreDescription(h, viewer, id, seq, {
        saw: { description: field(form, "baseDescription") ?? "" },
      });
    } catch (error) {
      if (error instanceof ConflictError) {
        const warning = "The description changed since you opened the page; nothing was restored. " +
          "Look at the history again and restore from there.";
        return showTicket(h, c, id, { warning }, 409);
      }
      throw error;
    }
    return c.redirect(`/tickets/${id}#history-heading`, 303);
  });

  return app;
}
