/**
 * A real client of the JSON API, made from its OpenAPI document: openapi-typescript turns the document the app
 * serves into types at test time (so they cannot lag behind the code), and a typed openapi-fetch client drives
 * a whole ticket flow through the app. The flow ({@link FLOW}) is a module written next to the generated types
 * and type-checked against them with `deno check` before it runs, so a path, body or field the document does
 * not have fails the test. Besides: every route the app registers under /api/v1 is an operation of the
 * document and of the generated types, every answer the flow gets is one the document lists for its
 * operation, and every answer the document lists is one the flow gets.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";
import { testApp } from "./helpers.ts";

const API = "/api/v1";
/** The project's config: the flow resolves openapi-fetch through its import map, as the test does. */
const CONFIG = fileURLToPath(new URL("../deno.json", import.meta.url));

interface OpenApiDocument {
  paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>>;
}

/** One call the flow made and the status it got. */
interface Call {
  method: string;
  path: string;
  status: number;
}

/** "method path" of every route the app registers under /api/v1 (Hono's `:id` written `{id}`), but the document. */
function registeredRoutes(routes: readonly { method: string; path: string }[]): string[] {
  const api = routes.filter((r) =>
    r.method !== "ALL" && r.path.startsWith(`${API}/`) && r.path !== `${API}/openapi.json`
  );
  const names = api.map((r) =>
    `${r.method.toLowerCase()} ${r.path.slice(API.length).replace(/:([^/]+)/g, "{$1}")}`
  );
  return [...new Set(names)].sort();
}

/** "method path" of every operation of the document. */
function documentedRoutes(document: OpenApiDocument): string[] {
  return Object.entries(document.paths)
    .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method} ${path}`))
    .sort();
}

/** The operation a call was for: the document's path template and method it matches. */
function operationOf(document: OpenApiDocument, call: Call) {
  const path = call.path.slice(API.length);
  // A literal path (/tickets/similar) wins over a template it also fits (/tickets/{id}), as in the router.
  const exact = Object.entries(document.paths).filter(([template]) => template === path);
  const matches = exact.length > 0
    ? exact
    : Object.entries(document.paths).filter(([template]) =>
      new RegExp(`^${template.replace(/\{[^/]+\}/g, "[^/]+")}$`).test(path)
    );
  assert.equal(matches.length, 1, `${call.method} ${call.path} matches ${matches.length} documented paths`);
  const operation = matches[0][1][call.method.toLowerCase()];
  assert.ok(operation, `${call.method} ${call.path} is not documented`);
  return operation;
}

/**
 * The client's flow, as a module beside the generated types `./schema.ts` (`/*REGISTERED*\/` becomes the
 * union of the app's routes). It is source text because its types exist only once the test generated them;
 * the `@ts-expect-error` lines make sure they are the document's and not `any`.
 */
