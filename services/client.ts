/**
 * How the web app asks the analytics services: one GET with a short timeout, the answer checked against
 * the service's contract. A service that is down, slow, failing or answering nonsense comes back as
 * "unavailable", so the page calling it can say so and carry on.
 */
import type { z } from "zod";
import type { Config } from "../lib/config.ts";
import {
  type ActiveAnswer,
  activeAnswerSchema,
  type BacklogAnswer,
  backlogAnswerSchema,
  type ResolutionAnswer,
  resolutionAnswerSchema,
  type UnclosedAnswer,
  unclosedAnswerSchema,
} from "./contracts.ts";

/** How long the dashboard waits for a service before calling it unavailable. */
const SERVICE_TIMEOUT_MS = 2000;

/** A service's answer: its data, a refusal of the parameters (400, with its message), or no usable answer. */
export type ServiceResult<T> =
  | { ok: true; data: T }
  | { ok: false; reason: "rejected"; message: string }
  | { ok: false; reason: "unavailable" };

/** The four analytics calls. */
export interface AnalyticsClient {
  unclosed(period: { hours: number } | { days: number }): Promise<ServiceResult<UnclosedAnswer>>;
  resolutionTime(range: { from?: string; to?: string }): Promise<ServiceResult<ResolutionAnswer>>;
  activeByCategory(): Promise<ServiceResult<ActiveAnswer>>;
  backlog(days: number): Promise<ServiceResult<BacklogAnswer>>;
  /** The same answer as CSV (`format=csv`): its text and download name. */
  csv(
    service: keyof Config["serviceUrls"],
    query: Record<string, string>,
  ): Promise<ServiceResult<{ text: string; filename: string }>>;
}

/** Each service's endpoint path, by its config key. */
const PATHS: Record<keyof Config["serviceUrls"], string> = {
  unclosed: "v1/unclosed",
  resolutionTime: "v1/resolution-time",
  activeByCategory: "v1/active-by-category",
  backlog: "v1/backlog",
};

/** A client of the services at `urls`; `fetchImpl` lets tests stand in for the network. */
export function createAnalyticsClient(
  urls: Config["serviceUrls"],
  fetchImpl: typeof fetch = fetch,
  options: { timeoutMs?: number } = {},
): AnalyticsClient {
  const timeoutMs = options.timeoutMs ?? SERVICE_TIMEOUT_MS;
  async function request<T>(
    base: string,
    path: string,
    query: Record<string, string>,
    read: (res: Response) => Promise<ServiceResult<T>>,
  ): Promise<ServiceResult<T>> {
    const url = new URL(path, base.endsWith("/") ? base : base + "/");
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    try {
      const res = await fetchImpl(url, {
        headers: { accept: query.format === "csv" ? "text/csv" : "application/json" },
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (res.status === 400) {
        const body: unknown = await res.json().catch(() => null);
        if (typeof (body as { error?: unknown })?.error === "string") {
          return { ok: false, reason: "rejected", message: (body as { error: string }).error };
        }
      }
      if (!res.ok) {
        await res.body?.cancel();
        return { ok: false, reason: "unavailable" };
      }
      return await read(res);
    } catch {
      // Refused connection, DNS failure, timeout: all mean the same thing to the person looking.
      return { ok: false, reason: "unavailable" };
    }
  }
  function call<T>(base: string, path: string, query: Record<string, string>, schema: z.ZodType<T>) {
    return request(base, path, query, async (res): Promise<ServiceResult<T>> => {
      const parsed = schema.safeParse(await res.json().catch(() => null));
      return parsed.success ? { ok: true, data: parsed.data } : { ok: false, reason: "unavailable" };
    });
  }
  return {
    unclosed: (period) =>
      call(
        urls.unclosed,
        "v1/unclosed",
        "hours" in period ? { hours: String(period.hours) } : { days: String(period.days) },
        unclosedAnswerSchema,
      ),
    resolutionTime: (range) =>
      call(
        urls.resolutionTime,
        "v1/resolution-time",
        Object.fromEntries(Object.entries(range).filter(([, v]) => v)) as Record<string, string>,
        resolutionAnswerSchema,
      ),
    activeByCategory: () => call(urls.activeByCategory, "v1/active-by-category", {}, activeAnswerSchema),
    backlog: (days) => call(urls.backlog, "v1/backlog", { days: String(days) }, backlogAnswerSchema),
    csv: (service, query) =>
      request(urls[service], PATHS[service], { ...query, format: "csv" }, async (res) => {
        if (!/^text\/csv\b/.test(res.headers.get("content-type") ?? "")) {
          await res.body?.cancel();
          return { ok: false, reason: "unavailable" };
        }
        const name = /filename="([\w.-]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1];
        return { ok: true, data: { text: await res.text(), filename: name ?? `${service}.csv` } };
      }),
  };
}
