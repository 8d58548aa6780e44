/**
 * The backlog service's process and Deno Deploy entry (`deno run services/backlog/main.ts`): serves it on its
 * port over the configured store, read-only.
 */
import { startService } from "../shared.ts";
import { createBacklogService } from "./app.ts";

await startService("backlog", createBacklogService);
