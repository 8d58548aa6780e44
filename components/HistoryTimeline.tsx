import { diffWords } from "diff";
import { CATEGORY_LABELS } from "../lib/categories.ts";
import type { Category } from "../lib/categories.ts";
import type { HistoryEntry, Status } from "../lib/data/types.ts";
import { STATUS_LABELS } from "./Badges.tsx";
import { RelativeTime } from "./Time.tsx";

/** A description change as a word diff: removed words struck through, added ones marked. */
function DescriptionDiff({ from, to }: { from: string; to: string }) {
  return (
    <p class="history__diff">
      {diffWords(from, to).map((part, i) =>
        part.removed
          ? <del key={i}>{part.value}</del>
          : part.added
          ? <ins key={i}>{part.value}</ins>
          : <span key={i}>{part.value}</span>
      )}
    </p>
  );
}

/** Tells whether entry `i` is a category change made by the same change as the description before it. */
function followsDescription(history: HistoryEntry[], i: number): boolean {
  const [entry, before] = [history[i], history[i - 1]];
  return entry.field === "category" && before?.field === "description" && before.at === entry.at &&
    entry.actorRole === "reporter";
}

const who = (entry: HistoryEntry) =>
  `${entry.actorName ?? (entry.actorRole === "helpdesk" ? "Helpdesk staff" : "A reporter")}${
    entry.actorName ? ` (${entry.actorRole === "helpdesk" ? "helpdesk" : "reporter"})` : ""
  }`;

/** What one entry says, in words; `followed` marks a category the classifier chose again for a new text. */
function Change({ entry, followed }: { entry: HistoryEntry; followed: boolean }) {
  switch (entry.field) {
    case "created":
      return <p>Filed the ticket.</p>;
    case "description":
      return (
        <>
          <p>Changed the description:</p>
          <DescriptionDiff from={entry.from ?? ""} to={entry.to ?? ""} />
        </>
      );
    case "category":
      return (
        <p>
          {followed ? "Category followed the new description: " : "Category "}
          {CATEGORY_LABELS[entry.from as Category] ?? entry.from} →{" "}
          <strong>{CATEGORY_LABELS[entry.to as Category] ?? entry.to}</strong>.
        </p>
      );
    case "status":
      return (
        <p>
          Status {STATUS_LABELS[entry.from as Status] ?? entry.from} →{" "}
          <strong>{STATUS_LABELS[entry.to as Status] ?? entry.to}</strong>.
        </p>
      );
  }
}

/**
 * A ticket's history as a timeline, oldest first. Staff get a button under each description change to put
 * the text from before it back (a plain form, so it works without JavaScript).
 */
export function HistoryTimeline(
  props: {
    ticketId: string;
    history: HistoryEntry[];
    currentDescription: string;
    canRestore: boolean;
    now: Date;
  },
) {
  return (
    <section class="card history" aria-labelledby="history-heading">
      <h2 id="history-heading" class="section-title">History</h2>
      {props.history.length === 0
        ? <p class="muted">No changes recorded (this ticket is older than its history).</p>
        : (
          <ol class="history__list">
            {props.history.map((entry, i) => (
              <li key={entry.seq} class="history__item">
                <div class="history__meta">
                  <span class="history__who">{who(entry)}</span>
                  <RelativeTime iso={entry.at} now={props.now} />
                </div>
                <Change entry={entry} followed={followsDescription(props.history, i)} />
                {props.canRestore && entry.field === "description" && entry.from !== null &&
                  entry.from !== props.currentDescription && (
                  <form method="post" action={`/tickets/${props.ticketId}/history/${entry.seq}/restore`}>
                    <input type="hidden" name="baseDescription" value={props.currentDescription} />
                    <button type="submit" class="button button--ghost button--small">
                      Restore the text before this change
                    </button>
                  </form>
                )}
              </li>
            ))}
          </ol>
        )}
    </section>
  );
}
