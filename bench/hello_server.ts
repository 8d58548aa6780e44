/** The baseline of the page benchmark: a Hono hello-world on the same runtime. */
import { Hono } from "hono";

const app = new Hono().get("/", (c) => c.text("Hello, world!"));
Deno.serve({ hostname: "127.0.0.1", port: Number(Deno.env.get("PORT")), onListen: () => {} }, app.fetch);
