import { join, resolve } from "node:path";
import { Hono } from "hono";
import { OUTPUT_FILE_PATTERN } from "./manifest.ts";

/**
 * Serves the chunks of `outDir` with a one-year immutable cache, which is safe because every name carries a
 * content hash; mount it with `app.route("/static/build", createStaticBuildRoute("static/build"))`.
 */
export function createStaticBuildRoute(outDir: string): Hono {
  const dir = resolve(outDir);
  const route = new Hono();
  route.get("/:file", async (c) => {
    const file = c.req.param("file");
    // Only chunk names: no paths, no manifest.json (it lists absolute paths of the sources).
    if (!OUTPUT_FILE_PATTERN.test(file)) return c.notFound();
    let body: Uint8Array<ArrayBuffer>;
    try {
      body = await Deno.readFile(join(dir, file));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return c.notFound();
      throw error;
    }
    return c.body(body, 200, {
      "content-type": "text/javascript; charset=utf-8",
      "cache-control": "public, max-age=31536000, immutable",
    });
  });
  return route;
}
