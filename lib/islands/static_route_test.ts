import assert from "node:assert/strict";
import { join } from "node:path";
import { Hono } from "hono";
import { createStaticBuildRoute } from "./static_route.ts";

async function appWithBuild() {
  const outDir = await Deno.makeTempDir({ prefix: "islands_static_" });
  await Deno.writeTextFile(join(outDir, "chunk-ABC123.js"), "export const a = 1;");
  await Deno.writeTextFile(join(outDir, "manifest.json"), "{}");
  const app = new Hono().route("/static/build", createStaticBuildRoute(outDir));
  return { app, outDir };
}

Deno.test("[islands] build files are served as immutable JavaScript", async () => {
  const { app, outDir } = await appWithBuild();
  const res = await app.request("/static/build/chunk-ABC123.js");

  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/javascript; charset=utf-8");
  assert.equal(res.headers.get("cache-control"), "public, max-age=31536000, immutable");
  assert.equal(await res.text(), "export const a = 1;");
  await Deno.remove(outDir, { recursive: true });
});

Deno.test("[islands] only chunk names are served from the build folder", async () => {
  const { app, outDir } = await appWithBuild();
  for (const path of ["manifest.json", "missing-1.js", "..%2Fsecret.js", "%2E%2E%2Fx.js"]) {
    const res = await app.request(`/static/build/${path}`);
    assert.equal(res.status, 404, path);
    await res.body?.cancel();
  }
  await Deno.remove(outDir, { recursive: true });
});
