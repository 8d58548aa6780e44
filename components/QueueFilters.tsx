import { FieldError } from "./FieldError.tsx";

/** The list's "waiting on" filter and sort order, with the error of a refused value next to its field. */
export function QueueFilters(
  props: { filters: { waiting?: string; sort?: string }; problem: { message: string; field: string } | null },
) {
  const { filters, problem } = props;
  const errorOf = (field: string) => problem?.field === field ? problem.message : null;
  const select = (field: "waiting" | "sort", label: string, options: [string, string][], value?: string) => (
    <div class="field field--inline">
      <label for={`filter-${field}`}>{label}</label>
      <select
        id={`filter-${field}`}
        name={field}
        aria-invalid={errorOf(field) ? "true" : undefined}
        aria-describedby={errorOf(field) ? `filter-${field}-error` : undefined}
      >
        {options.map(([v, text]) => <option key={v} value={v} selected={v === (value ?? "")}>{text}</option>)}
      </select>
      <FieldError id={`filter-${field}-error`} message={errorOf(field)} />
    </div>
  );
  return (
    <>
      {select("waiting", "Waiting on", [
        ["", "Anyone"],
        ["helpdesk", "Helpdesk (needs a reply)"],
        ["reporter", "Reporter"],
      ], filters.waiting)}
      {select("sort", "Sort", [["", "Newest first"], ["updated", "Latest activity"]], filters.sort)}
      {problem && problem.field !== "waiting" && problem.field !== "sort" && (
        <p class="field-error" role="alert">{problem.message}</p>
      )}
    </>
  );
}
