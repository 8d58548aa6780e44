/** The ticket list (reporters: open and active; staff: everything, filterable) and the new-ticket form. */
import { Hono } from "hono";
import { z } from "zod";
import { Layout } from "../../components/Layout.tsx";
import { FieldError } from "../../components/FieldError.tsx";
import { TicketList } from "../../components/TicketList.tsx";
import { CATEGORIES, type Category, CATEGORY_LABELS } from "../../lib/categories.ts";
import { STATUSES } from "../../lib/helpdesk.ts";
import { browseTickets, fileTicket, type Helpdesk, needsCategoryCheck } from "../../lib/helpdesk.ts";
import {
  categorySchema,
  firstIssue,
  listStatusSchema,
  openedTimeSchema,
  ticketDescriptionSchema,
  ticketIdSchema,
} from "../../lib/schemas.ts";
import { MAX_TEXT } from "../../lib/limits.ts";
import { ValidationError } from "../../lib/errors.ts";
import { STATUS_LABELS } from "../../components/Badges.tsx";
import type { RolePageEnv } from "./env.ts";
import { sendPage } from "./render.tsx";

const PAGE_SIZE = 25;

const filtersSchema = z.object({
  status: listStatusSchema.optional().catch(undefined),
  category: categorySchema.optional().catch(undefined),
  cursor: ticketIdSchema.optional().catch(undefined),
});

/** The opening-time bounds of a list (`openedAfter`, `openedBefore`), refusing a bad one by name (400). */
function openedBounds(after: string | undefined, before: string | undefined) {
  const bounds: { openedAfter?: number; openedBefore?: number } = {};
  const params: Record<string, string> = {};
  for (const [name, raw] of [["openedAfter", after], ["openedBefore", before]] as const) {
    if (raw === undefined || raw === "") continue;
    const parsed = openedTimeSchema(name).safeParse(raw);
    if (!parsed.success) throw new ValidationError(firstIssue(parsed.error).message, name);
    bounds[name] = parsed.data;
    params[name] = raw;
  }
  const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");
  const label = bounds.openedAfter !== undefined && bounds.openedBefore !== undefined
    ? `Opened from ${iso(bounds.openedAfter)} to before ${iso(bounds.openedBefore)}.`
    : bounds.openedAfter !== undefined
    ? `Opened at or after ${iso(bounds.openedAfter)}.`
    : bounds.openedBefore !== undefined
    ? `Opened before ${iso(bounds.openedBefore)}.`
    : null;
  return { bounds, params, label };
}

function NewTicketForm(props: { draft?: string; error?: string | null }) {
  return (
    <form class="card form-card" method="post" action="/tickets">
      <div class="field">
        <label for="description">What is the problem?</label>
        <p class="hint" id="description-hint">
          Say where it is and what happens, in a few words (at least two), e.g. “The radiator in room E104 is
          cold since Monday”. We sort it into the right team automatically.
        </p>
        <textarea
          id="description"
          name="description"
          rows={7}
          maxLength={MAX_TEXT}
          required
          aria-invalid={props.error ? "true" : undefined}
          aria-describedby={props.error ? "description-hint description-error" : "description-hint"}
        >
          {props.draft ?? ""}
        </textarea>
        <FieldError id="description-error" message={props.error} />
      </div>
      <div class="form-actions">
        <button type="submit" class="button">File ticket</button>
        <a class="button button--ghost" href="/tickets">Cancel</a>
      </div>
    </form>
  );
}

