/**
 * The dashboard's answers: for each analysis a chart island and the same numbers in an accessible table,
 * every number a link to the tickets behind it (the staff list, filtered), plus the states around them —
 * nothing to show yet, and a service that did not answer. Each answer has a full form (the detail view) and
 * a small one (a card of the overview).
 */
import AnalyticsChart from "../../islands/AnalyticsChart.tsx";
import { CATEGORY_LABELS } from "../../lib/categories.ts";
import { ACCENT_COLOR, CATEGORY_COLORS, CHOSEN_COLOR, CONTEXT_COLOR } from "../../lib/category_colors.ts";
import type {
  ActiveAnswer,
  BacklogAnswer,
  ResolutionAnswer,
  UnclosedAnswer,
} from "../../services/contracts.ts";
import { Time } from "../../components/Time.tsx";
import { MONTH_ABBREVIATIONS } from "../../lib/time.ts";
import { startOfCampusDay, startOfNextCampusDay, startOfNextCampusMonth } from "../../lib/zoned_time.ts";

/** "2026-03" → "Mar 2026". */
function monthLabel(month: string): string {
  const [year, m] = month.split("-");
  return `${MONTH_ABBREVIATIONS[Number(m) - 1]} ${year}`;
}

/** "2026-03-05" → "5 Mar". */
function dayLabel(date: string): string {
  const [, m, d] = date.split("-");
  return `${Number(d)} ${MONTH_ABBREVIATIONS[Number(m) - 1]}`;
}

/** A duration in hours as people say it: "45 min", "5.3 hours", "3.2 days". */
function formatHours(hours: number): string {
  if (hours < 1) return `${Math.round(hours * 60)} min`;
  if (hours < 48) return `${hours.toLocaleString("en", { maximumFractionDigits: 1 })} hours`;
  return `${(hours / 24).toLocaleString("en", { maximumFractionDigits: 1 })} days`;
}

const number = (n: number) => n.toLocaleString("en");

/** The staff ticket list filtered by `params`: where every number on the dashboard leads. */
function ticketsLink(params: Record<string, string>): string {
  return `/tickets?${new URLSearchParams(params)}`;
}

/** A count that links to the tickets it counts, with words for screen readers saying so. */
function CountLink(props: { n: number; href: string; what: string }) {
  return (
    <a href={props.href} aria-label={`${number(props.n)} ${props.what}: show these tickets`}>
      {number(props.n)}
    </a>
  );
}

/** The links under an answer: its detail view (on the overview) and its CSV download. */
export function AnalysisActions(
  props: { detail?: { href: string; label: string }; csv: string; what: string },
) {
  return (
    <p class="analysis-actions">
      {props.detail && <a class="button button--secondary" href={props.detail.href}>{props.detail.label}</a>}
      <a class="button button--ghost" href={props.csv} download aria-label={`Download CSV of ${props.what}`}>
        Download CSV
      </a>
    </p>
  );
}

