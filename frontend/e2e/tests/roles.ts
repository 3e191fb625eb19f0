import AxeBuilder from "@axe-core/playwright";
import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { API, apiAs, pickLanguage, shot } from "./helpers";

export type Lang = "en" | "ur";
export const LANGS: Lang[] = ["en", "ur"];

/** Switches the signed-in page to a language and checks the document follows. */
export async function setLang(page: Page, lang: Lang) {
  await pickLanguage(page, lang);
  await expect(page.locator("html")).toHaveAttribute("lang", lang);
  await expect(page.locator("html")).toHaveAttribute("dir", lang === "ur" ? "rtl" : "ltr");
}

/** One screenshot per page visited (role-flow-language) and no serious or critical axe violation. */
export async function visit(page: Page, role: string, flow: string, lang: Lang | string) {
  await shot(page, `${role}-${flow}-${lang}`);
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const bad = result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
  expect(bad, `axe on ${role}-${flow}-${lang} (${page.url()})`).toEqual([]);
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function ok(res: Awaited<ReturnType<APIRequestContext["get"]>>): Promise<Json> {
  expect(res.ok(), `${res.url()}: ${res.status()} ${await res.text()}`).toBeTruthy();
  return (await res.json()) as Json;
}

/** Data for flows that are not what a test checks, made through the API as the people would. */
export class Desk {
  private constructor(private readonly apis: Map<string, APIRequestContext>) {}

  static async open(): Promise<Desk> {
    return new Desk(new Map());
  }

  async as(code: string): Promise<APIRequestContext> {
    if (!this.apis.has(code)) this.apis.set(code, (await apiAs(code)).api);
    return this.apis.get(code)!;
  }

  async get(code: string, path: string): Promise<Json> {
    return ok(await (await this.as(code)).get(`${API}/api/v1/${path}`));
  }

  async post(code: string, path: string, data: Json = {}): Promise<Json> {
    return ok(await (await this.as(code)).post(`${API}/api/v1/${path}`, { data }));
  }

  async user(code: string): Promise<Json> {
    const page = await this.get("admin1", `users?q=${code}&page_size=50`);
    const user = (page.items as Json[]).find((u) => u.employee_code === code);
    expect(user, `user ${code}`).toBeTruthy();
    return user!;
  }

  async ticket(id: string, code = "mod1"): Promise<Json> {
    return this.get(code, `tickets/${id}`);
  }

  async act(code: string, id: string, action: string, data: Json = {}): Promise<Json> {
    const { version } = await this.ticket(id, code);
    return this.post(code, `tickets/${id}/actions/${action}`, { version, ...data });
  }

  /** A submitted ticket of ``code`` (req1 by default). */
  async submitted(title: string, extra: Json = {}, code = "req1"): Promise<Json> {
    return this.post(code, "tickets", { title, description: `${title}: details for the desk.`, submit: true, ...extra });
  }

  /** Submitted by req1 and assigned by mod1 to ``assignee`` (it1 by default). */
  async assigned(title: string, assignee = "it1"): Promise<Json> {
    const ticket = await this.submitted(title);
    const person = await this.user(assignee);
    return this.act("mod1", ticket.id, "assign", { department_id: person.department_id, assignee_id: person.id });
  }

  async resolved(title: string, note = "Fixed."): Promise<Json> {
    const ticket = await this.assigned(title);
    await this.act("it1", ticket.id, "start");
    return this.act("it1", ticket.id, "resolve", { resolution: note });
  }

  async close() {
    for (const api of this.apis.values()) await api.dispose();
  }
}

export const stampOf = () => Date.now().toString(36);
