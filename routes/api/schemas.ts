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
const ErrorSchema = z.object({
  error: z.string().describe("what was refused, as a sentence"),
  field: z.string().optional().describe("the field, parameter or header at fault, where one is"),
}).openapi("Error");

/** An answer's body as OpenAPI describes it: JSON of `schema`. */
export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});

/** A refusal as OpenAPI describes it: the error shape, and when it happens. */
export const error = (description: string) => json(ErrorSchema, description);

/** The security scheme every call names: the role it acts as (routes/role.ts `apiRole` reads it). */
export const ROLE_SCHEME = "helpdeskRole";

/** The security every call declares. */
export const security = [{ [ROLE_SCHEME]: [] }];

/** The refusal every call may give: no role, an unknown role, or input the route refuses. */
export const badRequest = (what?: string) =>
  error(`missing or unknown role (X-Helpdesk-Role)${what ? `, or ${what}` : ""}`);

/** The refusal of a ticket the caller may not see. */
export const notFound = error(
  "no such ticket for this role (a closed ticket does not exist for reporters, except their own My tickets)",
);

/** The headers that say who a call acts as: role, reporter key, and the name its changes are signed with. */
export const roleHeader = z.object({
  "x-helpdesk-role": z.enum(["reporter", "helpdesk"]).optional().describe(
    "reporter or helpdesk (or the browser's role cookie); the same header as the helpdeskRole security scheme",
  ),
  "x-helpdesk-reporter-key": z.string().optional().describe(
    "a reporter's key (43 base64url characters; or the browser's helpdesk_reporter cookie): tickets filed " +
      "with it are its My tickets, readable also once closed; a malformed key is refused with 400",
  ),
  "x-helpdesk-name": z.string().optional().describe(
    "the name the call's changes are signed with in the ticket's history (or the browser's name cookie)",
  ),
});

/** The path parameter of a ticket. */
export const idParam = z.object({ id: z.string().describe("ticket id (ULID)") });
