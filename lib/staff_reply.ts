/**
 * The one test of "a staff reply a reporter should notice", shared by the server (unread counts) and the
 * ticket page's island (the tab title); free of imports that would pull server code into a bundle.
 */
import type { Message } from "./data/types.ts";

/**
 * Tells whether a message is a staff reply a reporter should notice: written by helpdesk staff, and not an
 * internal note (which a reporter never receives).
 */
export function isStaffReply(message: Pick<Message, "authorRole" | "internal">): boolean {
  return message.authorRole === "helpdesk" && !message.internal;
}
