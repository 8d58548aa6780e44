/** `deno serve services/resolution_time/main.ts`: the resolution-time service on the configured store. */
import { openServiceDb } from "../shared.ts";
import { createResolutionTimeService } from "./app.ts";

const app = createResolutionTimeService(await openServiceDb());

/** The service's request handler, for `deno serve`. */
export default { fetch: app.fetch } satisfies Deno.ServeDefaultExport;
