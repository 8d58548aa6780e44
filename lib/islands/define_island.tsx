import type { ComponentType } from "preact";
import { useContext } from "preact/hooks";
import { IslandCollectorContext } from "./context.ts";
import { ISLAND_NAME_PATTERN } from "./manifest.ts";

/**
 * Marks a component as an island: inside `renderPage` it is wrapped in a `data-island` element and its props
 * are recorded for hydration; anywhere else (nested in another island, or in the browser) it renders as is.
 */
export function defineIsland<P>(name: string, Component: ComponentType<P>): ComponentType<P> {
  if (!ISLAND_NAME_PATTERN.test(name)) {
    throw new Error(`Island name "${name}" must be the island file's base name, e.g. "TicketEditor"`);
  }
  function Island(props: P) {
    const collector = useContext(IslandCollectorContext);
    // deno-lint-ignore no-explicit-any -- JSX cannot spread a bare generic P without a cast.
    const inner = <Component {...(props as any)} />;
    if (!collector) return inner;
    const index = collector.add(name, props as Record<string, unknown>);
    return (
      <IslandCollectorContext.Provider value={null}>
        <div data-island={name} data-props={String(index)} style="display:contents">{inner}</div>
      </IslandCollectorContext.Provider>
    );
  }
  Island.displayName = `Island(${name})`;
  return Island;
}
