/**
 * The unclosed-tickets service's process and Deno Deploy entry (`deno run services/unclosed/main.ts`): serves it on
 * its port over the configured store, read-only.
 */
import { startService } from "../shared.ts";
import { createUnclosedService } from "./app.ts";

await startService("unclosed", createUnclosedService);
