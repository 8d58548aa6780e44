/**
 * The ticket's edit form. Without JavaScript it posts to the server like any form; hydrated, it saves
 * through the JSON API with If-Match, shows errors next to the field and a conflict without losing the
 * draft, and follows live changes of the ticket it shares with the thread.
 */
import type { Signal } from "@preact/signals";
import { useSignal, useSignalEffect } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { CATEGORIES, type Category, CATEGORY_LABELS } from "../lib/categories.ts";
import type { Role, Ticket } from "../lib/data/types.ts";
import { FieldError } from "../components/FieldError.tsx";

/** What the editor needs from the ticket. */
export type EditableTicket = Pick<
  Ticket,
  "id" | "description" | "category" | "categorySource" | "status" | "version"
>;

/** Props of the ticket editor. */
export interface TicketEditorProps {
  ticket: Signal<EditableTicket>;
  role: Role;
  /** A draft to show instead of the stored description (after a refused save). */
  draft?: { description: string; category?: Category } | null;
  error?: { message: string; field?: string } | null;
  /** Set when the server refused the save because the ticket changed meanwhile. */
  conflict?: boolean;
}

const sameContent = (a: EditableTicket, b: EditableTicket) =>
  a.description === b.description && a.category === b.category && a.status === b.status;

/** The editable description (and, for staff, category) of a ticket. */
export default function TicketEditor(props: TicketEditorProps) {
  const base = useSignal(props.ticket.peek());
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

  // A new message changes the ticket's version without touching what is edited here: follow it silently.
  // A change to the description, category or status is someone else's edit: say so, keep the draft.
  useSignalEffect(() => {
    const latest = props.ticket.value;
    const seen = base.peek();
    if (latest.version === seen.version) return;
    if (sameContent(latest, seen)) base.value = latest;
    else conflict.value = true;
  });

  const closed = props.ticket.value.status === "closed";
  const isStaff = props.role === "helpdesk";

  async function save(event: Event) {
    event.preventDefault();
    if (saving.value) return;
    saving.value = true;
    error.value = null;
    notice.value = "";
    const body: Record<string, string> = { description: description.value };
    if (isStaff) body.category = category.value;
    try {
      const res = await fetch(`/api/v1/tickets/${base.value.id}`, {
        method: "PATCH",
        headers: { "content-type": "application/json", "if-match": `"${base.value.version}"` },
        body: JSON.stringify(body),
      });
      const answer = await res.json();
      if (res.ok) {
        base.value = answer;
        props.ticket.value = answer;
        description.value = answer.description;
        category.value = answer.category;
        conflict.value = false;
        notice.value = "Saved.";
      } else if (res.status === 409) {
        conflict.value = true;
      } else {
        error.value = { message: answer.error ?? "Could not save", field: answer.field };
      }
    } catch {
      error.value = { message: "Could not reach the server; your text is kept, try again." };
    } finally {
      saving.value = false;
    }
  }

  function takeLatest() {
    const latest = props.ticket.value;
    base.value = latest;
    description.value = latest.description;
    category.value = latest.category;
    conflict.value = false;
  }

  function keepMine() {
    base.value = props.ticket.value;
    conflict.value = false;
    notice.value = "Your text is kept. Save again to replace the other change.";
  }

  if (closed) {
    return <p class="muted">This ticket is closed; it can no longer be edited.</p>;
  }
  const fieldError = (field: string) => error.value?.field === field ? error.value.message : null;
  const latest = props.ticket.value;

  return (
    <form
      class="editor"
      method="post"
      action={`/tickets/${base.value.id}`}
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
        <textarea
          id="description"
          name="description"
          rows={5}
          maxLength={5000}
          required
          aria-invalid={fieldError("description") ? "true" : undefined}
          aria-describedby={fieldError("description") ? "description-error" : undefined}
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
