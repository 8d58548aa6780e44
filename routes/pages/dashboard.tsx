/**
 * The helpdesk dashboard. `/dashboard` is the overview: all four analyses at once, each a small chart and a
 * headline number, each shown as unavailable on its own when its service does not answer.
 * `/dashboard?analysis=…` is one analysis in detail, with its controls; `/dashboard/csv?analysis=…` downloads
 * the same answer as CSV. The browser only ever talks to the web app, which asks the services.
 */
import { type Context, Hono } from "hono";
import type { VNode } from "preact";
import { z } from "zod";
import {
  ActiveResult,
  AnalysisActions,
  BacklogResult,
  ResolutionResult,
  Unavailable,
  type UnclosedPeriod,
  UnclosedResult,
} from "./analysis_results.tsx";
import {
  ANALYSES,
  type Analysis,
  ANALYSIS_LABELS,
  type DashboardErrors,
  DashboardForm,
  type DashboardQuery,
} from "../../components/DashboardForm.tsx";
import AnalysisSwitch from "../../islands/AnalysisSwitch.tsx";
import { Layout } from "../../components/Layout.tsx";
import type { Config } from "../../lib/config.ts";
import { HelpdeskError, ValidationError } from "../../lib/errors.ts";
import { type AnalyticsClient, createAnalyticsClient, type ServiceResult } from "../../services/client.ts";
import { MAX_BACKLOG_DAYS, MAX_DAYS, MAX_HOURS, MONTH_PATTERN } from "../../services/contracts.ts";
import type { RolePageEnv } from "./env.ts";
import { sendPage } from "./render.tsx";

const querySchema = z.object({
  analysis: z.enum(ANALYSES).catch("unclosed"),
  amount: z.string().catch("7"),
  unit: z.enum(["hours", "days"]).catch("days"),
  from: z.string().trim().catch(""),
  to: z.string().trim().catch(""),
  days: z.string().trim().catch("30"),
});

// Shown next to the chosen period, so a count has a sense of scale.
const CONTEXT_PERIODS = [{ hours: 24 }, { days: 7 }, { days: 30 }, { days: 90 }];

type Period = { hours: number } | { days: number };

const periodHours = (p: Period) => "hours" in p ? p.hours : p.days * 24;
const periodLabel = (p: Period) =>
  "hours" in p ? `${p.hours} hour${p.hours === 1 ? "" : "s"}` : `${p.days} day${p.days === 1 ? "" : "s"}`;

/** The form's own checks, so a mistake shows next to its field before any service is asked. */
function checkQuery(query: DashboardQuery): DashboardErrors {
  const errors: DashboardErrors = {};
  if (query.analysis === "unclosed") {
    const max = query.unit === "hours" ? MAX_HOURS : MAX_DAYS;
    const n = Number(query.amount);
    if (!/^\d+$/.test(query.amount) || n < 1 || n > max) {
      errors.amount = `Enter a whole number of ${query.unit} from 1 to ${
        max.toLocaleString("en")
      } (ten years).`;
    }
  }
  if (query.analysis === "resolution") {
    if (query.from && !MONTH_PATTERN.test(query.from)) errors.from = "Enter a month like 2026-03.";
    if (query.to && !MONTH_PATTERN.test(query.to)) errors.to = "Enter a month like 2026-03.";
    if (!errors.from && !errors.to && query.from && query.to && query.from > query.to) {
      errors.to = "The last month must not be before the first.";
    }
  }
  if (query.analysis === "backlog") {
    const n = Number(query.days);
    if (!/^\d+$/.test(query.days) || n < 1 || n > MAX_BACKLOG_DAYS) {
      errors.days = `Enter a whole number of days from 1 to ${MAX_BACKLOG_DAYS}.`;
    }
  }
  return errors;
}

/** The service and its parameters for an analysis as asked (after checkQuery found nothing wrong). */
function serviceCall(
  query: DashboardQuery,
): { service: keyof Config["serviceUrls"]; params: Record<string, string> } {
  switch (query.analysis) {
    case "unclosed":
      return { service: "unclosed", params: { [query.unit]: query.amount } };
    case "resolution":
      return {
        service: "resolutionTime",
        params: { ...(query.from ? { from: query.from } : {}), ...(query.to ? { to: query.to } : {}) },
      };
    case "active":
      return { service: "activeByCategory", params: {} };
    case "backlog":
      return { service: "backlog", params: { days: query.days } };
  }
}

/** The dashboard URL of an analysis with the parameters that matter to it (`/dashboard/csv` for its CSV). */
function analysisHref(query: DashboardQuery, csv = false): string {
  const params = new URLSearchParams({ analysis: query.analysis, ...paramsOf(query) });
  return `/dashboard${csv ? "/csv" : ""}?${params}`;
}

