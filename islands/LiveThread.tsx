/**
 * A ticket's thread. Without JavaScript it is a list and a plain form; hydrated, it receives new
 * messages live over server-sent events (resuming after the last message it shows, by its `seq`), posts
 * through the JSON API, and puts every `ticket` event into the ticket signal it shares with the summary and
 * the editor, so the whole page follows other people's changes.
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import type { Message, Role } from "../lib/data/types.ts";
import { FieldError } from "../components/FieldError.tsx";
import {
  fetchTicket,
  type LiveTicket,
  type LiveTicketSignal,
  updateLiveTicket,
} from "../components/live_ticket.ts";
import { RelativeTime } from "../components/Time.tsx";
import { isStaffReply } from "../lib/staff_reply.ts";
import { defineIsland } from "../lib/islands/define_island.tsx";
import { MAX_TEXT } from "../lib/limits.ts";

/** Props of the live thread. */
interface LiveThreadProps {
  ticket: LiveTicketSignal;
  /** Who reads: staff see internal notes (styled apart) and may write them; the server never sends them to reporters. */
  role: Role;
  /** The thread so far, oldest first, each with its position `seq` (1, 2, 3… in commit order). */
  messages: Message[];
  /** A refused message to show again, with its error. */
  draft?: string | null;
  error?: string | null;
  /**
   * For a reporter's own ticket: staff replies they had not seen before this page load. The tab title
   * shows it, grows with every staff reply arriving live, and clears once they use the page.
   */
  unreadReplies?: number | null;
  /** The refused message was to be an internal note. */
  draftInternal?: boolean;
}

