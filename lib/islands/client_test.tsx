import assert from "node:assert/strict";
import { type Signal, signal } from "@preact/signals";
import { parseHTML } from "linkedom";
import { boot } from "./client.ts";
import { defineIsland } from "./define_island.tsx";
import { renderPage } from "./render_page.tsx";
import { reviveIslandProps } from "./revive_props.ts";

const Counter = defineIsland(
  "Counter",
  (props: { count: Signal<number> }) => (
    <button type="button" onClick={() => props.count.value++}>count {props.count}</button>
  ),
);
const Total = defineIsland("Total", (props: { count: Signal<number> }) => <output>{props.count}</output>);
const manifest = { runtime: "/r.js", islands: { Counter: "/c.js", Total: "/t.js" } };

/** Preact's hydrate reads the global `document`, which Deno lacks; lend it linkedom's for one test. */
async function withDocument(html: string, run: (document: Document) => void | Promise<void>) {
  const { document } = parseHTML(html);
  const global = globalThis as { document?: unknown };
  global.document = document;
  try {
    await run(document as unknown as Document);
  } finally {
    delete global.document;
  }
}

Deno.test("[islands] revived props share one real signal per slot", () => {
  const [a, b] = reviveIslandProps({
    signals: [1, { next: { $signal: 1 } }],
    props: [{ count: { $signal: 0 }, node: { $signal: 1 } }, {
      count: { $signal: 0 },
      list: [{ $signal: 0 }],
    }],
  });
  const count = a.count as Signal<number>;
  const node = a.node as Signal<{ next: unknown }>;

  assert.equal(count, b.count, "the same slot gives the same signal");
  assert.equal((b.list as unknown[])[0], count);
  assert.equal(count.value, 1);
  assert.equal(node.value.next, node, "a signal may refer to itself");
  count.value = 2;
  assert.equal((b.count as Signal<number>).value, 2);
});

Deno.test("[islands] boot hydrates each island so that a shared signal updates both", async () => {
  const shared = signal(3);
  const html = renderPage(
    <html>
      <body>
        <Counter count={shared} />
        <p>static</p>
        <Total count={shared} />
      </body>
    </html>,
    { manifest },
  );
  await withDocument(html, async (document) => {
    boot({ Counter, Total }, document);
    document.querySelector("button")!.click();
    await new Promise((resolve) => setTimeout(resolve, 10));

    assert.equal(document.querySelector("button")!.textContent, "count 4");
    assert.equal(document.querySelector("output")!.textContent, "4");
    assert.equal(
      document.querySelectorAll("[data-island]").length,
      2,
      "hydration reused the server's markup",
    );
  });
});

Deno.test("[islands] boot does nothing on a page without islands", async () => {
  await withDocument("<html><body><p>plain</p></body></html>", (document) => {
    boot({}, document);
    assert.equal(document.body.innerHTML, "<p>plain</p>");
  });
});
