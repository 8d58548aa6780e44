/** Response shapes of the JSON API, for the OpenAPI document and for turning records into answers. */
import { z } from "@hono/zod-openapi";
import { CATEGORIES } from "../../lib/categories.ts";
import { ROLES, STATUSES } from "../../lib/helpdesk.ts";

const isoTime = z.string().describe("ISO 8601 time in UTC");

/** A ticket as the API sends it. */
export const TicketSchema = z.object({
  id: z.string(),
  description: z.string(),
  category: z.enum(CATEGORIES),
  categorySource: z.enum(["auto", "staff"]),
  status: z.enum(STATUSES),
  openedAt: isoTime,
  activatedAt: isoTime.nullable(),
  closedAt: isoTime.nullable(),
  updatedAt: isoTime.describe(
    "latest activity: a change of the ticket or a visible message (internal notes do not move it)",
  ),
  version: z.string().describe(
    "changes with every change of the ticket's own fields (a message moves updatedAt, not the version); send it back as If-Match",
  ),
  waitingOn: z.enum(ROLES).nullable().describe(
    "helpdesk: no staff reply yet, or the reporter wrote the last visible message; reporter: staff wrote it; null once closed",
  ),
}).openapi("Ticket");

/** A message as the API sends it. */
export const MessageSchema = z.object({
  id: z.string(),
  ticketId: z.string(),
  seq: z.number().int().describe(
    "the message's position in its thread: 1, 2, 3… in the order they were written",
  ),
  authorRole: z.enum(ROLES),
  authorName: z.string().nullable(),
  internal: z.boolean().describe("an internal note: only helpdesk staff ever receive one"),
  text: z.string(),
  createdAt: isoTime,
}).openapi("Message");

/** The error shape of every failed call. */
export const ErrorSchema = z.object({
  error: z.string().describe("what was refused, as a sentence"),
  field: z.string().optional().describe("the field, parameter or header at fault, where one is"),
}).openapi("Error");