const FLOW = String.raw`
import assert from "node:assert/strict";
import createClient, { type Client } from "openapi-fetch";
import type { components, paths } from "./schema.ts";

type Ticket = components["schemas"]["Ticket"];
type Message = components["schemas"]["Message"];
type ApiError = components["schemas"]["Error"];

// The routes the app registers and the operations of the generated types are the same set.
type Method = "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace";
type Operations = {
  [P in keyof paths]: { [M in Method]: [paths[P][M]] extends [undefined] ? never : [M, P] }[Method];
}[keyof paths];
type Registered = /*REGISTERED*/;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const routesMatch: Same<Registered, Operations> = true;

/** An answer that must have this status and a body; its body, typed by the document. */
function ok<T>(result: { data?: T; error?: unknown; response: Response }, status: number) {
  assert.equal(result.response.status, status, JSON.stringify(result.error));
  assert.ok(result.data !== undefined);
  return { data: result.data, response: result.response };
}

/** A refusal with this status, in the API's error shape, naming field where given. */
function refused<E extends ApiError>(
  result: { data?: unknown; error?: E; response: Response },
  status: number,
  field?: string,
): E {
  assert.equal(result.response.status, status, JSON.stringify(result.error ?? result.data));
  const error = result.error;
  assert.ok(error !== undefined);
  assert.equal(typeof error.error, "string");
  if (field) assert.equal(error.field, field);
  return error;
}

export interface Call {
  method: string;
  path: string;
  status: number;
}

/** A reporter and helpdesk staff take a ticket from filing to closed; every call it made, with its status. */
export async function ticketFlow(serve: (request: Request) => Response | Promise<Response>): Promise<Call[]> {
  const calls: Call[] = [];
  const fetch = async (request: Request) => {
    const response = await serve(request);
    calls.push({ method: request.method, path: new URL(request.url).pathname, status: response.status });
    return response;
  };
  const baseUrl = "http://localhost/api/v1";
  const reporter: Client<paths> = createClient<paths>({ baseUrl, fetch, headers: { "X-Helpdesk-Role": "reporter" } });
  const staff = createClient<paths>({ baseUrl, fetch, headers: { "X-Helpdesk-Role": "helpdesk" } });
  const nobody = createClient<paths>({ baseUrl, fetch });

  // A reporter files a ticket; it is open and the classifier chose its category.
  const filed = ok(await reporter.POST("/tickets", {
    body: { description: "The projector in lecture hall B shows no picture since Monday" },
  }), 201);
  const ticket: Ticket = filed.data;
  const status: "open" | "active" | "closed" = ticket.status;
  assert.equal(status, "open");
  assert.equal(ticket.categorySource, "auto");
  const activatedAt: string | null = ticket.activatedAt;
  assert.equal(activatedAt, null);
  assert.equal(filed.response.headers.get("ETag"), '"' + ticket.version + '"');
  assert.equal(filed.response.headers.get("Location"), "/api/v1/tickets/" + ticket.id);
  const path = { id: ticket.id };

  // It is in the reporter's list, and reads back the same.
  const page = ok(await reporter.GET("/tickets", { params: { query: { status: "open", limit: "10" } } }), 200);
  assert.deepEqual(page.data.tickets.map((t: Ticket) => t.id), [ticket.id]);
  const cursor: string | null = page.data.cursor;
  assert.equal(cursor, null);
  const read = ok(await reporter.GET("/tickets/{id}", { params: { path } }), 200);
  assert.deepEqual(read.data, ticket);
  // A search and a similar text both find it.
  const found = ok(await reporter.GET("/tickets", { params: { query: { q: "projektor hall" } } }), 200);
  assert.deepEqual(found.data.tickets.map((t: Ticket) => t.id), [ticket.id]);
  const text = "No picture from the projector in lecture hall B";
  const like = ok(await reporter.GET("/tickets/similar", { params: { query: { text } } }), 200);
  assert.deepEqual(like.data.tickets.map((t: Ticket) => t.id), [ticket.id]);
  assert.equal(read.response.headers.get("ETag"), '"' + ticket.version + '"');

  // The reporter writes in the thread; staff read it.
  const message: Message = ok(await reporter.POST("/tickets/{id}/messages", {
    params: { path },
    body: { text: "The cable was replaced, still nothing.", authorName: "Ada" },
  }), 201).data;
  assert.equal(message.ticketId, ticket.id);
  const seq: number = message.seq;
  assert.equal(seq, 1);
  assert.equal(message.authorRole, "reporter");
  assert.equal(message.authorName, "Ada");
  const thread = ok(await staff.GET("/tickets/{id}/messages", { params: { path } }), 200);
  assert.deepEqual(thread.data.messages, [message]);

  // Refused changes: no If-Match, a reporter moving the status, a skipped step, nothing to change.
  refused(await staff.PATCH("/tickets/{id}", { params: { path }, body: { status: "active" } }), 428, "If-Match");
  const asRead = { path, header: { "if-match": ticket.version } };
  refused(await reporter.PATCH("/tickets/{id}", { params: asRead, body: { status: "active" } }), 403);
  refused(await staff.PATCH("/tickets/{id}", { params: asRead, body: { status: "closed" } }), 422, "status");
  refused(await staff.PATCH("/tickets/{id}", { params: asRead, body: {} }), 400);

  // Staff take the ticket with the version they read (as its quoted ETag).
  const active: Ticket = ok(await staff.PATCH("/tickets/{id}", {
    params: { path, header: { "if-match": read.response.headers.get("ETag")! } },
    body: { status: "active" },
  }), 200).data;
  assert.equal(active.status, "active");
  assert.equal(typeof active.activatedAt, "string");
  assert.notEqual(active.version, ticket.version);
  // An edit made on the version from before is stale.
  refused(await reporter.PATCH("/tickets/{id}", { params: asRead, body: { description: "Now it flickers" } }), 409);

  // Staff correct the category, which then sticks; then they close the ticket.
  const categories: Ticket["category"][] = ["facility_management", "technical_it", "services_complaints"];
  const other = categories.find((c) => c !== active.category)!;
  const corrected = ok(await staff.PATCH("/tickets/{id}", {
    params: { path, header: { "if-match": active.version } },
    body: { category: other },
  }), 200).data;
  assert.equal(corrected.category, other);
  assert.equal(corrected.categorySource, "staff");
  const closed = ok(await staff.PATCH("/tickets/{id}", {
    params: { path, header: { "if-match": corrected.version } },
    body: { status: "closed" },
  }), 200).data;
  assert.equal(closed.status, "closed");
  const closedAt: string | null = closed.closedAt;
  assert.equal(typeof closedAt, "string");

  // For the reporter the closed ticket no longer exists; for staff its thread is read-only.
  refused(await reporter.GET("/tickets/{id}", { params: { path } }), 404);
  refused(await reporter.GET("/tickets/{id}/messages", { params: { path } }), 404);
  const current = { path, header: { "if-match": closed.version } };
  refused(await reporter.PATCH("/tickets/{id}", { params: current, body: { description: "Still broken" } }), 404);
  refused(await reporter.POST("/tickets/{id}/messages", { params: { path }, body: { text: "Hello?" } }), 404);
  refused(await staff.POST("/tickets/{id}/messages", { params: { path }, body: { text: "Done." } }), 409);
  assert.deepEqual(ok(await staff.GET("/tickets/{id}", { params: { path } }), 200).data, closed);

  // A reporter with a key (and a name): My tickets, a history of every change, staff restoring a description.
  const owner = createClient<paths>({
    baseUrl,
    fetch,
    headers: { "X-Helpdesk-Role": "reporter", "X-Helpdesk-Reporter-Key": "k".repeat(43), "X-Helpdesk-Name": "Ada" },
  });
  const own: Ticket = ok(await owner.POST("/tickets", {
    body: { description: "The printer on floor 2 jams on every page" },
  }), 201).data;
  const ownPath = { id: own.id };
  const mine = ok(await owner.GET("/tickets", { params: { query: { mine: "true" } } }), 200).data;
  assert.deepEqual(mine.tickets.map((t) => [t.id, t.unreadReplies]), [[own.id, 0]]);
  refused(await staff.GET("/tickets", { params: { query: { mine: "true" } } }), 400, "mine");
  const edited: Ticket = ok(await owner.PATCH("/tickets/{id}", {
    params: { path: ownPath, header: { "if-match": own.version } },
    body: { description: "lol nothing is broken" },
  }), 200).data;
  const history = ok(await staff.GET("/tickets/{id}/history", { params: { path: ownPath } }), 200).data.history;
  // (The category may follow the new description as a third entry: the classifier chose again.)
  assert.deepEqual(history.slice(0, 2).map((e) => [e.field, e.actorRole, e.actorName]), [
    ["created", "reporter", "Ada"],
    ["description", "reporter", "Ada"],
  ]);
  const unknown = { id: "01JZZZZZZZZZZZZZZZZZZZZZZZ" };
  refused(await nobody.GET("/tickets/{id}/history", { params: { path: ownPath } }), 400, "X-Helpdesk-Role");
  refused(await reporter.GET("/tickets/{id}/history", { params: { path: unknown } }), 404);
  const change = { id: own.id, seq: "2" };
  const restore = "/tickets/{id}/history/{seq}/restore";
  refused(await staff.POST(restore, { params: { path: change } }), 428, "If-Match");
  refused(await nobody.POST(restore, { params: { path: change, header: { "if-match": edited.version } } }), 400);
  refused(await owner.POST(restore, { params: { path: change, header: { "if-match": edited.version } } }), 403);
  refused(await staff.POST(restore, { params: { path: { ...change, seq: "1" }, header: { "if-match": edited.version } } }), 404);
  refused(await staff.POST(restore, { params: { path: change, header: { "if-match": own.version } } }), 409);
  const restored: Ticket = ok(await staff.POST(restore, {
    params: { path: change, header: { "if-match": edited.version } },
  }), 200).data;
  assert.equal(restored.description, own.description);
  const seen = { seq: 0 };
  const marked = await owner.PUT("/tickets/{id}/seen", { params: { path: ownPath }, body: seen });
  assert.equal(marked.response.status, 204);
  refused(await staff.PUT("/tickets/{id}/seen", { params: { path: ownPath }, body: seen }), 400, "mine");
  refused(await owner.PUT("/tickets/{id}/seen", { params: { path: unknown }, body: seen }), 404);
  const latin = { "Content-Type": "application/json; charset=latin1" };
  const elsewhere = { "Content-Type": "text/plain", Origin: "http://elsewhere.example" };
  refused(await owner.PUT("/tickets/{id}/seen", { params: { path: ownPath }, body: seen, headers: latin }), 415);
  refused(await owner.PUT("/tickets/{id}/seen", { params: { path: ownPath }, body: seen, headers: elsewhere }), 403);

  // Without a role every call is refused; so is bad input, naming the field at fault.
  const role = "X-Helpdesk-Role";
  refused(await nobody.POST("/tickets", { body: { description: "The heating in room 4 is off" } }), 400, role);
  refused(await nobody.GET("/tickets"), 400, role);
  refused(await nobody.GET("/tickets/{id}", { params: { path } }), 400, role);
  refused(await nobody.GET("/tickets/{id}/messages", { params: { path } }), 400, role);
  refused(await reporter.GET("/tickets", { params: { query: { limit: "0" } } }), 400, "limit");
  refused(await reporter.GET("/tickets", { params: { query: { q: " " } } }), 400, "q");
  refused(await reporter.GET("/tickets/similar", { params: { query: { text: "" } } }), 400, "text");
  refused(await staff.POST("/tickets/{id}/messages", { params: { path }, body: { text: " " } }), 400, "text");
  // A body over the API's limit is refused before it is read.
  const huge = "x".repeat(70 * 1024);
  refused(await reporter.POST("/tickets", { body: { description: huge } }), 413);
  refused(await staff.PATCH("/tickets/{id}", { params: current, body: { description: huge } }), 413);
  refused(await staff.POST("/tickets/{id}/messages", { params: { path }, body: { text: huge } }), 413);
  // So is a body in another character set, and a form sent from another site.
  const latin1 = { "Content-Type": "application/json; charset=latin1" };
  const form = { "Content-Type": "text/plain", Origin: "http://elsewhere.example" };
  const note = { text: "Done." };
  refused(await reporter.POST("/tickets", { body: { description: "Room 4 is cold" }, headers: latin1 }), 415);
  refused(await staff.PATCH("/tickets/{id}", { params: current, body: { description: "Cold" }, headers: latin1 }), 415);
  refused(await staff.POST("/tickets/{id}/messages", { params: { path }, body: note, headers: latin1 }), 415);
  refused(await reporter.POST("/tickets", { body: { description: "Room 4 is cold" }, headers: form }), 403);
  refused(await staff.PATCH("/tickets/{id}", { params: current, body: { description: "Cold" }, headers: form }), 403);
  refused(await staff.POST("/tickets/{id}/messages", { params: { path }, body: note, headers: form }), 403);
  return calls;
}

/** Never run: each marked line must fail the type check, or the client is not typed by the document. */
export function mistakes(client: Client<paths>, ticket: Ticket) {
  // @ts-expect-error the document has no such path
  void client.GET("/tickets/{id}/attachments", { params: { path: { id: ticket.id } } });
  // @ts-expect-error tickets cannot be deleted
  void client.DELETE("/tickets/{id}", { params: { path: { id: ticket.id } } });
  // @ts-expect-error a new ticket is a description and nothing else
  void client.POST("/tickets", { body: { text: "hello" } });
  // @ts-expect-error the statuses are open, active and closed
  void client.PATCH("/tickets/{id}", { params: { path: { id: ticket.id } }, body: { status: "reopened" } });
  // @ts-expect-error a message needs the ticket's id
  void client.POST("/tickets/{id}/messages", { body: { text: "hello" } });
  // @ts-expect-error a version is a string
  const version: number = ticket.version;
  return version;
}
`;

