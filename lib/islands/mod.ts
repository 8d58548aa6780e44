/**
 * Islands for Preact pages without Fresh: server rendering with hydration markers, a per-page boot script
 * and a `deno bundle` build, made ahead of time (`buildIslands`) and only read where the app is served
 * (`readBuiltManifest`). Each island wraps itself — `export default defineIsland("Name", Name)` in
 * `islands/Name.tsx` — importing `define_island.tsx` directly, which stays free of server-only code because
 * it ends up in the browser bundle.
 * @module
 */
export { renderPage } from "./render_page.tsx";
export { buildIslands } from "./build.ts";
export { MissingBuildError, readBuiltManifest } from "./build_cache.ts";
export { createStaticBuildRoute } from "./static_route.ts";
