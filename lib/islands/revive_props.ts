import { type Signal, signal } from "@preact/signals";
import { type IslandsPayload, SIGNAL_TAG } from "./wire_format.ts";

/** Turns a page's props payload back into props, with one real signal per shared slot. */
export function reviveIslandProps(payload: IslandsPayload): Record<string, unknown>[] {
  // Create every signal before filling any, so a slot may refer to itself or to a later slot.
  const signals: Signal<unknown>[] = payload.signals.map(() => signal<unknown>(undefined));
  const revive = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(revive);
    if (value === null || typeof value !== "object") return value;
    const slot = signalSlot(value);
    if (slot !== undefined) return signals[slot];
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, revive(item)]));
  };
  payload.signals.forEach((value, slot) => signals[slot].value = revive(value));
  return payload.props.map((props) => revive(props) as Record<string, unknown>);
}

function signalSlot(value: object): number | undefined {
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== SIGNAL_TAG) return undefined;
  return (value as Record<string, number>)[SIGNAL_TAG];
}
