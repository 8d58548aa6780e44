/**
 * The dashboard's answers: for each analysis a chart island and the same numbers in an accessible table,
 * plus the states around them — nothing to show yet, and a service that did not answer.
 */
import AnalyticsChart from "../../islands/AnalyticsChart.tsx";
import { CATEGORY_LABELS } from "../../lib/categories.ts";
import type { ActiveAnswer, ResolutionAnswer, UnclosedAnswer } from "../../services/contracts.ts";
import { Time } from "../../components/Time.tsx";
import { MONTH_ABBREVIATIONS } from "../../lib/time.ts";

/** "2026-03" → "Mar 2026". */
function monthLabel(month: string): string {
  const [year, m] = month.split("-");
  return `${MONTH_ABBREVIATIONS[Number(m) - 1]} ${year}`;
}

/** A duration in hours as people say it: "45 min", "5.3 hours", "3.2 days". */
function formatHours(hours: number): string {
  if (hours < 1) return `${Math.round(hours * 60)} min`;
  if (hours < 48) return `${hours.toLocaleString("en", { maximumFractionDigits: 1 })} hours`;
  return `${(hours / 24).toLocaleString("en", { maximumFractionDigits: 1 })} days`;
}

const number = (n: number) => n.toLocaleString("en");

/** Shown instead of an analysis whose service is down, failing or too slow. */
export function Unavailable(props: { what: string }) {
  return (
    <div class="alert alert--warning analysis-unavailable" role="status">
      <p>
        <strong>This analysis is unavailable right now.</strong>
      </p>
      <p>
        The {props.what}{" "}
        service did not answer in time. Try again in a minute; tickets and the rest of the helpdesk keep
        working.
      </p>
    </div>
  );
}

/** Service 1's answer for one period, with the period's name ("7 days"). */
export interface UnclosedPeriod {
  label: string;
  chosen: boolean;
  answer: UnclosedAnswer;
}

