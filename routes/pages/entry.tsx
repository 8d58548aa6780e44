/** The entry page: choose to enter as a reporter or as helpdesk staff (no login, by design). */
import { Hono } from "hono";
import { Layout } from "../../components/Layout.tsx";
import { FieldError } from "../../components/FieldError.tsx";
import { rememberRole } from "../role.ts";
import { ensureReporterKey } from "../reporter.ts";
import { MAX_NAME } from "../../lib/limits.ts";
import { authorNameSchema, roleSchema } from "../../lib/schemas.ts";
import type { Role } from "../../lib/data/types.ts";
import type { PageEnv } from "./env.ts";
import { sendPage } from "./render.tsx";

function EntryPage(props: { role: Role | null; name: string | null; error?: string; field?: string }) {
  return (
    <Layout title="Welcome" role={null}>
      <section class="hero">
        <h1>How can we help?</h1>
        <p class="hero__lead">
          Report a broken door, a Wi-Fi problem or a complaint about a campus service, and follow the answer
          from the helpdesk. No account needed.
        </p>
      </section>
      <form class="card entry" method="post" action="/role">
        <div class="field">
          <label for="name">
            Your name <span class="optional">(optional, shown on your messages)</span>
          </label>
          <input
            id="name"
            name="name"
            type="text"
            maxLength={MAX_NAME}
            autocomplete="name"
            value={props.name ?? ""}
            aria-invalid={props.field === "name" ? "true" : undefined}
            aria-describedby={props.field === "name" ? "name-error" : undefined}
          />
          <FieldError id="name-error" message={props.field === "name" ? props.error : null} />
        </div>
        <fieldset class="entry__choices">
          <legend>Enter as</legend>
          <button type="submit" name="role" value="reporter" class="choice">
            <span class="choice__title">Reporter</span>
            <span class="choice__text">Report a problem and talk with the helpdesk about your tickets.</span>
            {props.role === "reporter" && <span class="choice__current">Current role</span>}
          </button>
          <button type="submit" name="role" value="helpdesk" class="choice">
            <span class="choice__title">Helpdesk staff</span>
            <span class="choice__text">Work through all tickets, move them along and see the analytics.</span>
            {props.role === "helpdesk" && <span class="choice__current">Current role</span>}
          </button>
        </fieldset>
        {props.field === "role" && <p class="field-error" role="alert">{props.error}</p>}
      </form>
    </Layout>
  );
}

/** Routes of the entry page and the role choice. */
export const entryPages = new Hono<PageEnv>()
  .get("/", (c) => sendPage(c, <EntryPage role={c.get("role")} name={c.get("name")} />))
  .post("/role", async (c) => {
    const form = await c.req.parseBody();
    const name = authorNameSchema.safeParse(typeof form.name === "string" ? form.name : "");
    if (!name.success) {
      return sendPage(
        c,
        <EntryPage role={null} name={null} error={name.error.issues[0].message} field="name" />,
        400,
      );
    }
    const role = roleSchema.safeParse(form.role);
    if (!role.success) {
      return sendPage(c, <EntryPage role={null} name={name.data} error="Choose a role" field="role" />, 400);
    }
    rememberRole(c, role.data, name.data);
    // A reporter's key is what makes My tickets theirs; an existing valid one is kept, so they stay.
    if (role.data === "reporter") ensureReporterKey(c);
    return c.redirect("/tickets", 303);
  });
