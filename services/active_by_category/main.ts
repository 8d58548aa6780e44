/** `deno serve services/active_by_category/main.ts`: the active-by-category service on the configured store. */
import { openServiceDb } from "../shared.ts";
import { createActiveByCategoryService } from "./app.ts";

const app = createActiveByCategoryService(await openServiceDb());

/** The service's request handler, for `deno serve`. */
export default { fetch: app.fetch } satisfies Deno.ServeDefaultExport;