Deno.test("[openapi] a typed client generated from the document files, works and closes a ticket", async () => {
  const t = await testApp();
  const dir = await Deno.makeTempDir({ prefix: "openapi_client_" });
  try {
    const res = await t.app.request(`${API}/openapi.json`);
    assert.equal(res.status, 200);
    const document: OpenApiDocument = await res.json();

    // Every route the app registers is an operation of the document, and the other way round.
    const registered = registeredRoutes(t.app.routes);
    assert.ok(registered.length > 0);
    assert.deepEqual(documentedRoutes(document), registered);

    // Types from the document, the flow beside them, and a type check of both.
    await Deno.writeTextFile(join(dir, "schema.ts"), astToString(await openapiTS(document as never)));
    const union = registered.map((r) => JSON.stringify(r.split(" "))).join(" | ");
    await Deno.writeTextFile(join(dir, "flow.ts"), FLOW.replace("/*REGISTERED*/", union));
    const check = await new Deno.Command(Deno.execPath(), {
      args: ["check", "--config", CONFIG, "schema.ts", "flow.ts"],
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(check.success, `the flow does not type-check:\n${new TextDecoder().decode(check.stderr)}`);

    const flow = await import(pathToFileURL(join(dir, "flow.ts")).href);
    const calls: Call[] = await flow.ticketFlow((request: Request) => t.app.fetch(request));

    // Every answer is one the document lists for its operation, and every listed answer happened.
    const seen = new Set<string>();
    for (const call of calls) {
      const operation = operationOf(document, call);
      assert.ok(
        String(call.status) in operation.responses,
        `${operation.operationId} answered ${call.status}, which the document does not list`,
      );
      seen.add(`${operation.operationId} ${call.status}`);
    }
    const listed = Object.values(document.paths).flatMap((operations) =>
      Object.values(operations).flatMap((op) =>
        Object.keys(op.responses).map((s) => `${op.operationId} ${s}`)
      )
    );
    assert.deepEqual([...seen].sort(), listed.sort());
  } finally {
    await Deno.remove(dir, { recursive: true });
    t.close();
  }
});
