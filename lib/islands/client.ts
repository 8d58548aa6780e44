/**
 * Browser runtime: the boot script of every page with islands imports this chunk and calls `boot`.
 * @module
 */
import { type ComponentType, h, hydrate } from "preact";
import { reviveIslandProps } from "./revive_props.ts";
import { type IslandsPayload, PROPS_SCRIPT_ID } from "./wire_format.ts";

/** Hydrates every `[data-island]` element on the page with its component and revived props. */
export function boot(
  // deno-lint-ignore no-explicit-any -- each island has its own props type; the payload is untyped JSON.
  islands: Record<string, ComponentType<any>>,
  root: ParentNode = document,
): void {
  const script = root.querySelector(`#${PROPS_SCRIPT_ID}`);
  if (!script) return;
  const props = reviveIslandProps(JSON.parse(script.textContent ?? "") as IslandsPayload);
  for (const el of root.querySelectorAll<HTMLElement>("[data-island]")) {
    const name = el.dataset.island ?? "";
    const index = Number(el.dataset.props);
    try {
      const Component = islands[name];
      if (!Component) throw new Error(`Island "${name}" was rendered but its chunk was not loaded`);
      if (!props[index]) throw new Error(`Island "${name}" has no props at index ${el.dataset.props}`);
      hydrate(h(Component, props[index]), el);
    } catch (error) {
      // One broken island should not keep the others on the page inert.
      reportError(error);
    }
  }
}
