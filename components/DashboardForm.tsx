/**
 * The dashboard's GET form: which analysis to run, the period of the unclosed-tickets count, the optional
 * month range of the resolution times, and the days of the backlog trend. Only the fields of the chosen analysis matter; CSS hides
 * the others where the browser supports `:has()`, and without it they simply stay visible.
 */
import { FieldError } from "./FieldError.tsx";

/** The four analyses, by their `analysis` query value. */
export const ANALYSES = ["unclosed", "resolution", "active", "backlog"] as const;

/** One of the analyses. */
export type Analysis = typeof ANALYSES[number];

/** Human names of the analyses, for the form, the overview and the result headings. */
export const ANALYSIS_LABELS: Record<Analysis, string> = {
  unclosed: "Unclosed tickets",
  resolution: "Resolution time",
  active: "Active by category",
  backlog: "Backlog trend",
};

/** What the form shows: the query as typed (strings, so a refused value can be shown again). */
export interface DashboardQuery {
  analysis: Analysis;
  amount: string;
  unit: "hours" | "days";
  from: string;
  to: string;
  days: string;
}

/** Messages for the fields that were refused. */
export type DashboardErrors = Partial<Record<"amount" | "from" | "to" | "days", string>>;

function describedBy(hint: string, error: string | undefined, errorId: string) {
  return error ? `${hint} ${errorId}` : hint;
}

/** The analysis form, filled with `query`, with each error next to its field. */
export function DashboardForm(props: { query: DashboardQuery; errors: DashboardErrors }) {
  const { query, errors } = props;
  return (
    <form
      id="dashboard-form"
      class="card dashboard-form"
      method="get"
      action="/dashboard"
      aria-label="Choose an analysis"
    >
      <fieldset class="analysis-choice">
        <legend>Analysis</legend>
        {ANALYSES.map((analysis) => (
          <label class="analysis-choice__option">
            <input type="radio" name="analysis" value={analysis} checked={analysis === query.analysis} />
            <span>{ANALYSIS_LABELS[analysis]}</span>
          </label>
        ))}
      </fieldset>

      <fieldset class="dashboard-form__group dashboard-form__group--unclosed">
        <legend>Opened in the last</legend>
        <p class="hint" id="period-hint">
          Counts tickets opened in this period that are still open or active.
        </p>
        <div class="dashboard-form__row">
          <div class="field field--inline">
            <label for="amount">Number</label>
            <input
              id="amount"
              name="amount"
              type="number"
              inputMode="numeric"
              min={1}
              step={1}
              value={query.amount}
              aria-invalid={errors.amount ? "true" : undefined}
              aria-describedby={describedBy("period-hint", errors.amount, "amount-error")}
            />
          </div>
          <div class="field field--inline">
            <label for="unit">Unit</label>
            <select id="unit" name="unit">
              <option value="hours" selected={query.unit === "hours"}>hours</option>
              <option value="days" selected={query.unit === "days"}>days</option>
            </select>
          </div>
        </div>
        <FieldError id="amount-error" message={errors.amount} />
      </fieldset>

      <fieldset class="dashboard-form__group dashboard-form__group--resolution">
        <legend>
          Opening months <span class="optional">(optional)</span>
        </legend>
        <p class="hint" id="months-hint">
          Leave empty for every month since the first ticket. Format: 2026-03.
        </p>
        <div class="dashboard-form__row">
          <div class="field field--inline">
            <label for="from">From</label>
            <input
              id="from"
              name="from"
              type="month"
              placeholder="YYYY-MM"
              pattern="\d{4}-\d{2}"
              value={query.from}
              aria-invalid={errors.from ? "true" : undefined}
              aria-describedby={describedBy("months-hint", errors.from, "from-error")}
            />
          </div>
          <div class="field field--inline">
            <label for="to">To</label>
            <input
              id="to"
              name="to"
              type="month"
              placeholder="YYYY-MM"
              pattern="\d{4}-\d{2}"
              value={query.to}
              aria-invalid={errors.to ? "true" : undefined}
              aria-describedby={describedBy("months-hint", errors.to, "to-error")}
            />
          </div>
        </div>
        <FieldError id="from-error" message={errors.from} />
        <FieldError id="to-error" message={errors.to} />
      </fieldset>

      <fieldset class="dashboard-form__group dashboard-form__group--backlog">
        <legend>Days to show</legend>
        <p class="hint" id="days-hint">Calendar days ending today, campus time: 1 to 366.</p>
        <div class="field field--inline">
          <label for="days">Days</label>
          <input
            id="days"
            name="days"
            type="number"
            inputMode="numeric"
            min={1}
            step={1}
            value={query.days}
            aria-invalid={errors.days ? "true" : undefined}
            aria-describedby={describedBy("days-hint", errors.days, "days-error")}
          />
        </div>
        <FieldError id="days-error" message={errors.days} />
      </fieldset>

      <div class="form-actions">
        <button type="submit" class="button">Show analysis</button>
      </div>
    </form>
  );
}
