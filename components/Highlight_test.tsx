import assert from "node:assert/strict";
import { render } from "preact-render-to-string";
import fc from "fast-check";
import { Highlight } from "./Highlight.tsx";

Deno.test("[highlight] marks the matched words in place, whatever their case and accents", () => {
  const html = render(<Highlight text="The CAFÉ by the café-bar" terms={["cafe"]} />);
  assert.equal(html, "The <mark>CAFÉ</mark> by the <mark>café</mark>-bar");
});

Deno.test("[highlight] markup in a ticket stays text: nothing but <mark> is ever produced", () => {
  const text = `<script>alert(1)</script> projector <img src=x onerror=alert(2)> "quoted" & 'single'`;
  const html = render(<Highlight text={text} terms={["projector", "script", "img"]} />);
  assert.equal(
    html,
    "&lt;<mark>script</mark>>alert(1)&lt;/<mark>script</mark>> <mark>projector</mark> &lt;<mark>img</mark> " +
      "src=x onerror=alert(2)> &quot;quoted&quot; &amp; 'single'",
  );
});

Deno.test("[highlight] for any text and terms, removing the marks gives back the escaped text", () => {
  const escape = (s: string) => render(<>{s}</>);
  fc.assert(
    fc.property(
      fc.string({ unit: "grapheme", maxLength: 60 }),
      fc.array(fc.string({ maxLength: 6 })),
      (text, terms) => {
        const html = render(<Highlight text={text} terms={terms} />);
        assert.equal(html.replaceAll("<mark>", "").replaceAll("</mark>", ""), escape(text));
        assert.doesNotMatch(html.replace(/<\/?mark>/g, ""), /<[a-z/]/i);
      },
    ),
  );
});
