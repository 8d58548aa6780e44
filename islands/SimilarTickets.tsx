/**
 * Beside the new-ticket form: while the person types a description, the open tickets most like it, each a
 * link, so they can add a message to an existing ticket instead of filing the same problem again. It asks
 * `GET /api/v1/tickets/similar` once typing pauses; without JavaScript it shows nothing and the form still
 * files tickets as before.
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { defineIsland } from "../lib/islands/define_island.tsx";
import { MAX_TEXT } from "../lib/limits.ts";
import { summary } from "../lib/summary.ts";

// Similar tickets are a short list beside other content: their summaries are cut shorter.
const SIMILAR_SUMMARY_MAX = 120;

/** Props of the similar-tickets hint: the id of the textarea it follows. */
interface SimilarTicketsProps {
  inputId: string;
}

interface SimilarTicket {
  id: string;
  description: string;
}

/** How long typing must pause before the server is asked, in milliseconds. */
const PAUSE_MS = 350;
/** Too little text to compare: a few letters match everything. */
const MIN_LENGTH = 8;

/** The list of similar open tickets, updated while the person types. */
function SimilarTickets(props: SimilarTicketsProps) {
  const tickets = useSignal<SimilarTicket[]>([]);
  useEffect(() => {
    const input = document.getElementById(props.inputId) as HTMLTextAreaElement | null;
    if (!input) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let asked = "";
    let controller: AbortController | null = null;
    async function ask() {
      const text = input!.value.trim();
      if (text === asked) return;
      asked = text;
      controller?.abort();
      if (text.length < MIN_LENGTH || text.length > MAX_TEXT) {
        tickets.value = [];
        return;
      }
      controller = new AbortController();
      try {
        const res = await fetch(`/api/v1/tickets/similar?${new URLSearchParams({ text })}`, {
          headers: { accept: "application/json" },
          signal: controller.signal,
        });
        // A refusal (e.g. text the server does not take) only hides the hint; filing says what is wrong.
        tickets.value = res.ok ? (await res.json()).tickets : [];
      } catch (error) {
        if ((error as Error).name !== "AbortError") tickets.value = [];
      }
    }
    const onInput = () => {
      clearTimeout(timer);
      timer = setTimeout(ask, PAUSE_MS);
    };
    input.addEventListener("input", onInput);
    if (input.value.trim()) ask();
    return () => {
      input.removeEventListener("input", onInput);
      clearTimeout(timer);
      controller?.abort();
    };
  }, [props.inputId]);

  return (
    <div aria-live="polite">
      {tickets.value.length > 0 && (
        <section class="similar" aria-labelledby="similar-heading">
          <h2 id="similar-heading">Is it one of these? Add a message instead</h2>
          <ul>
            {tickets.value.map((t) => (
              <li key={t.id}>
                <a href={`/tickets/${t.id}`}>{summary(t.description, SIMILAR_SUMMARY_MAX)}</a>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

export default defineIsland("SimilarTickets", SimilarTickets);
