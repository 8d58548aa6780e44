/**
 * The data API: the only code that touches Deno KV. The web app, the analytics services, the CLI tools and
 * the tests all go through these functions.
 */
export * from "./db.ts";
export * from "./open_store.ts";
export * from "./types.ts";
export * from "./tickets.ts";
export * from "./lists.ts";
export * from "./messages.ts";
export * from "./corrections.ts";
export * from "./stats.ts";
export * from "./history.ts";
export * from "./reporters.ts";
export { createTicketLister, type TicketLister } from "./list_cache.ts";
export { backlogByDay } from "./backlog.ts";
export { ticketChangeCount, watchTicketChanges } from "./queue.ts";
