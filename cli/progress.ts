/**
 * Progress on stderr for long CLI runs: a redrawn bar when stderr is a terminal, and otherwise an
 * occasional plain line, so logs and CI output stay readable.
 */

/** Reports how far a long job got. */
interface Progress {
  /** Records that `done` of `total` units are finished (`total` 0: unknown); `detail` follows the numbers. */
  update(done: number, total: number, detail?: string): void;
  /** Prints a message on its own line without garbling the bar. */
  log(message: string): void;
  /** Ends the bar so the next output starts on a fresh line. */
  finish(): void;
}

const encoder = new TextEncoder();
const write = (text: string) => Deno.stderr.writeSync(encoder.encode(text));
const BAR_WIDTH = 28;
// A redraw costs a write; ten a second looks smooth enough.
const REDRAW_MS = 100;
// Without a terminal every line stays in the log, so they come rarely.
const LINE_EVERY_MS = 5000;

/** A progress reporter labelled `label`; `isTerminal` defaults to whether stderr is one. */
export function createProgress(label: string, isTerminal = Deno.stderr.isTerminal()): Progress {
  let last = 0;
  let drawn = false;
  const clear = () => {
    if (drawn) write("\r\x1b[2K");
    drawn = false;
  };
  return {
    update(done, total, detail = "") {
      const now = Date.now();
      const fraction = total > 0 ? Math.min(1, done / total) : null;
      const percent = fraction === null ? "" : `${(fraction * 100).toFixed(0).padStart(3)}% `;
      if (isTerminal) {
        if (now - last < REDRAW_MS && fraction !== 1) return;
        const filled = Math.round((fraction ?? 0) * BAR_WIDTH);
        const bar = fraction === null ? "…" : "█".repeat(filled) + "░".repeat(BAR_WIDTH - filled);
        clear();
        write(`${label} ${bar} ${percent}${detail}`);
        drawn = true;
      } else {
        if (now - last < LINE_EVERY_MS) return;
        write(`${label}: ${percent}${detail}\n`);
      }
      last = now;
    },
    log(message) {
      clear();
      write(message + "\n");
      last = 0;
    },
    finish() {
      if (drawn) write("\n");
      drawn = false;
    },
  };
}
