import { fileURLToPath } from "node:url";

/** Absolute path of the project root, so the app finds its files whatever the working directory. */
export const APP_ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Folder of the island components. */
export const ISLANDS_DIR = fileURLToPath(new URL("../islands", import.meta.url));

/** Folder the built island chunks are written to and served from. */
export const BUILD_DIR = fileURLToPath(new URL("../static/build", import.meta.url));

/** The project's deno.json (its import map is what the island bundles resolve with). */
export const DENO_CONFIG = fileURLToPath(new URL("../deno.json", import.meta.url));
