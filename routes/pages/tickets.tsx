/** The ticket list (reporters: open and active; staff: everything, filterable) and the new-ticket form. */
import { Hono } from "hono";
import { Layout } from "../../components/Layout.tsx";
import { FieldError } from "../../components/FieldError.tsx";
import { TicketList } from "../../components/TicketList.tsx";
import { CATEGORIES, type Category, CATEGORY_LABELS } from "../../lib/categories.ts";
import { STATUSES } from "../../lib/helpdesk.ts";
import { browseTickets, fileTicket, type Helpdesk, needsCategoryCheck } from "../../lib/helpdesk.ts";
import { SearchResults } from "../../components/SearchResults.tsx";
import SimilarTickets from "../../islands/SimilarTickets.tsx";
import { searchOnPage } from "./ticket_search.ts";
import { queryParamIsUtf8 } from "../query_encoding.ts";
import { firstIssue, ticketDescriptionSchema, ticketIdSchema } from "../../lib/schemas.ts";
import { MAX_TEXT } from "../../lib/limits.ts";
import { MAX_QUERY } from "../../lib/schemas.ts";
import { STATUS_LABELS } from "../../components/Badges.tsx";
import type { RolePageEnv } from "./env.ts";
import { sendPage } from "./render.tsx";
import { sendMyTickets } from "./my_tickets.tsx";
import { ensureReporterKey, pageReporterKey, pageViewer, viewerWithKey } from "../reporter.ts";
import LocalTimes from "../../islands/LocalTimes.tsx";
import { isoOf, type ListFilters, parseListFilters, searchOf } from "./list_filters.ts";
import { PAGE_SIZE, queueViewOf } from "./queue.ts";
import { QueueFilters } from "../../components/QueueFilters.tsx";
import StaffQueue from "../../islands/StaffQueue.tsx";

