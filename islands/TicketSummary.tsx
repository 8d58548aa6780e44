/**
 * The ticket page's header — status and category badges, the staff "check category" flag, the description
 * and the times — and the staff status action. Without JavaScript it is plain HTML and a plain form posting
 * to `/tickets/:id/status`; hydrated, it follows the ticket shared with the thread and the editor, so other
 * people's changes show without a reload, and the status button saves through the JSON API.
 */
import { useSignal, useSignalEffect } from "@preact/signals";
import { CategoryBadge, CheckCategoryBadge, STATUS_LABELS, StatusBadge } from "../components/Badges.tsx";
import {
  fetchTicket,
  type LiveTicket,
  type LiveTicketSignal,
  updateLiveTicket,
} from "../components/live_ticket.ts";
import { RelativeTime } from "../components/Time.tsx";
import type { Role, Status } from "../lib/data/types.ts";
import { defineIsland } from "../lib/islands/define_island.tsx";

/** Props of the ticket summary. */
interface TicketSummaryProps {
  ticket: LiveTicketSignal;
  role: Role;
}

/** The one step staff can take from each status. */
const NEXT_ACTION = {
  open: { to: "active", label: "Start work", hint: "Move to active when someone is on it." },
  active: { to: "closed", label: "Close ticket", hint: "Close it when the problem is solved." },
} as const satisfies Record<Exclude<Status, "closed">, { to: Status; label: string; hint: string }>;

/** The header of a ticket and, for staff, the button that moves its status on. */
function TicketSummary(props: TicketSummaryProps) {
  const ticket = props.ticket.value;
  const isStaff = props.role === "helpdesk";
  const saving = useSignal(false);
  const error = useSignal<string | null>(null);
  // Said to screen readers when the status changes while the page is open (by anyone).
  const announcement = useSignal("");
  const shownStatus = useSignal(ticket.status);
  useSignalEffect(() => {
    const status = props.ticket.value.status;
    if (status === shownStatus.peek()) return;
    shownStatus.value = status;
    error.value = null;
    announcement.value = `The ticket is now ${STATUS_LABELS[status].toLowerCase()}.`;
  });

  async function changeStatus(event: Event) {
    event.preventDefault();
    if (saving.value) return;
    const seen = props.ticket.peek();
    if (seen.status === "closed") return;
    const to = NEXT_ACTION[seen.status].to;
    saving.value = true;
    error.value = null;
    try {
      let answer = await patchStatus(seen, to);
      // A description or category edit meanwhile moved the version; the status is what this button is about.
      if (answer.status === 409) {
        const fresh = await fetchTicket(seen.id);
        if (fresh) {
          updateLiveTicket(props.ticket, fresh);
          if (fresh.status === seen.status) answer = await patchStatus(fresh, to);
          else return; // Someone else moved it already; the button now follows the live status.
        }
      }
      if (answer.ok) updateLiveTicket(props.ticket, answer.body as LiveTicket);
      else error.value = (answer.body as { error?: string }).error ?? "Could not change the status";
    } catch {
      error.value = "Could not reach the server; try again.";
    } finally {
      saving.value = false;
    }
  }

  const action = ticket.status === "closed" ? null : NEXT_ACTION[ticket.status];
  return (
    <>
      <header class="ticket__head">
        <div class="ticket__badges">
          <StatusBadge status={ticket.status} />
          <CategoryBadge category={ticket.category} />
          {isStaff && ticket.needsCategoryCheck && <CheckCategoryBadge />}
        </div>
        <h1 class="ticket__title">
          Ticket <span class="mono">#{ticket.id.slice(-6)}</span>
        </h1>
        <p class="ticket__description">{ticket.description}</p>
        <dl class="ticket__times">
          <div>
            <dt>Opened</dt>
            <dd>
              <RelativeTime iso={ticket.openedAt} />
            </dd>
          </div>
          {ticket.activatedAt && (
            <div>
              <dt>Active since</dt>
              <dd>
                <RelativeTime iso={ticket.activatedAt} />
              </dd>
            </div>
          )}
          {ticket.closedAt && (
            <div>
              <dt>Closed</dt>
              <dd>
                <RelativeTime iso={ticket.closedAt} />
              </dd>
            </div>
          )}
          <div>
            <dt>Last change</dt>
            <dd>
              <RelativeTime iso={ticket.updatedAt} />
            </dd>
          </div>
        </dl>
        <p class="sr-only" role="status" aria-live="polite">{announcement.value}</p>
      </header>
      {isStaff && action && (
        <form
          class="status-action card"
          method="post"
          action={`/tickets/${ticket.id}/status`}
          onSubmit={changeStatus}
        >
          {/* Without JavaScript the server checks that the status is still the one shown. */}
          <input type="hidden" name="from" value={ticket.status} />
          <input type="hidden" name="status" value={action.to} />
          <div class="status-action__text">
            <p class="status-action__hint">{action.hint}</p>
            {error.value && <p class="field-error" role="alert">{error.value}</p>}
          </div>
          <button type="submit" class="button" disabled={saving.value}>
            {saving.value ? "Saving…" : action.label}
          </button>
        </form>
      )}
    </>
  );
}

async function patchStatus(
  seen: Pick<LiveTicket, "id" | "version">,
  to: Status,
): Promise<{ ok: boolean; status: number; body: unknown }> {
  const res = await fetch(`/api/v1/tickets/${seen.id}`, {
    method: "PATCH",
    headers: { "content-type": "application/json", "if-match": `"${seen.version}"` },
    body: JSON.stringify({ status: to }),
  });
  return { ok: res.ok, status: res.status, body: await res.json().catch(() => ({})) };
}

/** The TicketSummary island: rendered on the server with its hydration marker, hydrated in the browser. */
export default defineIsland("TicketSummary", TicketSummary);
