import { createContext } from "preact";

/** Receives the props of each top-level island rendered during one `renderPage` call. */
export interface IslandCollector {
  /** Records an island's props and returns their index in the page's props list. */
  add(name: string, props: Record<string, unknown>): number;
}

/**
 * Carries the current request's collector down the tree; `null` inside an island, so nested islands render
 * as plain components and only the outermost one is hydrated.
 */
export const IslandCollectorContext = createContext<IslandCollector | null>(null);
