import type { ComponentChildren } from "preact";
import type { Role } from "../lib/data/types.ts";

/** Which top navigation entry is current. */
type NavItem = "tickets" | "mine" | "new" | "dashboard" | null;

/** The page shell: head, header with navigation and role switch, main content. */
export function Layout(
  props: {
    title: string;
    role: Role | null;
    name?: string | null;
    nav?: NavItem;
    /** Extra elements for `<head>`, e.g. a stylesheet only one page needs. */
    head?: ComponentChildren;
    children: ComponentChildren;
  },
) {
  const { role, nav } = props;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · Campus Helpdesk`}</title>
        <link rel="stylesheet" href="/static/app.css" />
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
        {props.head}
      </head>
      <body>
        <a class="skip-link" href="#main">Skip to content</a>
        <header class="site-header">
          <div class="site-header__inner">
            <a class="brand" href={role ? "/tickets" : "/"}>
              <span class="brand__mark" aria-hidden="true">CH</span>
              <span class="brand__name">Campus Helpdesk</span>
            </a>
            {role && (
              <nav class="site-nav" aria-label="Main">
                <a href="/tickets" aria-current={nav === "tickets" ? "page" : undefined}>Tickets</a>
                {role === "reporter" && (
                  <a href="/tickets?mine=1" aria-current={nav === "mine" ? "page" : undefined}>My tickets</a>
                )}
                <a href="/tickets/new" aria-current={nav === "new" ? "page" : undefined}>New ticket</a>
                {role === "helpdesk" && (
                  <a href="/dashboard" aria-current={nav === "dashboard" ? "page" : undefined}>Dashboard</a>
                )}
              </nav>
            )}
            {role && (
              <div class="whoami">
                <span class={`role-pill role-pill--${role}`}>
                  {role === "helpdesk" ? "Helpdesk staff" : "Reporter"}
                  {props.name ? ` · ${props.name}` : ""}
                </span>
                <a class="whoami__switch" href="/?switch=1">Switch role</a>
              </div>
            )}
          </div>
        </header>
        <main id="main" class="page">{props.children}</main>
      </body>
    </html>
  );
}
