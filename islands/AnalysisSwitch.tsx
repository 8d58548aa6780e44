/**
 * Makes the dashboard's analysis choice act at once: choosing another analysis hides the answer on screen
 * (so the old answer never shows under the new choice) and submits the form, without a second click. The
 * plain form, with its "Show analysis" button, works the same without JavaScript.
 */
import { useEffect, useRef } from "preact/hooks";
import { defineIsland } from "../lib/islands/define_island.tsx";

/** Props: the id of the form to watch and of the answer region to clear. */
interface AnalysisSwitchProps {
  formId: string;
  resultId: string;
}

/** An invisible marker whose effect wires the form's analysis radios. */
function AnalysisSwitch(props: AnalysisSwitchProps) {
  const marker = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    const form = document.getElementById(props.formId) as HTMLFormElement | null;
    if (!form) return;
    const onChange = (event: Event) => {
      const input = event.target as HTMLInputElement;
      if (input.name !== "analysis") return;
      const result = document.getElementById(props.resultId);
      if (result) {
        result.setAttribute("aria-busy", "true");
        const label = input.closest("label")?.textContent?.trim() ?? "the analysis";
        const note = document.createElement("p");
        note.className = "empty-note";
        note.setAttribute("role", "status");
        note.textContent = `Loading ${label}…`;
        result.replaceChildren(note);
      }
      form.requestSubmit();
    };
    form.addEventListener("change", onChange);
    return () => form.removeEventListener("change", onChange);
  }, []);
  return <span ref={marker} hidden></span>;
}

/** The AnalysisSwitch island. */
export default defineIsland("AnalysisSwitch", AnalysisSwitch);
