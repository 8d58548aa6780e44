/**
 * One ticket: the summary island (header and staff status action), the live thread island and the editor
 * island, all sharing one signal of the ticket so the whole page follows the live event stream.
 */
import { type Context, Hono } from "hono";
import { signal } from "@preact/signals";
import { Layout } from "../../components/Layout.tsx";
import { type LiveTicket, liveTicketOf } from "../../components/live_ticket.ts";
import type { Category } from "../../lib/categories.ts";
import type { Message, Ticket } from "../../lib/data/mod.ts";
import { ConflictError, NotFoundError, ValidationError } from "../../lib/errors.ts";
import {
  changeTicket,
  type Helpdesk,
  needsCategoryCheck,
  postMessage,
  readThread,
  similarTicketsIfReady,
  type TicketChange,
  viewTicket,
} from "../../lib/helpdesk.ts";
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
  notice?: string;
}

function TicketPage(
  props: {
    ticket: Ticket;
    messages: Message[];
    similar: Ticket[] | null;
    c: Context<RolePageEnv>;
    state: PageState;
  },
) {
  const { ticket, messages, c, state } = props;
  const role = c.get("role");
  // One signal for the three islands; the thread keeps it current from the live event stream.
  const shared = signal<LiveTicket>(liveTicketOf(ticket, role === "helpdesk" && needsCategoryCheck(ticket)));
  return (
    <Layout title={`Ticket ${ticket.id.slice(-6)}`} role={role} name={c.get("name")}>
      <p class="breadcrumb">
        <a href="/tickets">← All tickets</a>
      </p>
      {state.notice && <p class="alert alert--success" role="status">{state.notice}</p>}
      <article class="ticket">
        <TicketSummary ticket={shared} role={role} />
        <div class="ticket__grid">
          <LiveThread
            ticket={shared}
            messages={messages}
            draft={state.messageDraft ?? null}
            error={state.messageError ?? null}
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
        {props.similar && <SimilarList tickets={props.similar} />}
      </article>
    </Layout>
  );
}

async function showTicket(h: Helpdesk, c: Context<RolePageEnv>, id: string, state: PageState, status = 200) {
  const role = c.get("role");
  const ticket = await viewTicket(h, role, id);
  const messages = await readThread(h, role, id);
  // Staff see the open tickets that may be the same problem; reporters find theirs while filing.
  const similar = role === "helpdesk" ? await similarTicketsIfReady(h, role, ticket.description, id) : null;
  return sendPage(
    c,
    <TicketPage ticket={ticket} messages={messages} similar={similar} c={c} state={state} />,
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
    return showTicket(h, c, idOf(c), { notice });
  });

  app.post("/tickets/:id", async (c) => {
    const id = idOf(c);
    const role = c.get("role");
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
      await changeTicket(h, role, id, { saw: saw as { description: string; category: Category } }, change);
    } catch (error) {
      if (error instanceof ConflictError) {
        return showTicket(h, c, id, { editDraft: draft, conflict: true }, 409);
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
    await changeTicket(h, c.get("role"), id, { saw: { status: from.data } }, { status: status.data });
    return c.redirect(`/tickets/${id}`, 303);
  });

  app.post("/tickets/:id/messages", async (c) => {
    const id = idOf(c);
    const form = await c.req.parseBody();
    const raw = field(form, "text") ?? "";
    const text = messageTextSchema.safeParse(raw);
    if (!text.success) {
      return showTicket(h, c, id, { messageDraft: raw, messageError: firstIssue(text.error).message }, 400);
    }
    await postMessage(h, c.get("role"), id, { text: text.data, authorName: nameFromCookie(c) });
    return c.redirect(`/tickets/${id}#thread-heading`, 303);
  });

  return app;
}