/** Shown instead of an analysis whose service is down, failing or too slow. */
export function Unavailable(props: { what: string }) {
  return (
    <div class="alert alert--warning analysis-unavailable" role="status">
      <p>
        <strong>The {props.what} analysis is unavailable right now.</strong>
      </p>
      <p>
        Its service did not answer in time. Try again in a minute; tickets and the rest of the helpdesk keep
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

const unclosedLink = (answer: UnclosedAnswer) =>
  ticketsLink({ status: "unclosed", openedAfter: answer.from });

/** The count for the chosen period as a big number, and the same count for other periods for context. */
export function UnclosedResult(props: { periods: UnclosedPeriod[]; compact?: boolean }) {
  const chosen = props.periods.find((p) => p.chosen)!;
  const { count, from, to } = chosen.answer;
  const anything = props.periods.some((p) => p.answer.count > 0);
  return (
    <>
      {!props.compact && <h2 id="analysis-title">Unclosed tickets opened in the last {chosen.label}</h2>}
      <p class="big-number">
        <span class="big-number__value">
          <CountLink
            n={count}
            href={unclosedLink(chosen.answer)}
            what={`unclosed tickets opened since ${from}`}
          />
        </span>
        <span class="big-number__label">
          {count === 1 ? "ticket is" : "tickets are"} still open or active
          {props.compact && ` from the last ${chosen.label}`}
        </span>
      </p>
      <p class="muted">
        Opened between <Time iso={from} /> and <Time iso={to} />.
      </p>
      {count === 0 && !props.compact && (
        <p class="empty-note">
          Nothing is waiting from this period: every ticket opened in it is closed, or none was opened.
        </p>
      )}
      {anything && (
        <AnalyticsChart
          labels={props.periods.map((p) => p.label)}
          // Two stacked series, so the chosen period's bar has its own colour and a legend entry.
          datasets={[
            { name: "Your period", values: props.periods.map((p) => p.chosen ? p.answer.count : 0) },
            { name: "Other periods", values: props.periods.map((p) => p.chosen ? 0 : p.answer.count) },
          ]}
          colors={[CHOSEN_COLOR, CONTEXT_COLOR]}
          stacked
          unit="tickets"
          yTitle="Unclosed tickets"
          xTitle="Opened in the last"
          links={props.periods.map((p) => unclosedLink(p.answer))}
          height={props.compact ? 180 : 260}
        />
      )}
      {!props.compact && (
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
                  <td class="num">
                    <CountLink
                      n={p.answer.count}
                      href={unclosedLink(p.answer)}
                      what={`unclosed tickets opened in the last ${p.label}`}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

/** The closed tickets opened in one campus month, as a list link. */
function closedInMonthLink(month: string, timeZone: string) {
  return ticketsLink({
    status: "closed",
    openedAfter: startOfCampusDay(month, timeZone).toISOString(),
    openedBefore: startOfNextCampusMonth(month, timeZone).toISOString(),
  });
}

/** Median, p90 and mean resolution time per opening month, as a chart and a table. */
export function ResolutionResult(
  props: { answer: ResolutionAnswer; narrowed: boolean; timeZone: string; compact?: boolean },
) {
  const months = props.compact ? props.answer.months.slice(-6) : props.answer.months;
  const closedAny = months.some((m) => m.closed > 0);
  // One unit for the whole chart axis: days once any month's p90 is two days or more.
  const unit = months.some((m) => (m.p90Hours ?? 0) >= 48) ? "days" : "hours";
  const perUnit = unit === "days" ? 24 : 1;
  // frappe draws a missing value as 0; the tooltip says why.
  const emptyMonths = Object.fromEntries(
    months.filter((m) => m.closed === 0).map((m) => [monthLabel(m.month), "no ticket closed"]),
  );
  const latest = [...months].reverse().find((m) => m.medianHours !== null);
  const chart = closedAny && (
    <AnalyticsChart
      labels={months.map((m) => monthLabel(m.month))}
      datasets={[
        { name: `Median ${unit} to close`, values: months.map((m) => (m.medianHours ?? 0) / perUnit) },
        { name: `90th percentile (${unit})`, values: months.map((m) => (m.p90Hours ?? 0) / perUnit) },
      ]}
      colors={[CHOSEN_COLOR, ACCENT_COLOR]}
      unit={unit}
      yTitle={unit === "days" ? "Days to close" : "Hours to close"}
      xTitle="Opening month (campus time)"
      links={months.map((m) => m.closed > 0 ? closedInMonthLink(m.month, props.timeZone) : null)}
      notes={emptyMonths}
      height={props.compact ? 180 : 260}
    />
  );
  if (props.compact) {
    return (
      <>
        {latest
          ? (
            <p class="big-number">
              <span class="big-number__value">{formatHours(latest.medianHours!)}</span>
              <span class="big-number__label">
                median to close, tickets opened in {monthLabel(latest.month)} (
                <CountLink
                  n={latest.closed}
                  href={closedInMonthLink(latest.month, props.timeZone)}
                  what={`closed tickets opened in ${monthLabel(latest.month)}`}
                />{" "}
                closed)
              </span>
            </p>
          )
          : <p class="empty-note">No ticket has been closed yet.</p>}
        {chart}
      </>
    );
  }
  return (
    <>
      <h2 id="analysis-title">Resolution time by opening month</h2>
      <p class="muted">
        Time from opening to closing of the tickets opened in each month (campus time zone); only closed
        tickets count. Median and 90th percentile are within 5 % of the exact value; the mean is exact.
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
            {chart || <p class="empty-note">None of the tickets opened in these months is closed yet.</p>}
            <div class="table-wrap">
              <table class="data-table">
                <caption>Resolution time of closed tickets, by the month they were opened</caption>
                <thead>
                  <tr>
                    <th scope="col">Opened in</th>
                    <th scope="col" class="num">Closed tickets</th>
                    <th scope="col" class="num">Median</th>
                    <th scope="col" class="num">90th percentile</th>
                    <th scope="col" class="num">Mean</th>
                  </tr>
                </thead>
                <tbody>
                  {months.map((m) => (
                    <tr>
                      <th scope="row">
                        <time dateTime={m.month}>{monthLabel(m.month)}</time>
                      </th>
                      <td class="num">
                        <CountLink
                          n={m.closed}
                          href={closedInMonthLink(m.month, props.timeZone)}
                          what={`closed tickets opened in ${monthLabel(m.month)}`}
                        />
                      </td>
                      {[m.medianHours, m.p90Hours, m.averageHours].map((hours) => (
                        <td class="num">
                          {hours === null ? <span class="muted">none closed</span> : formatHours(hours)}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
    </>
  );
}

const activeLink = (category: string) => ticketsLink({ status: "active", category });

/** Tickets being worked on per category, as a chart and a table with a total. */
export function ActiveResult(props: { answer: ActiveAnswer; compact?: boolean }) {
  const { categories } = props.answer;
  const total = categories.reduce((sum, c) => sum + c.active, 0);
  const chart = total > 0 && (
    <AnalyticsChart
      labels={categories.map((c) => CATEGORY_LABELS[c.category])}
      // One stacked series per category, each holding only its own bar, so every bar has its category's colour.
      datasets={categories.map((c, i) => ({
        name: CATEGORY_LABELS[c.category],
        values: categories.map((_, j) => (i === j ? c.active : 0)),
      }))}
      colors={categories.map((c) => CATEGORY_COLORS[c.category])}
      stacked
      unit="tickets"
      yTitle="Active tickets"
      xTitle="Category"
      links={categories.map((c) => activeLink(c.category))}
      height={props.compact ? 180 : 260}
    />
  );
  return (
    <>
      {!props.compact && (
        <>
          <h2 id="analysis-title">Active tickets by category</h2>
          <p class="muted">Tickets staff have started work on and not closed yet.</p>
        </>
      )}
      {props.compact && (
        <p class="big-number">
          <span class="big-number__value">
            <CountLink n={total} href={ticketsLink({ status: "active" })} what="active tickets" />
          </span>
          <span class="big-number__label">{total === 1 ? "ticket is" : "tickets are"} being worked on</span>
        </p>
      )}
      {total === 0 && !props.compact
        ? <p class="empty-note">No ticket is being worked on right now.</p>
        : chart}
      <div class="table-wrap">
        <table class="data-table">
          <caption class={props.compact ? "sr-only" : undefined}>Active tickets per category</caption>
          <thead>
            <tr>
              <th scope="col">Category</th>
              <th scope="col" class="num">Active tickets</th>
            </tr>
          </thead>
          <tbody>
            {categories.map((c) => (
              <tr>
                <th scope="row">
                  <span class="swatch" style={`background:${CATEGORY_COLORS[c.category]}`} aria-hidden="true">
                  </span>
                  {CATEGORY_LABELS[c.category]}
                </th>
                <td class="num">
                  <CountLink
                    n={c.active}
                    href={activeLink(c.category)}
                    what={`active ${CATEGORY_LABELS[c.category]} tickets`}
                  />
                </td>
              </tr>
            ))}
          </tbody>
          {!props.compact && (
            <tfoot>
              <tr>
                <th scope="row">All categories</th>
                <td class="num">
                  <CountLink n={total} href={ticketsLink({ status: "active" })} what="active tickets" />
                </td>
              </tr>
            </tfoot>
          )}
        </table>
      </div>
    </>
  );
}

/** The tickets opened on one campus day, as a list link. */
function openedOnLink(date: string, timeZone: string) {
  return ticketsLink({
    openedAfter: startOfCampusDay(date, timeZone).toISOString(),
    openedBefore: startOfNextCampusDay(date, timeZone).toISOString(),
  });
}

/** Opened, closed and still unclosed per campus day, as a chart and a table. */
export function BacklogResult(props: { answer: BacklogAnswer; timeZone: string; compact?: boolean }) {
  const { days } = props.answer;
  const today = days[days.length - 1];
  const first = days[0];
  const change = today.unclosedAtEnd - first.unclosedAtEnd;
  const unclosedNow = ticketsLink({ status: "unclosed" });
  return (
    <>
      {!props.compact && <h2 id="analysis-title">Backlog over the last {days.length} days</h2>}
      <p class="big-number">
        <span class="big-number__value">
          <CountLink n={today.unclosedAtEnd} href={unclosedNow} what="unclosed tickets now" />
        </span>
        <span class="big-number__label">
          unclosed now,{" "}
          {change === 0 ? "no change" : `${change > 0 ? "up" : "down"} ${number(Math.abs(change))}`}{" "}
          since the end of {dayLabel(first.date)}
        </span>
      </p>
      {!props.compact && (
        <p class="muted">
          Calendar days in the campus time zone, ending today. Unclosed: opened by the end of the day and not
          closed by then.
        </p>
      )}
      <AnalyticsChart
        type="line"
        labels={days.map((d) => dayLabel(d.date))}
        datasets={[
          { name: "Unclosed at the end of the day", values: days.map((d) => d.unclosedAtEnd) },
          { name: "Opened", values: days.map((d) => d.opened) },
          { name: "Closed", values: days.map((d) => d.closed) },
        ]}
        colors={[CHOSEN_COLOR, ACCENT_COLOR, CONTEXT_COLOR]}
        unit="tickets"
        yTitle="Tickets"
        xTitle="Date (campus time)"
        height={props.compact ? 180 : 260}
      />
      {!props.compact && (
        <div class="table-wrap">
          <table class="data-table">
            <caption>Tickets opened and closed per day, and unclosed at the end of each day</caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col" class="num">Opened</th>
                <th scope="col" class="num">Closed</th>
                <th scope="col" class="num">Unclosed at end</th>
              </tr>
            </thead>
            <tbody>
              {[...days].reverse().map((d) => (
                <tr>
                  <th scope="row">
                    <time dateTime={d.date}>{d.date}</time>
                  </th>
                  <td class="num">
                    <CountLink
                      n={d.opened}
                      href={openedOnLink(d.date, props.timeZone)}
                      what={`tickets opened on ${d.date}`}
                    />
                  </td>
                  <td class="num">{number(d.closed)}</td>
                  <td class="num">
                    {d === today
                      ? <CountLink n={d.unclosedAtEnd} href={unclosedNow} what="unclosed tickets now" />
                      : number(d.unclosedAtEnd)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
