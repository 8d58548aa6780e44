/**
 * The helpdesk dashboard: staff pick an analysis, the server asks the analytics service for it and shows
 * the answer as a chart with the numbers in a table. The browser only ever talks to the web app; a
 * service that does not answer makes its analysis "unavailable" and nothing else.
 */
import { Hono } from "hono";
import type { VNode } from "preact";
import { z } from "zod";
import {
  ActiveResult,
  ResolutionResult,
  Unavailable,
  type UnclosedPeriod,
  UnclosedResult,
} from "./analysis_results.tsx";
import {
  ANALYSES,
  type DashboardErrors,
  DashboardForm,
  type DashboardQuery,
} from "../../components/DashboardForm.tsx";
import { Layout } from "../../components/Layout.tsx";
import type { Config } from "../../lib/config.ts";
import { type AnalyticsClient, createAnalyticsClient, type ServiceResult } from "../../services/client.ts";
import { MAX_DAYS, MAX_HOURS, MONTH_PATTERN } from "../../services/contracts.ts";
import type { RolePageEnv } from "./env.ts";
import { sendPage } from "./render.tsx";

const querySchema = z.object({
  analysis: z.enum(ANALYSES).catch("unclosed"),
  amount: z.string().catch("7"),
  unit: z.enum(["hours", "days"]).catch("days"),
  from: z.string().trim().catch(""),
  to: z.string().trim().catch(""),
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
  return errors;
}

/** The result of one analysis: what to render, or the service's refusal of the parameters. */
type Outcome = { view: VNode } | { rejected: string };

async function runAnalysis(client: AnalyticsClient, query: DashboardQuery): Promise<Outcome> {
  const unavailable = (what: string) => ({ view: <Unavailable what={what} /> });
  const refused = (result: ServiceResult<unknown>) =>
    !result.ok && result.reason === "rejected" ? { rejected: result.message } : null;
  if (query.analysis === "unclosed") {
    const amount = Number(query.amount);
    const chosen: Period = query.unit === "hours" ? { hours: amount } : { days: amount };
    const periods = [chosen, ...CONTEXT_PERIODS.filter((p) => periodHours(p) !== periodHours(chosen))]
      .sort((a, b) => periodHours(a) - periodHours(b));
    const results = await Promise.all(periods.map((p) => client.unclosed(p)));
    const mine = results[periods.indexOf(chosen)];
    const rejected = refused(mine);
    if (rejected) return rejected;
    if (results.some((r) => !r.ok)) return unavailable("unclosed tickets");
    const rows: UnclosedPeriod[] = periods.map((p, i) => ({
      label: periodLabel(p),
      chosen: p === chosen,
      answer: (results[i] as { data: UnclosedPeriod["answer"] }).data,
    }));
    return { view: <UnclosedResult periods={rows} /> };
  }
  if (query.analysis === "resolution") {
    const result = await client.resolutionTime({ from: query.from || undefined, to: query.to || undefined });
    if (!result.ok) return refused(result) ?? unavailable("resolution time");
    return { view: <ResolutionResult answer={result.data} narrowed={Boolean(query.from || query.to)} /> };
  }
  const result = await client.activeByCategory();
  if (!result.ok) return refused(result) ?? unavailable("active tickets");
  return { view: <ActiveResult answer={result.data} /> };
}

/** Routes of the dashboard (`GET /dashboard`), for helpdesk staff only; `fetchImpl` reaches the services. */
export function dashboardPages(
  config: { serviceUrls: Config["serviceUrls"] },
  fetchImpl: typeof fetch = fetch,
) {
  const client = createAnalyticsClient(config.serviceUrls, fetchImpl);
  return new Hono<RolePageEnv>().get("/dashboard", async (c) => {
    const role = c.get("role");
    const query: DashboardQuery = querySchema.parse(c.req.query());
    const errors = checkQuery(query);
    let result: VNode | null = null;
    if (Object.keys(errors).length === 0) {
      const outcome = await runAnalysis(client, query);
      if ("rejected" in outcome) {
        // The service knows its rules best; its refusal belongs next to the field it concerns.
        const field = query.analysis === "unclosed"
          ? "amount"
          : /\bto\b/.test(outcome.rejected)
          ? "to"
          : "from";
        errors[field] = outcome.rejected.charAt(0).toUpperCase() + outcome.rejected.slice(1) + ".";
      } else result = outcome.view;
    }
    const invalid = Object.keys(errors).length > 0;
    return sendPage(
      c,
      <Layout
        title="Dashboard"
        role={role}
        name={c.get("name")}
        nav="dashboard"
        head={<link rel="stylesheet" href="/static/charts.css" />}
      >
        <div class="page-head">
          <div>
            <h1>Dashboard</h1>
            <p class="muted">Where the load is: unclosed tickets, resolution times and work in progress.</p>
          </div>
        </div>
        <div class="dashboard">
          <DashboardForm query={query} errors={errors} />
          <div class="dashboard__result">
            {invalid ? <p class="empty-note">Correct the highlighted field to run the analysis.</p> : result}
          </div>
        </div>
      </Layout>,
      invalid ? 400 : 200,
    );
  });
}
