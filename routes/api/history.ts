/**
 * A ticket's history and what reporters without a login need beside the tickets resource: the history
 * (`GET /tickets/{id}/history`), restoring an earlier description (staff), and marking replies as seen.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { type Helpdesk, readHistory, restoreDescription } from "../../lib/helpdesk.ts";
import { markRepliesSeen } from "../../lib/reporters.ts";
import { HISTORY_FIELDS, ROLES } from "../../lib/helpdesk.ts";
import { historyWire, ticketWire } from "../../lib/wire.ts";
import { apiViewer } from "../reporter.ts";
import type { ApiEnv } from "./env.ts";
import {
  badRequest,
  error,
  idParam,
  json,
  notFound,
  roleHeader as headers,
  security,
  TicketSchema,
} from "./schemas.ts";
import { checkId, versionFrom } from "./tickets.ts";
import { validationHook } from "./validation.ts";

const isoTime = z.string().describe("ISO 8601 time in UTC");

/** One change of a ticket as the API sends it. */
const HistoryEntrySchema = z.object({
  seq: z.number().int().describe("the entry's position in the history: 1, 2, 3… in commit order"),
  at: isoTime,
  actorRole: z.enum(ROLES),
  actorName: z.string().nullable().describe("the name the change was signed with, null when none was given"),
  field: z.enum(HISTORY_FIELDS).describe("created, or the field that changed"),
  from: z.string().nullable().describe("the value before (null for created)"),
  to: z.string().nullable().describe("the value after (for created: the first description)"),
}).openapi("HistoryEntry");

/** Builds the history, restore and seen routes over a helpdesk (mounted under /tickets). */
export function historyApi(h: Helpdesk) {
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });

  app.openapi(
    createRoute({
      method: "get",
      path: "/{id}/history",
      operationId: "listHistory",
      summary: "Read a ticket's history of changes, oldest first",
      security,
      request: { headers, params: idParam },
      responses: {
        200: json(z.object({ history: z.array(HistoryEntrySchema) }), "every change, oldest first"),
        400: badRequest("a malformed reporter key"),
        404: notFound,
      },
    }),
    async (c) => {
      const viewer = await apiViewer(c, c.get("role"));
      const history = await readHistory(h, viewer, checkId(c.req.valid("param").id));
      return c.json({ history: history.map(historyWire) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/{id}/history/{seq}/restore",
      operationId: "restoreDescription",
      summary: "Put back the description a ticket had before history entry seq (staff)",
      description: "A new change, recorded in the history like any edit, and refused like one when the " +
        "ticket changed since the version sent as If-Match.",
      security,
      request: {
        headers: headers.extend({
          "if-match": z.string().optional().describe("the ticket's version (its ETag); without it 428"),
        }),
        params: idParam.extend({
          seq: z.string().regex(/^\d{1,9}$/, "seq must be a history entry number").transform(Number)
            .describe("the number of a description change in the history"),
        }),
      },
      responses: {
        200: {
          ...json(TicketSchema, "the ticket with the earlier description"),
          headers: z.object({ ETag: z.string() }),
        },
        400: badRequest("a malformed reporter key"),
        403: error("only helpdesk staff can restore a description, or the call came from another site"),
        404: error("no such ticket, or no description change with that number"),
        409: error("the ticket changed since that version, or is closed"),
        428: error("If-Match missing (field: If-Match)"),
      },
    }),
    async (c) => {
      const { id, seq } = c.req.valid("param");
      const version = versionFrom(c.req.header("if-match"));
      const viewer = await apiViewer(c, c.get("role"));
      const ticket = await restoreDescription(h, viewer, checkId(id), seq, { version });
      c.header("ETag", `"${ticket.version}"`);
      return c.json(ticketWire(ticket), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "put",
      path: "/{id}/seen",
      operationId: "markSeen",
      summary: "Mark a ticket's thread as seen up to a message (reporters, for their My tickets)",
      security,
      request: {
        headers,
        params: idParam,
        body: {
          ...json(
            z.strictObject({ seq: z.number().int().min(0).max(1e9).describe("the last message seen") }),
            "how far the thread was seen",
          ),
          required: true,
        },
      },
      responses: {
        204: { description: "marked (nothing is kept for a ticket outside the key's My tickets)" },
        400: error("a bad seq, a missing or malformed reporter key, or a staff call"),
        403: error("the body was sent as a form from another site"),
        404: notFound,
        415: error("the body is not application/json"),
      },
    }),
    async (c) => {
      const viewer = await apiViewer(c, c.get("role"));
      await markRepliesSeen(h, viewer, checkId(c.req.valid("param").id), c.req.valid("json").seq);
      return c.body(null, 204);
    },
  );

  return app;
}
