/** The `/api/v1/tickets` resource: tickets and their threads as JSON. */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import {
  browseTickets,
  changeTicket,
  fileTicket,
  type Helpdesk,
  postMessage,
  readThread,
  searchTickets,
  similarTickets,
  viewTicket,
} from "../../lib/helpdesk.ts";
import { HelpdeskError, NotFoundError, ValidationError } from "../../lib/errors.ts";
import { NOT_UTF8, queryParamIsUtf8 } from "../query_encoding.ts";
import {
  categorySchema,
  listCursorSchema,
  listQueryProblem,
  listSortSchema,
  listStatusSchema,
  newMessageSchema,
  newTicketSchema,
  openedTimeSchema,
  searchQuerySchema,
  similarTextSchema,
  ticketIdSchema,
  ticketPatchSchema,
  waitingSchema,
} from "../../lib/schemas.ts";
import { nameFromCookie } from "../role.ts";
import { apiReporterKey, apiViewer } from "../reporter.ts";
import { myTickets, privateLinkToken } from "../../lib/reporters.ts";
import type { ApiEnv } from "./env.ts";
import { validationHook } from "./validation.ts";
import { messageWire, ticketWire } from "../../lib/wire.ts";
import {
  badRequest,
  error,
  idParam,
  json,
  MessageSchema,
  notFound,
  ROLE_SCHEME,
  roleHeader,
  security,
  TicketSchema,
} from "./schemas.ts";

/** Headers of an answer that carries a ticket: its version, to send back as If-Match. */
const ticketHeaders = z.object({ ETag: z.string().describe("the ticket's version, quoted") });

// The web app refuses these bodies before a route sees them (routes/app.tsx, routes/errors.ts, routes/encoding.ts).
const CROSS_SITE =
  "the body was sent as a form from another site (a form or text/plain Content-Type, or none)";
const crossSite = error(CROSS_SITE);
const tooLarge = error("the request body is larger than the API takes (the error says how large it may be)");
const notJson = error("the body is not application/json, or not in UTF-8");

const listQuery = z.object({
  status: listStatusSchema.optional().describe(
    "only tickets with this status, or unclosed for open and active together (reporters never see closed ones)",
  ),
  category: categorySchema.optional().describe("only tickets in this category"),
  limit: z.string().regex(/^\d{1,3}$/, "limit must be a whole number from 1 to 100").transform(Number)
    .pipe(z.number().int().min(1, "limit must be at least 1").max(100, "limit must be at most 100"))
    .optional().describe("tickets per page, a whole number from 1 to 100; 50 when not given"),
  waiting: waitingSchema.optional().describe(
    "only unclosed tickets waiting for this side: helpdesk (no staff reply yet, or the reporter wrote last) or reporter (staff wrote last); not with status=closed",
  ),
  sort: listSortSchema.optional().describe(
    "opened: newest opened first (the default); updated: latest activity (updatedAt) first",
  ),
  cursor: listCursorSchema.optional().describe("the cursor of the previous page, in the same sort order"),
  openedAfter: openedTimeSchema("openedAfter").optional().describe(
    "only tickets opened at or after this ISO 8601 time (with Z or an offset); not with waiting or sort=updated",
  ),
  openedBefore: openedTimeSchema("openedBefore").optional().describe(
    "only tickets opened before this ISO 8601 time (with Z or an offset); not with waiting or sort=updated",
  ),
  mine: z.enum(["true", "false"], { error: "mine must be true or false" }).optional().describe(
    "true: only the tickets of the reporter key sent (X-Helpdesk-Reporter-Key or the helpdesk_reporter " +
      "cookie), closed ones included, each with unreadReplies; reporters only (staff get 400)",
  ),
  q: searchQuerySchema.optional().describe(
    "search words (1–200 characters): only tickets whose description or messages contain every word, as a " +
      "prefix or with a small typo, best match first instead of newest first (staff also search internal notes); " +
      "not with waiting, sort, mine, openedAfter or openedBefore",
  ),
});

