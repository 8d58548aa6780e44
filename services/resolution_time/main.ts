/**
 * The resolution-time service's process and Deno Deploy entry (`deno run services/resolution_time/main.ts`):
 * serves it on its port over the configured store, read-only.
 */
import { startService } from "../shared.ts";
import { createResolutionTimeService } from "./app.ts";

await startService("resolutionTime", createResolutionTimeService);
