/** Where the browser finds the islands runtime and each island's chunk; produced by `buildIslands`. */
export interface IslandManifest {
  /** URL of the runtime chunk that exports `boot`, e.g. `/static/build/runtime-3F2A9C1B.js`. */
  runtime: string;
  /** URL of each island's chunk by island name, e.g. `{ TicketEditor: "/static/build/TicketEditor-…js" }`. */
  islands: Record<string, string>;
}

/** What an island name may look like: it is a file base name, a `data-island` value and a manifest key. */
export const ISLAND_NAME_PATTERN = /^[A-Za-z_$][\w$-]*$/;

/** What the name of a file in the build output looks like; anything else is neither served nor deleted. */
export const OUTPUT_FILE_PATTERN = /^[\w$-]+\.js$/;
