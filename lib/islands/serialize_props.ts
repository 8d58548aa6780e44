import { isValidElement } from "preact";
import { Signal } from "@preact/signals";
import { type IslandsPayload, SIGNAL_TAG } from "./wire_format.ts";

/**
 * Collects the props of a page's islands into one payload, turning signals into shared slots and refusing
 * anything that would not survive the trip to the browser.
 */
export class IslandPropsSerializer {
  #slots = new Map<Signal, number>();
  #payload: IslandsPayload = { signals: [], props: [] };

  /** Encodes one island's props and returns their index; throws when a prop cannot be serialised. */
  add(island: string, props: Record<string, unknown>): number {
    const encoded = this.#encode(props, { island, path: "", ancestors: new Set() });
    return this.#payload.props.push(encoded as Record<string, unknown>) - 1;
  }

  /** Returns true once at least one island has been added. */
  get hasIslands(): boolean {
    return this.#payload.props.length > 0;
  }

  /** Returns the payload as JSON that is safe to place inside a `<script>` element. */
  toScriptJson(): string {
    return escapeJsonForScript(JSON.stringify(this.#payload));
  }

  #encode(value: unknown, at: Where): unknown {
    switch (typeof value) {
      case "string":
      case "boolean":
        return value;
      case "number":
        // JSON would silently turn these into null.
        if (!Number.isFinite(value)) throw refuse(at, `is ${value}`);
        return value;
      case "undefined":
        throw refuse(at, "is undefined (use null)");
      case "function":
        throw refuse(at, "is a function");
      case "bigint":
      case "symbol":
        throw refuse(at, `is a ${typeof value}`);
    }
    if (value === null) return null;
    if (value instanceof Signal) return this.#encodeSignal(value, at);
    if (isValidElement(value)) throw refuse(at, "is JSX");
    const object = value as object;
    if (at.ancestors.has(object)) throw refuse(at, "refers back to itself");
    at.ancestors.add(object);
    try {
      if (Array.isArray(object)) return object.map((item, i) => this.#encode(item, child(at, `[${i}]`)));
      const proto = Object.getPrototypeOf(object);
      if (proto !== Object.prototype && proto !== null) {
        throw refuse(at, `is a ${proto?.constructor?.name || "non-plain object"}`);
      }
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(object)) {
        if (key === SIGNAL_TAG) throw refuse(at, `uses the reserved key "${SIGNAL_TAG}"`);
        // An optional prop left undefined is common; drop it as JSON.stringify would.
        if (item === undefined) continue;
        out[key] = this.#encode(item, child(at, at.path ? `.${key}` : key));
      }
      return out;
    } finally {
      at.ancestors.delete(object);
    }
  }

  #encodeSignal(signal: Signal, at: Where): unknown {
    // A computed signal would come back writable and detached from its sources, which is worse than an error.
    if (Object.getPrototypeOf(signal) !== Signal.prototype) {
      throw refuse(at, "is a computed signal; pass its source signals and compute inside the island");
    }
    let slot = this.#slots.get(signal);
    if (slot === undefined) {
      // Reserve the slot before encoding the value, so a signal that contains itself ends up as a reference.
      slot = this.#payload.signals.push(null) - 1;
      this.#slots.set(signal, slot);
      this.#payload.signals[slot] = this.#encode(signal.peek(), child(at, ".value"));
    }
    return { [SIGNAL_TAG]: slot };
  }
}

/** Escapes JSON so that no `</script>`, `<!--` or line separator inside a string can end the script early. */
export function escapeJsonForScript(json: string): string {
  return json.replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

interface Where {
  island: string;
  path: string;
  ancestors: Set<object>;
}

function child(at: Where, segment: string): Where {
  return { ...at, path: at.path + segment };
}

function refuse(at: Where, problem: string): Error {
  return new Error(
    `Island "${at.island}": prop "${at.path}" ${problem}; island props must be JSON values or signals`,
  );
}
