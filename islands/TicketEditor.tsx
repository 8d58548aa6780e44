/**
 * The ticket's edit form. Without JavaScript it posts to the server like any form; hydrated, it saves
 * through the JSON API with If-Match, shows errors next to the field and a conflict without losing the
 * draft, and follows live changes of the ticket it shares with the thread.
 */
import { useSignal, useSignalEffect } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { CATEGORIES, type Category, CATEGORY_LABELS } from "../lib/categories.ts";
import type { Role } from "../lib/data/types.ts";
import { FieldError } from "../components/FieldError.tsx";
import {
  fetchTicket,
  type LiveTicket,
  type LiveTicketSignal,
  updateLiveTicket,
} from "../components/live_ticket.ts";
import { defineIsland } from "../lib/islands/define_island.tsx";
import { DESCRIPTION_HINT, MAX_TEXT } from "../lib/limits.ts";

/** Props of the ticket editor. */
interface TicketEditorProps {
  ticket: LiveTicketSignal;
  role: Role;
  /** A draft to show instead of the stored description (after a refused save). */
  draft?: { description: string; category?: Category } | null;
  error?: { message: string; field?: string } | null;
  /** Set when the server refused the save because the ticket changed meanwhile. */
  conflict?: boolean;
}

/** What the person's draft started from: the edited fields as they last agreed with the ticket. */
type Base = Pick<LiveTicket, "description" | "category" | "version">;

const baseOf = (ticket: Base): Base => ({
  description: ticket.description,
  category: ticket.category,
  version: ticket.version,
});