/** The words that say which opening times a list is narrowed to (links from the dashboard), or null. */
function openedLabel(filters: ListFilters): string | null {
  const { openedAfter: after, openedBefore: before } = filters;
  if (after !== undefined && before !== undefined) {
    return `Opened from ${isoOf(after)} to before ${isoOf(before)}.`;
  }
  if (after !== undefined) return `Opened at or after ${isoOf(after)}.`;
  if (before !== undefined) return `Opened before ${isoOf(before)}.`;
  return null;
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
      <SimilarTickets inputId="description" />
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
      if (c.req.query("mine") === "1") {
        const cursor = ticketIdSchema.safeParse(c.req.query("cursor"));
        return await sendMyTickets(h, c, cursor.success ? cursor.data : undefined);
      }
      const { filters, problem } = parseListFilters(c.req.query(), role);
      const { status } = filters;
      const isStaff = role === "helpdesk";
      // A search lists best matches first over status and category only; its pages go on by ticket id.
      const searchCursor = ticketIdSchema.safeParse(filters.cursor);
      const search = await searchOnPage(
        h,
        await pageViewer(c, role, c.get("name")),
        c.req.query("q"),
        queryParamIsUtf8(c.req.url, "q"),
        {
          status,
          category: filters.category,
          cursor: searchCursor.success ? searchCursor.data : undefined,
          limit: PAGE_SIZE,
        },
      );
      const filterQuery = searchOf(filters);
      const staffView = isStaff && !search.found ? await queueViewOf(h, role, filters) : null;
      const page = search.found ??
        (staffView ? null : await browseTickets(h, role, { ...filters, limit: PAGE_SIZE }));
      const opened = openedLabel(filters);
      const next = page?.cursor
        ? search.found
          ? `/tickets?${new URLSearchParams({
            q: search.q,
            ...(status ? { status } : {}),
            ...(filters.category ? { category: filters.category } : {}),
            cursor: page.cursor,
          })}`
          : `/tickets?${filterQuery ? `${filterQuery}&` : ""}${new URLSearchParams({ cursor: page.cursor })}`
        : null;
      const statusChoices = isStaff ? STATUSES : STATUSES.filter((s) => s !== "closed");
      const order = filters.sort === "updated" ? "latest activity first" : "newest first";
      return sendPage(
        c,
        <Layout title={isStaff ? "Queue" : "Tickets"} role={role} name={c.get("name")} nav="tickets">
          <div class="page-head">
            <div>
              <h1>{isStaff ? "Ticket queue" : "Open tickets"}</h1>
              <p class="muted">
                {search.found
                  ? `Tickets with every word of “${search.q}”, best match first.`
                  : isStaff
                  ? `Every ticket on campus, ${order}. It updates by itself while you work.`
                  : `Open and active tickets on campus, ${order}. Closed tickets are archived.`}
              </p>
            </div>
            <a class="button" href="/tickets/new">New ticket</a>
          </div>
          <form class="filters" method="get" action="/tickets" aria-label="Filter tickets">
            <div class="field field--inline filters__search">
              <label for="filter-q">Search</label>
              <input
                type="search"
                id="filter-q"
                name="q"
                value={search.q}
                maxLength={MAX_QUERY}
                placeholder="Words in the ticket or its messages"
                aria-invalid={search.error ? "true" : undefined}
                aria-describedby={search.error ? "filter-q-error" : undefined}
              />
              <FieldError id="filter-q-error" message={search.error} />
            </div>
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
            <QueueFilters filters={filters} problem={problem} />
            {filters.openedAfter !== undefined && (
              <input type="hidden" name="openedAfter" value={isoOf(filters.openedAfter)} />
            )}
            {filters.openedBefore !== undefined && (
              <input type="hidden" name="openedBefore" value={isoOf(filters.openedBefore)} />
            )}
            <button type="submit" class="button button--secondary">
              {search.q ? "Search" : "Filter"}
            </button>
          </form>
          {opened && (
            <p class="muted opened-filter">
              {opened} <a href="/tickets">Show all tickets</a>
            </p>
          )}
          {staffView
            ? <StaffQueue view={staffView} search={filterQuery} />
            : page!.tickets.length === 0
            ? search.found
              ? (
                <div class="empty">
                  <h2>No tickets match</h2>
                  <p>No ticket you can see contains all of these words. Try fewer or other words.</p>
                </div>
              )
              : (
                <div class="empty">
                  <h2>No tickets here</h2>
                  <p>
                    {status || filters.category || filters.waiting || opened
                      ? "Nothing matches these filters."
                      : "Nothing is open right now. Something broken or not working?"}
                  </p>
                  <a class="button" href="/tickets/new">File a ticket</a>
                </div>
              )
            : search.found
            ? <SearchResults matches={search.found.matches} now={h.now()} />
            : (
              <TicketList
                tickets={page!.tickets}
                showCheck={false}
                isFlagged={needsCategoryCheck}
                now={h.now()}
              />
            )}
          <nav class="pager" aria-label="More pages">
            {filters.cursor && (
              <a
                href={search.found
                  ? `/tickets?${new URLSearchParams({ q: search.q })}`
                  : filterQuery
                  ? `/tickets?${filterQuery}`
                  : "/tickets"}
              >
                {search.found ? "Best matches" : "First page"}
              </a>
            )}
            {next && <a href={next}>{search.found ? "More matches" : "Older tickets"}</a>}
          </nav>
          {page && page.tickets.length > 0 && <LocalTimes label="times" />}
        </Layout>,
        problem || search.error ? 400 : 200,
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
      // A reporter who entered before keys existed gets one now, so the ticket is theirs (a malformed key is
      // refused first: nothing is stored for it).
      const role = c.get("role");
      const key = role === "reporter" ? pageReporterKey(c) ?? ensureReporterKey(c) : null;
      const viewer = await viewerWithKey(role, key, c.get("name"));
      const ticket = await fileTicket(h, { description: parsed.data }, viewer);
      return c.redirect(`/tickets/${ticket.id}?filed=1`, 303);
    });
}