function paramsOf(query: DashboardQuery): Record<string, string> {
  switch (query.analysis) {
    case "unclosed":
      return { amount: query.amount, unit: query.unit };
    case "resolution":
      return { ...(query.from ? { from: query.from } : {}), ...(query.to ? { to: query.to } : {}) };
    case "active":
      return {};
    case "backlog":
      return { days: query.days };
  }
}

/** The field a service's refusal concerns, so its message shows next to that field. */
function fieldOf(analysis: Analysis, message: string): keyof DashboardErrors {
  if (analysis === "unclosed") return "amount";
  if (analysis === "backlog") return "days";
  return /\bto\b/.test(message) ? "to" : "from";
}

/** The result of one analysis: what to render, or the service's refusal of the parameters. */
type Outcome = { view: VNode } | { rejected: string };

const refused = (result: ServiceResult<unknown>) =>
  !result.ok && result.reason === "rejected" ? { rejected: result.message } : null;

async function unclosedPeriods(client: AnalyticsClient, chosen: Period, context: Period[]) {
  const periods = [chosen, ...context.filter((p) => periodHours(p) !== periodHours(chosen))]
    .sort((a, b) => periodHours(a) - periodHours(b));
  const results = await Promise.all(periods.map((p) => client.unclosed(p)));
  const mine = results[periods.indexOf(chosen)];
  if (!mine.ok) return mine;
  if (results.some((r) => !r.ok)) return { ok: false, reason: "unavailable" } as const;
  const rows: UnclosedPeriod[] = periods.map((p, i) => ({
    label: periodLabel(p),
    chosen: p === chosen,
    answer: (results[i] as { data: UnclosedPeriod["answer"] }).data,
  }));
  return { ok: true, data: rows } as const;
}

async function runAnalysis(
  client: AnalyticsClient,
  query: DashboardQuery,
  timeZone: string,
): Promise<Outcome> {
  const unavailable = () => ({ view: <Unavailable what={ANALYSIS_LABELS[query.analysis].toLowerCase()} /> });
  if (query.analysis === "unclosed") {
    const amount = Number(query.amount);
    const chosen: Period = query.unit === "hours" ? { hours: amount } : { days: amount };
    const result = await unclosedPeriods(client, chosen, CONTEXT_PERIODS);
    if (!result.ok) return refused(result) ?? unavailable();
    return { view: <UnclosedResult periods={result.data} /> };
  }
  if (query.analysis === "resolution") {
    const result = await client.resolutionTime({ from: query.from || undefined, to: query.to || undefined });
    if (!result.ok) return refused(result) ?? unavailable();
    return {
      view: (
        <ResolutionResult
          answer={result.data}
          narrowed={Boolean(query.from || query.to)}
          timeZone={timeZone}
        />
      ),
    };
  }
  if (query.analysis === "backlog") {
    const result = await client.backlog(Number(query.days));
    if (!result.ok) return refused(result) ?? unavailable();
    return { view: <BacklogResult answer={result.data} timeZone={timeZone} /> };
  }
  const result = await client.activeByCategory();
  if (!result.ok) return refused(result) ?? unavailable();
  return { view: <ActiveResult answer={result.data} /> };
}

/** Every analysis at once, each in its own card, each unavailable on its own. */
async function overview(client: AnalyticsClient, timeZone: string): Promise<VNode> {
  const [unclosed, resolution, active, backlog] = await Promise.all([
    unclosedPeriods(client, { days: 7 }, [{ hours: 24 }, { days: 30 }]),
    client.resolutionTime({}),
    client.activeByCategory(),
    client.backlog(30),
  ]);
  const defaults = querySchema.parse({});
  const card = <T,>(
    analysis: Analysis,
    result: ServiceResult<T>,
    body: (data: T) => VNode,
    query: Partial<DashboardQuery> = {},
  ) => {
    const q = { ...defaults, analysis, ...query } as DashboardQuery;
    return (
      <section class="analysis overview-card" aria-labelledby={`card-${analysis}`}>
        <h2 id={`card-${analysis}`}>{ANALYSIS_LABELS[analysis]}</h2>
        {result.ok ? body(result.data) : <Unavailable what={ANALYSIS_LABELS[analysis].toLowerCase()} />}
        <div class="overview-card__actions">
          <a
            class="button button--secondary"
            href={analysisHref(q)}
            aria-label={`Details: ${ANALYSIS_LABELS[analysis]}`}
          >
            Details
          </a>
          {result.ok && (
            <a
              class="button button--ghost"
              href={analysisHref(q, true)}
              download
              aria-label={`Download CSV of ${ANALYSIS_LABELS[analysis]}`}
            >
              Download CSV
            </a>
          )}
        </div>
      </section>
    );
  };
  return (
    <div class="overview">
      {card("unclosed", unclosed, (periods) => <UnclosedResult periods={periods} compact />, {
        amount: "7",
        unit: "days",
      })}
      {card("backlog", backlog, (answer) => <BacklogResult answer={answer} timeZone={timeZone} compact />)}
      {card(
        "resolution",
        resolution,
        (answer) => <ResolutionResult answer={answer} narrowed={false} timeZone={timeZone} compact />,
      )}
      {card("active", active, (answer) => <ActiveResult answer={answer} compact />)}
    </div>
  );
}