/** The editable description (and, for staff, category) of a ticket. */
function TicketEditor(props: TicketEditorProps) {
  const isStaff = props.role === "helpdesk";
  const base = useSignal<Base>(baseOf(props.ticket.peek()));
  const description = useSignal(props.draft?.description ?? base.value.description);
  const category = useSignal<Category>(props.draft?.category ?? base.value.category);
  const error = useSignal(props.error ?? null);
  const conflict = useSignal(props.conflict ?? false);
  const notice = useSignal("");
  const saving = useSignal(false);
  // The conflict buttons need JavaScript; until hydration the banner explains the form way instead.
  const hydrated = useSignal(false);
  useEffect(() => {
    hydrated.value = true;
  }, []);

  /** The fields this person edits: the description, and for staff the category. */
  const edits = (t: Pick<LiveTicket, "description" | "category">) =>
    isStaff ? [t.description, t.category] : [t.description];
  const draftNow = () => ({ description: description.peek(), category: category.peek() });

  /**
   * Follows the latest ticket. Only a change to a field this person edits, while they have typed something
   * else into it, is a conflict; an untouched field takes the new value silently, and a change of status,
   * of a field they don't edit, or a new message just moves the base version along.
   */
  function follow(latest: LiveTicket) {
    const seen = base.peek();
    const draft = draftNow();
    const clash = (field: "description" | "category") =>
      latest[field] !== seen[field] && draft[field] !== seen[field] && draft[field] !== latest[field];
    if (clash("description") || (isStaff && clash("category"))) {
      conflict.value = true;
      return;
    }
    if (draft.description === seen.description) description.value = latest.description;
    if (!isStaff || draft.category === seen.category) category.value = latest.category;
    base.value = baseOf(latest);
  }

  useSignalEffect(() => {
    const latest = props.ticket.value;
    const seen = base.peek();
    if (latest.version === seen.version && edits(latest).join("\0") === edits(seen).join("\0")) return;
    if (!conflict.peek()) follow(latest);
  });

  const closed = props.ticket.value.status === "closed";

  async function save(event: Event) {
    event.preventDefault();
    if (saving.value) return;
    saving.value = true;
    error.value = null;
    notice.value = "";
    const sent = base.peek();
    const body: Record<string, string> = { description: description.value };
    if (isStaff) body.category = category.value;
    try {
      let version = sent.version;
      for (let attempt = 0;; attempt++) {
        const res = await fetch(`/api/v1/tickets/${props.ticket.peek().id}`, {
          method: "PATCH",
          headers: { "content-type": "application/json", "if-match": `"${version}"` },
          body: JSON.stringify(body),
        });
        const answer = await res.json().catch(() => ({}));
        if (res.ok) {
          base.value = baseOf(answer);
          description.value = answer.description;
          category.value = answer.category;
          conflict.value = false;
          notice.value = "Saved.";
          updateLiveTicket(props.ticket, answer);
          // The page may already show a newer state than this answer (a change right after the save).
          follow(props.ticket.peek());
          return;
        }
        if (res.status !== 409) {
          error.value = { message: answer.error ?? "Could not save", field: answer.field };
          return;
        }
        // Refused as stale: was it something this person edits, or only the status (or a message)?
        const fresh = await fetchTicket(props.ticket.peek().id);
        if (!fresh) {
          error.value = { message: "This ticket can no longer be changed; your text is kept above." };
          return;
        }
        updateLiveTicket(props.ticket, fresh);
        if (fresh.status === "closed") return; // The closed view takes over and keeps the text visible.
        const untouched = edits(fresh).join("\0") === edits(sent).join("\0");
        if (untouched && attempt === 0) {
          version = fresh.version;
          continue;
        }
        if (untouched) {
          error.value = { message: "The ticket changed again while saving; your text is kept, save again." };
        } else {
          conflict.value = true;
        }
        return;
      }
    } catch {
      error.value = { message: "Could not reach the server; your text is kept, try again." };
    } finally {
      saving.value = false;
    }
  }

  function takeLatest() {
    const latest = props.ticket.peek();
    base.value = baseOf(latest);
    description.value = latest.description;
    category.value = latest.category;
    conflict.value = false;
  }

  function keepMine() {
    base.value = baseOf(props.ticket.peek());
    conflict.value = false;
    notice.value = "Your text is kept. Save again to replace the other change.";
  }

  if (closed) {
    // Someone closed the ticket while this person was typing: keep their text where they can copy it.
    const unsaved = description.value !== props.ticket.value.description ? description.value : null;
    return (
      <div class="editor editor--closed">
        <h2 id="edit-heading" class="section-title">Edit ticket</h2>
        <p class="muted editor__closed">This ticket is closed; it can no longer be edited.</p>
        {unsaved !== null && (
          <div class="field">
            <label for="description-unsaved">Your unsaved text (read-only, copy it if you need it)</label>
            <textarea id="description-unsaved" rows={5} readOnly value={unsaved} />
          </div>
        )}
      </div>
    );
  }
  const fieldError = (field: string) => error.value?.field === field ? error.value.message : null;
  const latest = props.ticket.value;

  return (
    <form
      class="editor"
      method="post"
      action={`/tickets/${latest.id}`}
      onSubmit={save}
      aria-labelledby="edit-heading"
    >
      <h2 id="edit-heading" class="section-title">Edit ticket</h2>
      {conflict.value && (
        <div class="alert alert--warning" role="alert">
          <p>
            <strong>This ticket was changed since you opened it.</strong>{" "}
            Nothing was overwritten; your text is still below.
          </p>
          <p class="alert__current">Current description: “{latest.description}”</p>
          {isStaff && latest.category !== category.value && (
            <p class="alert__current">Current category: {CATEGORY_LABELS[latest.category]}</p>
          )}
          {!hydrated.value && <p>Saving again replaces the current version with your text.</p>}
          {hydrated.value && (
            <div class="alert__actions">
              <button type="button" class="button button--secondary" onClick={takeLatest}>
                Use the current version
              </button>
              <button type="button" class="button button--ghost" onClick={keepMine}>Keep my text</button>
            </div>
          )}
        </div>
      )}
      {/* Without JavaScript the server checks that these are still current before saving. */}
      <input type="hidden" name="baseDescription" value={base.value.description} />
      <input type="hidden" name="baseCategory" value={base.value.category} />
      <div class="field">
        <label for="description">Description</label>
        <p class="hint" id="description-hint">{DESCRIPTION_HINT}</p>
        <textarea
          id="description"
          name="description"
          rows={5}
          maxLength={MAX_TEXT}
          required
          aria-invalid={fieldError("description") ? "true" : undefined}
          aria-describedby={fieldError("description")
            ? "description-hint description-error"
            : "description-hint"}
          value={description.value}
          onInput={(e) => description.value = (e.target as HTMLTextAreaElement).value}
        />
        <FieldError id="description-error" message={fieldError("description")} />
      </div>
      {isStaff && (
        <div class="field">
          <label for="category">Category</label>
          <select
            id="category"
            name="category"
            aria-describedby="category-hint"
            value={category.value}
            onChange={(e) => category.value = (e.target as HTMLSelectElement).value as Category}
          >
            {CATEGORIES.map((c) => <option value={c} key={c}>{CATEGORY_LABELS[c]}</option>)}
          </select>
          <p class="hint" id="category-hint">
            {latest.categorySource === "staff"
              ? "Set by staff; it stays when the description changes."
              : "Chosen automatically. Saving confirms or corrects it, and the classifier learns from it."}
          </p>
          <FieldError id="category-error" message={fieldError("category")} />
        </div>
      )}
      {error.value && !error.value.field && <p class="field-error" role="alert">{error.value.message}</p>}
      <div class="form-actions">
        <button type="submit" class="button" disabled={saving.value}>
          {saving.value ? "Saving…" : "Save changes"}
        </button>
        <span class="notice" role="status" aria-live="polite">{notice.value}</span>
      </div>
    </form>
  );
}

/** The TicketEditor island: rendered on the server with its hydration marker, hydrated in the browser. */
export default defineIsland("TicketEditor", TicketEditor);
