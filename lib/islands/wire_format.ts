/** The `id` of the `<script type="application/json">` that carries every island's props on a page. */
export const PROPS_SCRIPT_ID = "islands-props";

/** The key of the one-key object that stands for a signal: `{"$signal": slotIndex}`. */
export const SIGNAL_TAG = "$signal";

/**
 * The JSON payload of a page: each signal's value is stored once in `signals`, so islands that shared a
 * signal on the server share one again in the browser; `props[i]` belongs to `data-props="i"`.
 */
export interface IslandsPayload {
  /** Values of the page's signals, indexed by slot. */
  signals: unknown[];
  /** Props of each top-level island, indexed by the island's `data-props` attribute. */
  props: Record<string, unknown>[];
}