/** Routes of the ticket list and the new-ticket form. */
export function ticketListPages(h: Helpdesk) {
  return new Hono<RolePageEnv>()
    .get("/tickets", async (c) => {
      const role = c.get("role");
      const filters = filtersSchema.parse(c.req.query());
      const status = role === "reporter" && filters.status === "closed" ? undefined : filters.status;
      // Links from the dashboard carry opening-time bounds; a bad one is refused by name, not ignored.
      const opened = openedBounds(c.req.query("openedAfter"), c.req.query("openedBefore"));
      const page = await browseTickets(h, role, {
        status,
        category: filters.category,
        cursor: filters.cursor,
        limit: PAGE_SIZE,
        ...opened.bounds,
      });
      const isStaff = role === "helpdesk";
      const next = page.cursor
        ? `/tickets?${new URLSearchParams({
          ...(status ? { status } : {}),
          ...(filters.category ? { category: filters.category } : {}),
          ...opened.params,
          cursor: page.cursor,
        })}`
        : null;
      const statusChoices = isStaff ? STATUSES : STATUSES.filter((s) => s !== "closed");
      return sendPage(
        c,
        <Layout title="Tickets" role={role} name={c.get("name")} nav="tickets">
          <div class="page-head">
            <div>
              <h1>{isStaff ? "All tickets" : "Open tickets"}</h1>
              <p class="muted">
                {isStaff
                  ? "Every ticket on campus, newest first."
                  : "Open and active tickets on campus, newest first. Closed tickets are archived."}
              </p>
            </div>
            <a class="button" href="/tickets/new">New ticket</a>
          </div>
          <form class="filters" method="get" action="/tickets" aria-label="Filter tickets">
            <div class="field field--inline">
              <label for="filter-status">Status</label>
              <select id="filter-status" name="status">
                <option value="">{isStaff ? "All statuses" : "Open and active"}</option>
                {statusChoices.map((s) => (
                  <option value={s} selected={s === status}>{STATUS_LABELS[s]}</option>
                ))}
                {isStaff && (
                  <option value="unclosed" selected={status === "unclosed"}>Open and active</option>
                )}
              </select>
            </div>
            <div class="field field--inline">
              <label for="filter-category">Category</label>
              <select id="filter-category" name="category">
                <option value="">All categories</option>
                {CATEGORIES.map((cat: Category) => (
                  <option value={cat} selected={cat === filters.category}>{CATEGORY_LABELS[cat]}</option>
                ))}
              </select>
            </div>
            {Object.entries(opened.params).map(([name, value]) => (
              <input type="hidden" name={name} value={value} />
            ))}
            <button type="submit" class="button button--secondary">Filter</button>
          </form>
          {opened.label && (
            <p class="muted opened-filter">
              {opened.label} <a href="/tickets">Show all tickets</a>
            </p>
          )}
          {page.tickets.length === 0
            ? (
              <div class="empty">
                <h2>No tickets here</h2>
                <p>
                  {status || filters.category
                    ? "Nothing matches these filters."
                    : "Nothing is open right now. Something broken or not working?"}
                </p>
                <a class="button" href="/tickets/new">File a ticket</a>
              </div>
            )
            : <TicketList tickets={page.tickets} showCheck={isStaff} isFlagged={needsCategoryCheck} />}
          <nav class="pager" aria-label="Pages">
            {filters.cursor && <a href="/tickets">Newest tickets</a>}
            {next && <a href={next}>Older tickets</a>}
          </nav>
        </Layout>,
      );
    })
    .get("/tickets/new", (c) =>
      sendPage(
        c,
        <Layout title="New ticket" role={c.get("role")} name={c.get("name")} nav="new">
          <div class="page-head">
            <h1>Report a problem</h1>
          </div>
          <NewTicketForm />
        </Layout>,
      ))
    .post("/tickets", async (c) => {
      const form = await c.req.parseBody();
      const raw = typeof form.description === "string" ? form.description : "";
      const parsed = ticketDescriptionSchema.safeParse(raw);
      if (!parsed.success) {
        return sendPage(
          c,
          <Layout title="New ticket" role={c.get("role")} name={c.get("name")} nav="new">
            <div class="page-head">
              <h1>Report a problem</h1>
            </div>
            <NewTicketForm draft={raw} error={firstIssue(parsed.error).message} />
          </Layout>,
          400,
        );
      }
      const ticket = await fileTicket(h, { description: parsed.data });
      return c.redirect(`/tickets/${ticket.id}?filed=1`, 303);
    });
}
