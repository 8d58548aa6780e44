/** The ticket page's live event stream (server-sent events). */
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { listMessages, watchTicket } from "../../lib/data/mod.ts";
import { type Helpdesk, viewTicket } from "../../lib/helpdesk.ts";
import { ticketIdSchema } from "../../lib/schemas.ts";
import { ticketJson } from "../api/schemas.ts";
import type { PageEnv } from "./env.ts";
import { idOf } from "./ticket.tsx";

/** The route of a ticket's event stream: its new messages and its changed states. */
export function ticketEventPages(h: Helpdesk) {
  const app = new Hono<PageEnv>();
  app.get("/tickets/:id/events", async (c) => {
    const id = idOf(c);
    const role = c.get("role")!;
    await viewTicket(h, role, id);
    const after = c.req.header("last-event-id") ?? c.req.query("after") ?? "";
    let lastId = ticketIdSchema.safeParse(after).success ? after : "";
    return streamSSE(c, async (stream) => {
      const changes = watchTicket(h.db, id).getReader();
      stream.onAbort(() => void changes.cancel());
      // The watch yields the current state first, then every change; each may carry new messages.
      while (!stream.aborted) {
        const { value: ticket, done } = await changes.read();
        if (done || !ticket) break;
        for (const message of await listMessages(h.db, id, lastId || undefined)) {
          await stream.writeSSE({ event: "message", id: message.id, data: JSON.stringify(message) });
          lastId = message.id;
        }
        await stream.writeSSE({ event: "ticket", data: JSON.stringify(ticketJson(ticket)) });
        if (ticket.status === "closed") break;
      }
      await changes.cancel().catch(() => {});
    });
  });
  return app;
}
