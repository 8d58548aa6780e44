import assert from "node:assert/strict";
import { computed, type Signal, signal } from "@preact/signals";
import { parseHTML } from "linkedom";
import type { ComponentChildren } from "preact";
import { defineIsland } from "./define_island.tsx";
import type { IslandManifest } from "./manifest.ts";
import { renderPage } from "./render_page.tsx";
import type { IslandsPayload } from "./wire_format.ts";

const Counter = defineIsland(
  "Counter",
  (props: { count: Signal<number>; label: string }) => (
    <button type="button">{props.label}: {props.count}</button>
  ),
);
const Total = defineIsland("Total", (props: { count: Signal<number> }) => <output>{props.count}</output>);
const Panel = defineIsland("Panel", (props: { start: number }) => (
  <section>
    <Total count={signal(props.start)} />
  </section>
));
// deno-lint-ignore no-explicit-any -- the refusal tests pass deliberately wrong props.
const Loose = defineIsland("Loose", (_props: Record<string, any>) => <p>loose</p>);

const manifest: IslandManifest = {
  runtime: "/static/build/runtime-aaa.js",
  islands: {
    Counter: "/static/build/Counter-bbb.js",
    Total: "/static/build/Total-ccc.js",
    Panel: "/static/build/Panel-ddd.js",
    Loose: "/static/build/Loose-eee.js",
  },
};

function Page(props: { children?: ComponentChildren }) {
  return (
    <html lang="en">
      <head>
        <title>Test</title>
      </head>
      <body>
        <main>{props.children}</main>
      </body>
    </html>
  );
}

function parse(html: string) {
  const { document } = parseHTML(html);
  const script = document.getElementById("islands-props");
  const payload = script ? JSON.parse(script.textContent ?? "") as IslandsPayload : undefined;
  return { document, payload };
}

Deno.test("[islands] an island renders inside a data-island marker with its props at the end of body", () => {
  const html = renderPage(
    <Page>
      <Counter count={signal(3)} label="Open" />
    </Page>,
    { manifest },
  );
  const { document, payload } = parse(html);

  assert.ok(html.startsWith("<!DOCTYPE html><html"));
  const marker = document.querySelector("[data-island]")!;
  assert.equal(marker.getAttribute("data-island"), "Counter");
  assert.equal(marker.getAttribute("data-props"), "0");
  assert.equal(marker.getAttribute("style"), "display:contents");
  assert.equal(marker.querySelector("button")!.textContent, "Open: 3");
  assert.deepEqual(payload, { signals: [3], props: [{ count: { $signal: 0 }, label: "Open" }] });
  const scripts = [...document.body.children].slice(-2).map((el) => el.tagName);
  assert.deepEqual(scripts, ["SCRIPT", "SCRIPT"], "both scripts sit right before </body>");
});

Deno.test("[islands] a page without islands gets no script at all", () => {
  const html = renderPage(<Page>plain</Page>, { manifest, nonce: "n0nce" });
  assert.equal(
    html,
    '<!DOCTYPE html><html lang="en"><head><title>Test</title></head><body><main>plain</main></body></html>',
  );
  assert.ok(!html.includes("<script"));
});

Deno.test("[islands] the boot script loads the runtime and only the islands on the page, with the nonce", () => {
  const html = renderPage(
    <Page>
      <Counter count={signal(1)} label="a" />
      <Counter count={signal(2)} label="b" />
    </Page>,
    {
      manifest,
      nonce: 'r4nd"om',
    },
  );
  const { document } = parse(html);
  const boot = document.querySelector("script[type=module]")!;

  assert.equal(boot.getAttribute("nonce"), 'r4nd"om');
  assert.equal(
    boot.textContent,
    'import{boot}from"/static/build/runtime-aaa.js";import i0 from"/static/build/Counter-bbb.js";boot({"Counter":i0});',
  );
  assert.equal(document.querySelectorAll("script").length, 2);
});

Deno.test("[islands] a prop string cannot close the props script", () => {
  const nasty = "</script><script>alert(1)</script><!-- \u2028\u2029 </SCRIPT>";
  const html = renderPage(
    <Page>
      <Counter count={signal(0)} label={nasty} />
    </Page>,
    { manifest },
  );
  const { document, payload } = parse(html);

  assert.equal(document.querySelectorAll("script").length, 2);
  assert.ok(!html.includes("alert(1)</script>"));
  assert.ok(!/[\u2028\u2029]/.test(html.slice(html.indexOf('id="islands-props"'))));
  assert.equal(payload!.props[0].label, nasty, "the string survives the round trip unchanged");
});

