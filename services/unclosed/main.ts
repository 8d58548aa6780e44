/** `deno serve services/unclosed/main.ts`: the unclosed-tickets service on the configured store. */
import { openServiceDb } from "../shared.ts";
import { createUnclosedService } from "./app.ts";

const app = createUnclosedService(await openServiceDb());

/** The service's request handler, for `deno serve`. */
export default { fetch: app.fetch } satisfies Deno.ServeDefaultExport;