/** Parses an If-Match value (quoted, weak or bare) into a version. */
export function versionFrom(ifMatch: string | undefined): string {
  const version = ifMatch?.trim().replace(/^W\//, "").replace(/^"(.*)"$/, "$1");
  if (!version) {
    throw new HelpdeskError("send the ticket's version in the If-Match header", 428, "If-Match");
  }
  return version;
}

/** The ticket id of a path, or 404 for anything that is not one. */
export function checkId(id: string): string {
  if (!ticketIdSchema.safeParse(id).success) throw new NotFoundError();
  return id;
}

/** Builds the tickets resource over a helpdesk. */
export function ticketsApi(h: Helpdesk) {
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
  app.openAPIRegistry.registerComponent("securitySchemes", ROLE_SCHEME, {
    type: "apiKey",
    in: "header",
    name: "X-Helpdesk-Role",
    description: "The role the call acts as: `reporter` or `helpdesk`, exactly. Without the header the " +
      "browser's role cookie (`helpdesk_role`, set on the entry page) counts instead; with neither the " +
      "call is refused with 400. There is no login: the role is chosen, not proven.",
  });

  app.openapi(
    createRoute({
      method: "post",
      path: "/",
      operationId: "fileTicket",
      summary: "File a ticket",
      security,
      request: { headers: roleHeader, body: { ...json(newTicketSchema, "the ticket"), required: true } },
      responses: {
        201: {
          ...json(TicketSchema, "the new ticket, open, with the category the classifier chose"),
          headers: ticketHeaders.extend({
            Location: z.string().describe("the new ticket's URL"),
            "X-Helpdesk-Private-Link": z.string().optional().describe(
              "with a reporter key: the ticket's private link (/t/<token>); opening it in any browser adds " +
                "the ticket to that browser's My tickets",
            ),
          }),
        },
        400: badRequest("a description that is missing, too long or not text"),
        403: crossSite,
        413: tooLarge,
        415: notJson,
      },
    }),
    async (c) => {
      const viewer = await apiViewer(c, c.get("role"));
      const ticket = await fileTicket(h, c.req.valid("json"), viewer);
      const token = await privateLinkToken(h, viewer, apiReporterKey(c)?.key ?? null, ticket.id);
      if (token) c.header("X-Helpdesk-Private-Link", `/t/${token}`);
      c.header("ETag", `"${ticket.version}"`);
      c.header("Location", `/api/v1/tickets/${ticket.id}`);
      return c.json(ticketWire(ticket), 201);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/",
      operationId: "listTickets",
      summary: "List tickets, newest first or by latest activity",
      description: "Reporters see open and active tickets; helpdesk staff see all three statuses. " +
        "Filters combine: status, category and waiting narrow the list together; sort orders it. With " +
        "mine=true a reporter sees only their own tickets (closed ones too), newest first.",
      security,
      request: { headers: roleHeader, query: listQuery },
      responses: {
        200: json(
          z.object({
            tickets: z.array(TicketSchema.extend({
              unreadReplies: z.number().int().optional().describe(
                "with mine=true: staff replies the key has not seen yet",
              ),
            })),
            cursor: z.string().nullable().describe("pass as cursor for the next page; null on the last"),
          }),
          "a page",
        ),
        400: badRequest(
          "a bad status, category, waiting, sort, limit, cursor, openedAfter, openedBefore, q (empty, too " +
            "long, no letters, not UTF-8), mine or reporter key; waiting with status=closed; openedAfter or " +
            "openedBefore with waiting or sort=updated; q with waiting, sort, mine or opened bounds; or " +
            "mine=true from staff or with filters",
        ),
      },
    }),
    async (c) => {
      const { mine, q, ...query } = c.req.valid("query");
      if (!queryParamIsUtf8(c.req.url, "q")) throw new ValidationError(NOT_UTF8, "q");
      const viewer = await apiViewer(c, c.get("role"));
      if (q !== undefined) {
        const { status, openedAfter, openedBefore, waiting, sort, ...rest } = query;
        if (waiting || sort || mine === "true" || openedAfter !== undefined || openedBefore !== undefined) {
          throw new ValidationError(
            "q lists best matches first; it takes no waiting, sort, mine, openedAfter or openedBefore",
            "q",
          );
        }
        if (rest.cursor && !ticketIdSchema.safeParse(rest.cursor).success) {
          throw new ValidationError("cursor must be the cursor of the previous page.", "cursor");
        }
        const found = await searchTickets(h, viewer, { ...rest, status, q, limit: query.limit ?? 50 });
        const tickets = found.matches.map((match) => ticketWire(match.ticket));
        return c.json({ tickets, cursor: found.cursor }, 200);
      }
      if (mine === "true") {
        if (
          query.status || query.category || query.waiting || query.sort || query.openedAfter !== undefined ||
          query.openedBefore !== undefined
        ) {
          throw new ValidationError(
            "mine=true lists all your tickets, newest first; it takes no status, category, waiting, sort, " +
              "openedAfter or openedBefore",
            "mine",
          );
        }
        const page = await myTickets(h, viewer, { limit: query.limit ?? 50, cursor: query.cursor });
        const tickets = page.tickets.map((t) => ({ ...ticketWire(t), unreadReplies: t.unreadReplies }));
        return c.json({ tickets, cursor: page.cursor }, 200);
      }
      const problem = listQueryProblem(query);
      if (problem) throw new ValidationError(problem.message, problem.field);
      const page = await browseTickets(h, viewer, { ...query, limit: query.limit ?? 50 });
      return c.json({ tickets: page.tickets.map(ticketWire), cursor: page.cursor }, 200);
    },
  );

  // Before /{id}, so "similar" is never read as a ticket id.
  app.openapi(
    createRoute({
      method: "get",
      path: "/similar",
      operationId: "similarTickets",
      summary: "Find open tickets like a text",
      description: "Up to 5 open or active tickets whose descriptions are most like the text, most alike " +
        "first: before filing a ticket, to add a message to an existing one instead.",
      security,
      request: {
        headers: roleHeader,
        query: z.object({
          text: similarTextSchema.describe(
            "the text to compare, e.g. a draft description (1–5000 characters)",
          ),
        }),
      },
      responses: {
        200: json(z.object({ tickets: z.array(TicketSchema).max(5) }), "the most similar tickets"),
        400: badRequest("a text that is missing, empty, too long or not UTF-8"),
      },
    }),
    async (c) => {
      if (!queryParamIsUtf8(c.req.url, "text")) {
        throw new ValidationError("The text is not valid UTF-8; type it again.", "text");
      }
      const tickets = await similarTickets(h, c.get("role"), c.req.valid("query").text);
      return c.json({ tickets: tickets.map(ticketWire) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      operationId: "getTicket",
      summary: "Read a ticket",
      security,
      request: { headers: roleHeader, params: idParam },
      responses: {
        200: { ...json(TicketSchema, "the ticket"), headers: ticketHeaders },
        400: badRequest(),
        404: notFound,
      },
    }),
    async (c) => {
      const ticket = await viewTicket(h, await apiViewer(c, c.get("role")), checkId(c.req.valid("param").id));
      c.header("ETag", `"${ticket.version}"`);
      return c.json(ticketWire(ticket), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "patch",
      path: "/{id}",
      operationId: "changeTicket",
      summary: "Change a ticket's description, category (staff) or status (staff)",
      security,
      request: {
        headers: roleHeader.extend({
          "if-match": z.string().optional().describe(
            "the ticket's version (its ETag, quoted or not); without it the change is refused with 428",
          ),
        }),
        params: idParam,
        body: { ...json(ticketPatchSchema, "the change"), required: true },
      },
      responses: {
        200: { ...json(TicketSchema, "the changed ticket"), headers: ticketHeaders },
        400: badRequest("a body that changes nothing or has a bad or unknown field"),
        403: error(`a reporter tried to change the status or the category, or ${CROSS_SITE}`),
        404: notFound,
        409: error("the ticket changed since that version, or is closed (helpdesk staff)"),
        413: tooLarge,
        415: notJson,
        422: error("a status change outside open → active → closed (field: status)"),
        428: error("If-Match missing (field: If-Match)"),
      },
    }),
    async (c) => {
      const id = checkId(c.req.valid("param").id);
      const version = versionFrom(c.req.header("if-match"));
      const viewer = await apiViewer(c, c.get("role"));
      const ticket = await changeTicket(h, viewer, id, { version }, c.req.valid("json"));
      c.header("ETag", `"${ticket.version}"`);
      return c.json(ticketWire(ticket), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/{id}/messages",
      operationId: "listMessages",
      summary: "Read a ticket's thread, oldest first",
      description: "Reporters receive the thread without internal notes; helpdesk staff receive all of it.",
      security,
      request: { headers: roleHeader, params: idParam },
      responses: {
        200: json(z.object({ messages: z.array(MessageSchema) }), "the thread"),
        400: badRequest(),
        404: notFound,
      },
    }),
    async (c) => {
      const viewer = await apiViewer(c, c.get("role"));
      const messages = await readThread(h, viewer, checkId(c.req.valid("param").id));
      return c.json({ messages: messages.map(messageWire) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/{id}/messages",
      operationId: "postMessage",
      summary: "Write a message under a ticket",
      description:
        "Without authorName, a browser's messages are signed with the name it chose on the entry page. " +
        "With internal: true (helpdesk staff only) it is an internal note that reporters never receive.",
      security,
      request: {
        headers: roleHeader,
        params: idParam,
        body: { ...json(newMessageSchema, "the message"), required: true },
      },
      responses: {
        201: json(MessageSchema, "the new message"),
        400: badRequest(
          "a text or authorName that is missing, too long or not text, or internal not a boolean",
        ),
        403: error(`a reporter asked for an internal note (field: internal), or ${CROSS_SITE}`),
        404: notFound,
        409: error("the ticket is closed (helpdesk staff; for a reporter it does not exist: 404)"),
        413: tooLarge,
        415: notJson,
      },
    }),
    async (c) => {
      const id = checkId(c.req.valid("param").id);
      const body = c.req.valid("json");
      // Browsers send no name; the one chosen on the entry page (cookie) signs their messages.
      const authorName = body.authorName ?? nameFromCookie(c);
      const viewer = await apiViewer(c, c.get("role"));
      const message = await postMessage(h, viewer, id, {
        text: body.text,
        authorName,
        internal: body.internal,
      });
      return c.json(messageWire(message), 201);
    },
  );

  return app;
}
