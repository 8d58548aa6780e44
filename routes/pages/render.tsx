import type { Context } from "hono";
import type { VNode } from "preact";
import { renderPage } from "../../lib/islands/mod.ts";
import { HelpdeskError } from "../../lib/errors.ts";
import { Layout } from "../../components/Layout.tsx";
import type { PageEnv, RolePageEnv } from "./env.ts";

/** The context of any page, with or without a known role. */
type AnyPageContext = Context<PageEnv> | Context<RolePageEnv>;

// Rendering only reads the variables, and a known role is also a possible one, so either context will do.
const asPage = (c: AnyPageContext) => c as Context<PageEnv>;

/** Sends a server-rendered page (with the boot script only if it has islands). */
export function sendPage(context: AnyPageContext, page: VNode, status = 200): Response {
  const c = asPage(context);
  const html = renderPage(page, { manifest: c.get("manifest"), nonce: c.get("nonce") });
  return c.html(html, status as 200);
}

const TITLES: Record<number, string> = {
  400: "That did not work",
  403: "Not allowed",
  404: "Not found",
  405: "Not possible here",
  409: "Changed meanwhile",
  413: "Too large",
  415: "Not understood",
  421: "Wrong address",
  422: "Not possible",
};

/** A message as a sentence: capitalised, ending in a full stop (and never in two). */
function asSentence(message: string): string {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** Sends a page explaining an expected failure (not found, not allowed, …) with a way back. */
export function sendErrorPage(context: AnyPageContext, error: HelpdeskError): Response {
  const c = asPage(context);
  const title = TITLES[error.status] ?? "Something went wrong";
  return sendPage(
    c,
    <Layout title={title} role={c.get("role")} name={c.get("name")}>
      <section class="card narrow">
        <h1>{title}</h1>
        <p>{asSentence(error.message)}</p>
        <p>
          <a class="button button--secondary" href={c.get("role") ? "/tickets" : "/"}>Back to tickets</a>
        </p>
      </section>
    </Layout>,
    error.status,
  );
}