/**
 * Routes of the dashboard (`GET /dashboard`, `GET /dashboard/csv`), for helpdesk staff only; `fetchImpl`
 * reaches the services, `timeZone` turns campus days and months into the list's time bounds.
 */
export function dashboardPages(
  config: { serviceUrls: Config["serviceUrls"]; timeZone: string },
  fetchImpl: typeof fetch = fetch,
) {
  const client = createAnalyticsClient(config.serviceUrls, fetchImpl);
  const page = (c: Context<RolePageEnv>, body: VNode, status: 200 | 400 = 200) =>
    sendPage(
      c,
      <Layout
        title="Dashboard"
        role={c.get("role")}
        name={c.get("name")}
        nav="dashboard"
        head={<link rel="stylesheet" href="/static/charts.css" />}
      >
        {body}
      </Layout>,
      status,
    );
  return new Hono<RolePageEnv>()
    .get("/dashboard", async (c) => {
      if (c.req.query("analysis") === undefined) {
        return page(
          c,
          <>
            <div class="page-head">
              <div>
                <h1>Dashboard</h1>
                <p class="muted">
                  All four analyses at a glance. Every number leads to its tickets; Details has the controls.
                </p>
              </div>
            </div>
            {await overview(client, config.timeZone)}
          </>,
        );
      }
      const query: DashboardQuery = querySchema.parse(c.req.query());
      const errors = checkQuery(query);
      let result: VNode | null = null;
      if (Object.keys(errors).length === 0) {
        const outcome = await runAnalysis(client, query, config.timeZone);
        if ("rejected" in outcome) {
          // The service knows its rules best; its refusal belongs next to the field it concerns.
          errors[fieldOf(query.analysis, outcome.rejected)] = outcome.rejected.charAt(0).toUpperCase() +
            outcome.rejected.slice(1) + ".";
        } else result = outcome.view;
      }
      const invalid = Object.keys(errors).length > 0;
      return page(
        c,
        <>
          <div class="page-head">
            <div>
              <p class="breadcrumb">
                <a href="/dashboard">Dashboard</a> › {ANALYSIS_LABELS[query.analysis]}
              </p>
              <h1>{ANALYSIS_LABELS[query.analysis]}</h1>
            </div>
          </div>
          <div class="dashboard">
            <DashboardForm query={query} errors={errors} />
            <AnalysisSwitch formId="dashboard-form" resultId="dashboard-result" />
            <div class="dashboard__result">
              <section
                class="analysis"
                id="dashboard-result"
                aria-labelledby="analysis-title"
                aria-live="polite"
              >
                {invalid
                  ? (
                    <>
                      <h2 id="analysis-title">{ANALYSIS_LABELS[query.analysis]}</h2>
                      <p class="empty-note">Correct the highlighted field to run the analysis.</p>
                    </>
                  )
                  : (
                    <>
                      {result}
                      <AnalysisActions
                        csv={analysisHref(query, true)}
                        what={ANALYSIS_LABELS[query.analysis]}
                      />
                    </>
                  )}
              </section>
            </div>
          </div>
        </>,
        invalid ? 400 : 200,
      );
    })
    .get("/dashboard/csv", async (c) => {
      const query: DashboardQuery = querySchema.parse(c.req.query());
      const errors = Object.values(checkQuery(query));
      if (errors.length > 0) throw new ValidationError(errors[0]);
      const { service, params } = serviceCall(query);
      const result = await client.csv(service, params);
      if (!result.ok) {
        if (result.reason === "rejected") throw new ValidationError(result.message);
        throw new HelpdeskError(
          `The ${
            ANALYSIS_LABELS[query.analysis].toLowerCase()
          } analysis is unavailable right now; try again in a minute.`,
          503,
        );
      }
      return c.body(result.data.text, 200, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="${result.data.filename}"`,
      });
    });
}
