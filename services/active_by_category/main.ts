/**
 * The active-by-category service's process and Deno Deploy entry
 * (`deno run services/active_by_category/main.ts`): serves it on its port over the configured store, read-only.
 */
import { startService } from "../shared.ts";
import { createActiveByCategoryService } from "./app.ts";

await startService("activeByCategory", createActiveByCategoryService);
