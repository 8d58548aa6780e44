import { monotonicFactory } from "ulid";
import { ConflictError } from "../errors.ts";
import type { Db } from "./db.ts";
import { keys } from "./keys.ts";
import { updateTicket } from "./tickets.ts";
import type { Message, Role } from "./types.ts";

const nextUlid = monotonicFactory();

/** What a new message needs. */
export interface NewMessage {
  authorRole: Role;
  authorName: string | null;
  text: string;
  createdAt: Date;
}

/**
 * Adds a message to a ticket's thread and moves the ticket's updatedAt, in one atomic commit.
 * A closed ticket's thread is read-only: ConflictError.
 */
export async function addMessage(db: Db, ticketId: string, input: NewMessage): Promise<Message> {
  const at = input.createdAt.toISOString();
  const message: Message = {
    id: nextUlid(input.createdAt.getTime()),
    ticketId,
    authorRole: input.authorRole,
    authorName: input.authorName,
    text: input.text,
    createdAt: at,
  };
  await updateTicket(db, ticketId, (current) => {
    if (current.status === "closed") throw new ConflictError("the ticket is closed; its thread is read-only");
    const { version: _, ...record } = current;
    return { ...record, updatedAt: at };
  }, {
    expectedVersion: null,
    alsoWrite: (op) => op.set(keys.message(ticketId, message.id), message),
  });
  return message;
}

/** A ticket's messages, oldest first; with `afterId`, only those written after that message. */
export async function listMessages(db: Db, ticketId: string, afterId?: string): Promise<Message[]> {
  const prefix = keys.messagePrefix(ticketId);
  const selector = afterId ? { prefix, start: [...prefix, afterId + "\0"] } : { prefix };
  const messages: Message[] = [];
  for await (const entry of db.kv.list<Message>(selector)) messages.push(entry.value);
  return messages;
}
