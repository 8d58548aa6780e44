/**
 * The thread state a ticket record keeps (note count, who wrote the newest visible message, the newest
 * note's time) and the one rule that derives "who is waiting" from it. Writes move it message by message in
 * the same commit as the message; import and verify compute it from a whole thread; both agree by
 * construction because the whole-thread form is a fold of the one-message step.
 */
import type { Message, Role, Status, ThreadState, WaitingOn } from "./types.ts";

/** The thread state of a record, with what release-1 records lack read as "no notes, nobody wrote". */
export function threadStateOf(record: Partial<ThreadState>): ThreadState {
  return {
    noteCount: record.noteCount ?? 0,
    lastVisibleRole: record.lastVisibleRole ?? null,
    lastNoteAt: record.lastNoteAt ?? null,
  };
}

/** The thread state after one more message. */
export function afterMessage(
  state: ThreadState,
  message: Pick<Message, "internal" | "authorRole" | "createdAt">,
): ThreadState {
  return message.internal
    ? { ...state, noteCount: state.noteCount + 1, lastNoteAt: message.createdAt }
    : { ...state, lastVisibleRole: message.authorRole };
}

/** The thread state of a whole thread, oldest message first. */
export function threadStateOfThread(
  messages: readonly Pick<Message, "internal" | "authorRole" | "createdAt">[],
): ThreadState {
  return messages.reduce(afterMessage, threadStateOf({}));
}

/**
 * Who a ticket waits for: nobody once it is closed; the reporter when the newest message a reporter can see
 * is staff's; otherwise (no staff reply yet, or the reporter wrote last) the helpdesk. Internal notes never
 * count: they are not an answer.
 */
export function waitingOn(record: { status: Status; lastVisibleRole?: Role | null }): WaitingOn {
  if (record.status === "closed") return null;
  return record.lastVisibleRole === "helpdesk" ? "reporter" : "helpdesk";
}
