/** The `/api/v1/tickets` resource: tickets and their threads as JSON. */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import {
  browseTickets,
  changeTicket,
  fileTicket,
  type Helpdesk,
  postMessage,
  readThread,
  viewTicket,
} from "../../lib/helpdesk.ts";
import { HelpdeskError, NotFoundError } from "../../lib/errors.ts";
import {
  categorySchema,
  newMessageSchema,
  newTicketSchema,
  statusSchema,
  ticketIdSchema,
  ticketPatchSchema,
} from "../../lib/schemas.ts";
import { nameFromCookie } from "../role.ts";
import type { ApiEnv } from "./env.ts";
import { validationHook } from "./validation.ts";
import { messageWire, ticketWire } from "../../lib/wire.ts";
import { ErrorSchema, MessageSchema, TicketSchema } from "./schemas.ts";

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});
const error = (description: string) => json(ErrorSchema, description);
const roleHeader = z.object({
  "x-helpdesk-role": z.enum(["reporter", "helpdesk"]).optional().describe(
    "reporter or helpdesk (or the browser's role cookie)",
  ),
});
const idParam = z.object({ id: z.string().describe("ticket id (ULID)") });

const listQuery = z.object({
  status: statusSchema.optional(),
  category: categorySchema.optional(),
  limit: z.string().regex(/^\d{1,3}$/, "limit must be a whole number from 1 to 100").transform(Number)
    .pipe(z.number().int().min(1, "limit must be at least 1").max(100, "limit must be at most 100"))
    .optional(),
  cursor: ticketIdSchema.optional().describe("the cursor of the previous page"),
});

/** Parses an If-Match value (quoted, weak or bare) into a version. */
function versionFrom(ifMatch: string | undefined): string {
  const version = ifMatch?.trim().replace(/^W\//, "").replace(/^"(.*)"$/, "$1");
  if (!version) {
    throw new HelpdeskError("send the ticket's version in the If-Match header", 428, "If-Match");
  }
  return version;
}

function checkId(id: string): string {
  if (!ticketIdSchema.safeParse(id).success) throw new NotFoundError();
  return id;
}

/** Builds the tickets resource over a helpdesk. */
export function ticketsApi(h: Helpdesk) {
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });

  app.openapi(
    createRoute({
      method: "post",
      path: "/",
      summary: "File a ticket",
      request: { headers: roleHeader, body: { ...json(newTicketSchema, "the ticket"), required: true } },
      responses: { 201: json(TicketSchema, "the new ticket"), 400: error("bad input") },
    }),
    async (c) => {
      const ticket = await fileTicket(h, c.req.valid("json"));
      c.header("ETag", `"${ticket.version}"`);
      c.header("Location", `/api/v1/tickets/${ticket.id}`);
      return c.json(ticketWire(ticket), 201);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/",
      summary: "List tickets, newest first",
      request: { headers: roleHeader, query: listQuery },
      responses: {
        200: json(z.object({ tickets: z.array(TicketSchema), cursor: z.string().nullable() }), "a page"),
        400: error("bad parameter"),
      },
    }),
    async (c) => {
      const query = c.req.valid("query");
      const page = await browseTickets(h, c.get("role"), { ...query, limit: query.limit ?? 50 });
      return c.json({ tickets: page.tickets.map(ticketWire), cursor: page.cursor }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      summary: "Read a ticket",
      request: { headers: roleHeader, params: idParam },
      responses: { 200: json(TicketSchema, "the ticket"), 404: error("no such ticket for this role") },
    }),
    async (c) => {
      const ticket = await viewTicket(h, c.get("role"), checkId(c.req.valid("param").id));
      c.header("ETag", `"${ticket.version}"`);
      return c.json(ticketWire(ticket), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "patch",
      path: "/{id}",
      summary: "Change a ticket's description, category (staff) or status (staff)",
      request: {
        headers: roleHeader.extend({ "if-match": z.string().optional().describe("the ticket's version") }),
        params: idParam,
        body: { ...json(ticketPatchSchema, "the change"), required: true },
      },
      responses: {
        200: json(TicketSchema, "the changed ticket"),
        400: error("bad input"),
        403: error("the role may not do this"),
        404: error("no such ticket for this role"),
        409: error("the ticket changed since that version, or is closed"),
        422: error("a status change outside open → active → closed"),
        428: error("If-Match missing"),
      },
    }),
    async (c) => {
      const id = checkId(c.req.valid("param").id);
      const version = versionFrom(c.req.header("if-match"));
      const ticket = await changeTicket(h, c.get("role"), id, { version }, c.req.valid("json"));
      c.header("ETag", `"${ticket.version}"`);
      return c.json(ticketWire(ticket), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/{id}/messages",
      summary: "Read a ticket's thread, oldest first",
      request: { headers: roleHeader, params: idParam },
      responses: {
        200: json(z.object({ messages: z.array(MessageSchema) }), "the thread"),
        404: error("no such ticket for this role"),
      },
    }),
    async (c) => {
      const messages = await readThread(h, c.get("role"), checkId(c.req.valid("param").id));
      return c.json({ messages: messages.map(messageWire) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/{id}/messages",
      summary: "Write a message under a ticket",
      request: {
        headers: roleHeader,
        params: idParam,
        body: { ...json(newMessageSchema, "the message"), required: true },
      },
      responses: {
        201: json(MessageSchema, "the new message"),
        400: error("bad input"),
        404: error("no such ticket for this role"),
        409: error("the ticket is closed"),
      },
    }),
    async (c) => {
      const id = checkId(c.req.valid("param").id);
      const body = c.req.valid("json");
      // Browsers send no name; the one chosen on the entry page (cookie) signs their messages.
      const authorName = body.authorName ?? nameFromCookie(c);
      const message = await postMessage(h, c.get("role"), id, { text: body.text, authorName });
      return c.json(messageWire(message), 201);
    },
  );

  return app;
}