/** The messages under a ticket and the form to write one. */
function LiveThread(props: LiveThreadProps) {
  const messages = useSignal(props.messages);
  const text = useSignal(props.draft ?? "");
  const internal = useSignal(props.draftInternal ?? false);
  const isStaff = props.role === "helpdesk";
  const error = useSignal(props.error ?? null);
  const sending = useSignal(false);
  const live = useSignal(false);
  const ticketId = props.ticket.peek().id;
  const unread = useSignal(props.unreadReplies ?? 0);
  const tracksUnread = props.unreadReplies !== null && props.unreadReplies !== undefined;

  useEffect(() => {
    if (!tracksUnread) return;
    const base = document.title.replace(/^\(\d+\) /, "");
    document.title = unread.value > 0 ? `(${unread.value}) ${base}` : base;
  }, [unread.value]);

  useEffect(() => {
    if (!tracksUnread) return;
    // Using the page (a click, a key, coming back to the tab) is reading it: the count clears and the
    // server notes the thread as seen, so My tickets agrees.
    const read = () => {
      if (unread.peek() === 0) return;
      unread.value = 0;
      const seq = messages.peek().at(-1)?.seq ?? 0;
      fetch(`/api/v1/tickets/${ticketId}/seen`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ seq }),
      }).catch(() => {});
    };
    const onVisible = () => document.visibilityState === "visible" && read();
    addEventListener("pointerdown", read);
    addEventListener("keydown", read);
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      removeEventListener("pointerdown", read);
      removeEventListener("keydown", read);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [ticketId]);

  useEffect(() => {
    if (props.ticket.peek().status === "closed") return;
    const last = messages.peek().at(-1)?.seq ?? 0;
    // On a reconnect EventSource sends the last event id (a message's seq) as Last-Event-ID by itself.
    const source = new EventSource(`/tickets/${ticketId}/events?after=${last}`);
    source.addEventListener("open", () => live.value = true);
    source.addEventListener("error", () => {
      live.value = false;
      // EventSource retries by itself unless the server refused the stream (e.g. the ticket closed meanwhile
      // and a reporter may no longer follow it): then show the ticket's latest state if it can still be read.
      if (source.readyState === EventSource.CLOSED) {
        fetchTicket(ticketId).then((fresh) => fresh && updateLiveTicket(props.ticket, fresh)).catch(() => {});
      }
    });
    source.addEventListener("message", (event) => add(JSON.parse((event as MessageEvent).data)));
    source.addEventListener("ticket", (event) => {
      const ticket = JSON.parse((event as MessageEvent).data) as LiveTicket;
      updateLiveTicket(props.ticket, ticket);
      // The stream ends after a ticket closes; reconnecting would only be refused.
      if (ticket.status === "closed") {
        source.close();
        live.value = false;
      }
    });
    return () => source.close();
  }, [ticketId]);

  /** Adds a message once (the stream and a post's answer may both bring it), keeping commit order. */
  function add(message: Message) {
    const current = messages.peek();
    const seen = (m: Message) => m.id === message.id || (message.seq !== undefined && m.seq === message.seq);
    if (current.some(seen)) return;
    messages.value = [...current, message].sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
    if (tracksUnread && isStaffReply(message)) unread.value++;
  }

  async function send(event: Event) {
    event.preventDefault();
    if (sending.value) return;
    sending.value = true;
    error.value = null;
    try {
      const res = await fetch(`/api/v1/tickets/${ticketId}/messages`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(
          isStaff && internal.value ? { text: text.value, internal: true } : { text: text.value },
        ),
      });
      const answer = await res.json();
      if (res.ok) {
        add(answer);
        text.value = "";
        internal.value = false;
      } else {
        error.value = answer.error ?? "Could not send the message";
      }
    } catch {
      error.value = "Could not reach the server; your message is kept, try again.";
    } finally {
      sending.value = false;
    }
  }

  const closed = props.ticket.value.status === "closed";
  return (
    <section class="thread" aria-labelledby="thread-heading">
      <div class="thread__head">
        <h2 id="thread-heading" class="section-title">Conversation</h2>
        {live.value && !closed && <span class="live-dot">Live</span>}
      </div>
      {messages.value.length === 0
        ? <p class="muted thread__empty">No messages yet.</p>
        : (
          <ol class="thread__list" aria-live="polite">
            {messages.value.map((m) => (
              <li key={m.id} class={`bubble bubble--${m.authorRole}${m.internal ? " bubble--internal" : ""}`}>
                {m.internal && <p class="bubble__note-label">Internal note — only staff see this</p>}
                <div class="bubble__meta">
                  <span class="bubble__author">
                    {m.authorName ?? (m.authorRole === "helpdesk" ? "Helpdesk" : "Reporter")}
                  </span>
                  {m.authorName && (
                    <span class="bubble__role">{m.authorRole === "helpdesk" ? "Helpdesk" : "Reporter"}</span>
                  )}
                  <RelativeTime iso={m.createdAt} />
                </div>
                <p class="bubble__text">{m.text}</p>
              </li>
            ))}
          </ol>
        )}
      {closed
        ? (
          <>
            <p class="muted thread__closed">This ticket is closed; its conversation is read-only.</p>
            {text.value.trim() !== "" && (
              <div class="field">
                <label for="message-unsent">Your unsent message (read-only, copy it if you need it)</label>
                <textarea id="message-unsent" rows={3} readOnly value={text.value} />
              </div>
            )}
          </>
        )
        : (
          <form class="thread__form" method="post" action={`/tickets/${ticketId}/messages`} onSubmit={send}>
            <div class="field">
              <label for="message-text">
                {internal.value ? "Write an internal note" : "Write a message"}
              </label>
              <textarea
                id="message-text"
                name="text"
                rows={3}
                maxLength={MAX_TEXT}
                required
                aria-invalid={error.value ? "true" : undefined}
                aria-describedby={error.value ? "message-error" : undefined}
                value={text.value}
                onInput={(e) => text.value = (e.target as HTMLTextAreaElement).value}
              />
              <FieldError id="message-error" message={error.value} />
            </div>
            {isStaff && (
              <div class="field field--check">
                <input
                  type="checkbox"
                  id="message-internal"
                  name="internal"
                  value="1"
                  checked={internal.value}
                  aria-describedby="message-internal-hint"
                  onChange={(e) => internal.value = (e.target as HTMLInputElement).checked}
                />
                <label for="message-internal">Internal note</label>
                <span class="hint" id="message-internal-hint">
                  Only staff see it; the reporter is not told.
                </span>
              </div>
            )}
            <div class="form-actions">
              <button type="submit" class="button" disabled={sending.value}>
                {sending.value ? "Sending…" : internal.value ? "Add internal note" : "Send message"}
              </button>
            </div>
          </form>
        )}
    </section>
  );
}

/** The LiveThread island: rendered on the server with its hydration marker, hydrated in the browser. */
export default defineIsland("LiveThread", LiveThread);