Deno.test("[islands] a signal passed to two islands is serialised once", () => {
  const shared = signal(7);
  const html = renderPage(
    <Page>
      <Counter count={shared} label="a" />
      <Total count={shared} />
    </Page>,
    { manifest },
  );
  const { payload } = parse(html);

  assert.deepEqual(payload, {
    signals: [7],
    props: [{ count: { $signal: 0 }, label: "a" }, { count: { $signal: 0 } }],
  });
});

Deno.test("[islands] an island inside an island renders as a plain component", () => {
  const html = renderPage(
    <Page>
      <Panel start={4} />
    </Page>,
    { manifest },
  );
  const { document, payload } = parse(html);

  assert.equal(document.querySelectorAll("[data-island]").length, 1);
  assert.equal(document.querySelector("[data-island]")!.getAttribute("data-island"), "Panel");
  assert.equal(document.querySelector("output")!.textContent, "4");
  assert.deepEqual(payload, { signals: [], props: [{ start: 4 }] });
  assert.ok(!html.includes("Total-ccc.js"), "only the outer island is loaded");
});

Deno.test("[islands] props that JSON cannot carry are refused with the island and prop named", () => {
  const render = (props: Record<string, unknown>) =>
    renderPage(
      <Page>
        <Loose {...props} />
      </Page>,
      { manifest },
    );
  const message = (prop: string, problem: string) =>
    `Island "Loose": prop "${prop}" ${problem}; island props must be JSON values or signals`;

  assert.throws(() => render({ onSave: () => {} }), { message: message("onSave", "is a function") });
  assert.throws(() => render({ children: <b>hi</b> }), { message: message("children", "is JSX") });
  assert.throws(() => render({ meta: { at: [new Date()] } }), {
    message: message("meta.at[0]", "is a Date"),
  });
  assert.throws(() => render({ n: NaN }), { message: message("n", "is NaN") });
  assert.throws(() => render({ big: 1n }), { message: message("big", "is a bigint") });
  assert.throws(() => render({ total: computed(() => 1) }), {
    message: message("total", "is a computed signal; pass its source signals and compute inside the island"),
  });
  assert.throws(() => render({ fake: { $signal: 0 } }), {
    message: message("fake", 'uses the reserved key "$signal"'),
  });
  const loop: Record<string, unknown> = {};
  loop.self = loop;
  assert.throws(() => render({ loop }), { message: message("loop.self", "refers back to itself") });
});

Deno.test("[islands] undefined props are dropped and nested signals keep their slots", () => {
  const a = signal("x");
  const list = signal([{ title: "t", seen: a }]);
  const html = renderPage(
    <Page>
      <Loose maybe={undefined} list={list} also={a} />
    </Page>,
    { manifest },
  );
  const { payload } = parse(html);

  assert.deepEqual(payload, {
    signals: [[{ title: "t", seen: { $signal: 1 } }], "x"],
    props: [{ list: { $signal: 0 }, also: { $signal: 1 } }],
  });
});

Deno.test("[islands] an island missing from the manifest fails with a hint", () => {
  assert.throws(
    () =>
      renderPage(
        <Page>
          <Counter count={signal(0)} label="a" />
        </Page>,
        { manifest: { runtime: "/r.js", islands: {} } },
      ),
    /Island "Counter" is not in the islands manifest: its file must be islands\/Counter\.tsx/,
  );
});

Deno.test("[islands] one page's props never leak into the next render", () => {
  renderPage(
    <Page>
      <Counter count={signal(1)} label="first" />
    </Page>,
    { manifest },
  );
  const { payload } = parse(renderPage(
    <Page>
      <Total count={signal(2)} />
    </Page>,
    { manifest },
  ));
  assert.deepEqual(payload, { signals: [2], props: [{ count: { $signal: 0 } }] });
});

Deno.test("[islands] an island outside renderPage renders without a marker", async () => {
  const { renderToString } = await import("preact-render-to-string");
  assert.equal(renderToString(<Total count={signal(5)} />), "<output>5</output>");
});

Deno.test("[islands] an island name that is not a file base name is refused", () => {
  assert.throws(() => defineIsland("ticket editor", () => null), /Island name "ticket editor" must be/);
});
