import type { VNode } from "preact";
import { renderToString } from "preact-render-to-string";
import { type IslandCollector, IslandCollectorContext } from "./context.ts";
import type { IslandManifest } from "./manifest.ts";
import { escapeJsonForScript, IslandPropsSerializer } from "./serialize_props.ts";
import { PROPS_SCRIPT_ID } from "./wire_format.ts";

/** Options of `renderPage`. */
interface RenderPageOptions {
  /** Chunk URLs from `buildIslands`; only consulted when the page renders an island. */
  manifest: IslandManifest;
  /** CSP nonce for the boot script. */
  nonce?: string;
}

/**
 * Renders a full `<html>` document; when it contains islands, appends their props and a boot script that
 * loads the runtime and only the islands used on this page, so a page without islands ships no script.
 */
export function renderPage(page: VNode, options: RenderPageOptions): string {
  const serializer = new IslandPropsSerializer();
  const used = new Set<string>();
  // A fresh collector per call is what keeps one request's props out of another's.
  const collector: IslandCollector = {
    add(name, props) {
      used.add(name);
      return serializer.add(name, props);
    },
  };
  const html = "<!DOCTYPE html>" +
    renderToString(
      <IslandCollectorContext.Provider value={collector}>{page}</IslandCollectorContext.Provider>,
    );
  if (!serializer.hasIslands) return html;

  const scripts =
    `<script type="application/json" id="${PROPS_SCRIPT_ID}">${serializer.toScriptJson()}</script>` +
    bootScript([...used], options);
  const end = html.lastIndexOf("</body>");
  return end === -1 ? html + scripts : html.slice(0, end) + scripts + html.slice(end);
}

function bootScript(names: string[], { manifest, nonce }: RenderPageOptions): string {
  const imports = names.map((name, i) => {
    const url = manifest.islands[name];
    if (!url) {
      throw new Error(
        `Island "${name}" is not in the islands manifest: its file must be islands/${name}.tsx ` +
          `(the name passed to defineIsland is the file's base name) and buildIslands must have run`,
      );
    }
    return `import i${i} from${JSON.stringify(url)};`;
  });
  const islands = names.map((name, i) => `${JSON.stringify(name)}:i${i}`).join(",");
  const code = `import{boot}from${JSON.stringify(manifest.runtime)};${imports.join("")}boot({${islands}});`;
  const nonceAttr = nonce === undefined ? "" : ` nonce="${escapeAttribute(nonce)}"`;
  return `<script type="module"${nonceAttr}>${escapeJsonForScript(code)}</script>`;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
