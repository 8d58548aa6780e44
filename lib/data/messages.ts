import { monotonicFactory } from "ulid";
import { ConflictError } from "../errors.ts";
import type { Db } from "./db.ts";
import { keys } from "./keys.ts";
import { afterMessage, threadStateOf } from "./thread_state.ts";
import { writeTicket } from "./tickets.ts";
import type { Message, Role } from "./types.ts";

const nextUlid = monotonicFactory();

/** What a new message needs. */
interface NewMessage {
  authorRole: Role;
  authorName: string | null;
  /** An internal note (staff only; callers check the role); not given: a visible message. */
  internal?: boolean;
  text: string;
  createdAt: Date;
}

/**
 * Appends a message to a ticket's thread in one atomic commit with the ticket record, which takes the next
 * sequence number and moves updatedAt to the message's time: the thread can only grow by one committed
 * message after another, so "every message after number N" is exact whenever it is read. The revision does
 * not move, so an edit begun before the message is not refused. A closed ticket's thread is read-only.
 * An internal note does not move updatedAt (the activity reporters see); it moves the record's thread
 * state (note count, newest note time) instead, and the visible role only a visible message moves.
 */
export async function addMessage(db: Db, ticketId: string, input: NewMessage): Promise<Message> {
  let message: Message | undefined;
  await writeTicket(db, ticketId, (current) => {
    if (current.status === "closed") {
      throw new ConflictError("This ticket is closed; its conversation is read-only.");
    }
    // Never before the ticket's last change or note, so the thread reads in time order and updatedAt never
    // goes back.
    const state = threadStateOf(current);
    const ms = Math.max(
      input.createdAt.getTime(),
      Date.parse(current.updatedAt),
      state.lastNoteAt ? Date.parse(state.lastNoteAt) : 0,
    );
    const at = new Date(ms).toISOString();
    const seq = current.messageCount + 1;
    const written: Message = {
      id: message?.createdAt === at ? message.id : nextUlid(ms),
      ticketId,
      seq,
      authorRole: input.authorRole,
      authorName: input.authorName,
      internal: input.internal === true,
      text: input.text,
      createdAt: at,
    };
    message = written;
    return {
      next: {
        ...current,
        ...afterMessage(state, written),
        updatedAt: written.internal ? current.updatedAt : at,
        messageCount: seq,
      },
      alsoWrite: (op) =>
        op.check({ key: keys.message(ticketId, seq), versionstamp: null }).set(
          keys.message(ticketId, seq),
          written,
        ),
    };
  });
  return message!;
}

/** Which part of a thread to read: after message number `afterSeq`, up to `throughSeq`, at most `limit`. */
export interface ThreadRange {
  afterSeq?: number;
  throughSeq?: number;
  limit?: number;
}

/** A ticket's messages in thread order (oldest first), optionally only a range of them. */
export async function listMessages(db: Db, ticketId: string, range: ThreadRange = {}): Promise<Message[]> {
  const first = keys.message(ticketId, (range.afterSeq ?? 0) + 1);
  const selector: Deno.KvListSelector = range.throughSeq !== undefined
    ? { start: first, end: keys.message(ticketId, range.throughSeq + 1) }
    : { prefix: keys.messagePrefix(ticketId), start: first };
  const messages: Message[] = [];
  const options = range.limit ? { limit: range.limit, batchSize: range.limit } : {};
  // Messages stored before notes existed carry no flag: they are not notes.
  for await (const entry of db.kv.list<Message>(selector, options)) {
    messages.push({ ...entry.value, internal: entry.value.internal === true });
  }
  return messages;
}

/** Iterates over every message of every thread, grouped by ticket id in id order, each thread oldest first. */
export async function* allMessages(db: Db): AsyncGenerator<Message> {
  // The largest batch KV allows: whole-store passes (the search index build) read it at full speed.
  const options = { batchSize: 1000 };
  for await (const entry of db.kv.list<Message>({ prefix: keys.messagesPrefix() }, options)) {
    yield entry.value;
  }
}