/** The count for the chosen period as a big number, and the same count for other periods for context. */
export function UnclosedResult(props: { periods: UnclosedPeriod[] }) {
  const chosen = props.periods.find((p) => p.chosen)!;
  const { count, from, to } = chosen.answer;
  const anything = props.periods.some((p) => p.answer.count > 0);
  return (
    <section class="analysis" aria-labelledby="analysis-title">
      <h2 id="analysis-title">Unclosed tickets opened in the last {chosen.label}</h2>
      <p class="big-number">
        <span class="big-number__value">{number(count)}</span>
        <span class="big-number__label">
          {count === 1 ? "ticket is" : "tickets are"} still open or active
        </span>
      </p>
      <p class="muted">
        Opened between <Time iso={from} /> and <Time iso={to} />.
      </p>
      {count === 0 && (
        <p class="empty-note">
          Nothing is waiting from this period: every ticket opened in it is closed, or none was opened.
        </p>
      )}
      {anything && (
        <AnalyticsChart
          labels={props.periods.map((p) => p.label)}
          datasets={[{ name: "Unclosed tickets", values: props.periods.map((p) => p.answer.count) }]}
          unit="tickets"
        />
      )}
      <div class="table-wrap">
        <table class="data-table">
          <caption>
            Unclosed tickets by how recently they were opened, counted at <Time iso={to} />
          </caption>
          <thead>
            <tr>
              <th scope="col">Opened in the last</th>
              <th scope="col">Opened since</th>
              <th scope="col" class="num">Still unclosed</th>
            </tr>
          </thead>
          <tbody>
            {props.periods.map((p) => (
              <tr class={p.chosen ? "is-chosen" : undefined}>
                <th scope="row">
                  {p.label}
                  {/* The space keeps "7 days your period" apart for screen readers too. */}
                  {p.chosen && (
                    <>
                      {" "}
                      <span class="tag">your period</span>
                    </>
                  )}
                </th>
                <td>
                  <Time iso={p.answer.from} />
                </td>
                <td class="num">{number(p.answer.count)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Mean resolution time per opening month, as a chart and a table. */
export function ResolutionResult(props: { answer: ResolutionAnswer; narrowed: boolean }) {
  const { months } = props.answer;
  const closedAny = months.some((m) => m.closed > 0);
  // One unit for the whole chart axis: days once any month averages two days or more.
  const unit = months.some((m) => (m.averageHours ?? 0) >= 48) ? "days" : "hours";
  const perUnit = unit === "days" ? 24 : 1;
  // frappe draws a missing value as 0; the tooltip says why.
  const emptyMonths = Object.fromEntries(
    months.filter((m) => m.closed === 0).map((m) => [monthLabel(m.month), "no ticket closed"]),
  );
  return (
    <section class="analysis" aria-labelledby="analysis-title">
      <h2 id="analysis-title">Resolution time by opening month</h2>
      <p class="muted">
        Average time from opening to closing of the tickets opened in each month (campus time zone). Only
        closed tickets count.
      </p>
      {months.length === 0
        ? (
          <div class="empty">
            <h3>No tickets {props.narrowed ? "in these months" : "yet"}</h3>
            <p>
              {props.narrowed
                ? "No month in this range has tickets. Widen the range or leave it empty to see every month."
                : "Once tickets are opened and closed, their resolution times appear here month by month."}
            </p>
          </div>
        )
        : (
          <>
            {closedAny
              ? (
                <AnalyticsChart
                  labels={months.map((m) => monthLabel(m.month))}
                  datasets={[{
                    name: `Average ${unit} to close`,
                    values: months.map((m) => (m.averageHours ?? 0) / perUnit),
                  }]}
                  unit={unit}
                  notes={emptyMonths}
                />
              )
              : <p class="empty-note">None of the tickets opened in these months is closed yet.</p>}
            <div class="table-wrap">
              <table class="data-table">
                <caption>Average resolution time of closed tickets, by the month they were opened</caption>
                <thead>
                  <tr>
                    <th scope="col">Opened in</th>
                    <th scope="col" class="num">Closed tickets</th>
                    <th scope="col" class="num">Average time to close</th>
                  </tr>
                </thead>
                <tbody>
                  {months.map((m) => (
                    <tr>
                      <th scope="row">
                        <time dateTime={m.month}>{monthLabel(m.month)}</time>
                      </th>
                      <td class="num">{number(m.closed)}</td>
                      <td class="num">
                        {m.averageHours === null
                          ? <span class="muted">none closed</span>
                          : formatHours(m.averageHours)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
    </section>
  );
}

/** Tickets being worked on per category, as a chart and a table with a total. */
export function ActiveResult(props: { answer: ActiveAnswer }) {
  const { categories } = props.answer;
  const total = categories.reduce((sum, c) => sum + c.active, 0);
  return (
    <section class="analysis" aria-labelledby="analysis-title">
      <h2 id="analysis-title">Active tickets by category</h2>
      <p class="muted">Tickets staff have started work on and not closed yet.</p>
      {total === 0 ? <p class="empty-note">No ticket is being worked on right now.</p> : (
        <AnalyticsChart
          labels={categories.map((c) => CATEGORY_LABELS[c.category])}
          datasets={[{ name: "Active tickets", values: categories.map((c) => c.active) }]}
          unit="tickets"
        />
      )}
      <div class="table-wrap">
        <table class="data-table">
          <caption>Active tickets per category</caption>
          <thead>
            <tr>
              <th scope="col">Category</th>
              <th scope="col" class="num">Active tickets</th>
            </tr>
          </thead>
          <tbody>
            {categories.map((c) => (
              <tr>
                <th scope="row">{CATEGORY_LABELS[c.category]}</th>
                <td class="num">{number(c.active)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">All categories</th>
              <td class="num">{number(total)}</td>
            </tr>
          </tfoot>
        </table>
      </div>
    </section>
  );
}
