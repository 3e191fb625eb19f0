/**
 * Money is formatted in one place (lib/helpers.ts formatMoney), in the reader's language (issue 13):
 * the approvals page shows the server's amount through it, and no page or component formats an
 * amount by itself.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { act } from "react";
import { createRoot } from "react-dom/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import ApprovalsPage from "@/app/(roles)/[role]/approvals/page";
import { formatMoney } from "@/lib/helpers";
import { toApproval } from "@/services/api/mappers";
import { queryKeys } from "@/services/api/queryKeys";
import { useAuthStore } from "@/store/authStore";
import { useUiStore } from "@/store/uiStore";
import type { Locale } from "@/lib/i18n";
import { ticketPayload } from "./fixtures";

const root = path.resolve(__dirname, "../..");

async function renderApprovals(locale: Locale, amount: string | null) {
  useUiStore.getState().setLocale(locale);
  useAuthStore.getState().setUser({
    id: "f1", employee_code: "fin1", full_name: "Fin One", email: "", role: "assignee", department_id: null,
    is_approver: true, approver_kind: "finance",
  });
  const client = new QueryClient();
  client.setQueryData(queryKeys.approvals, [
    toApproval({
      id: "a1", ticket_id: "t1", step: 1, round: 1, approver_kind: "finance", status: "pending", decided_by: null, decided_at: null,
      reason: "", created_at: "2026-12-01T10:00:00Z", ticket: ticketPayload({ number: "HD-000042", status: "pending_approval", amount }),
    }),
  ]);
  const host = document.createElement("div");
  const root = createRoot(host);
  await act(async () =>
    root.render(
      <QueryClientProvider client={client}>
        <ApprovalsPage />
      </QueryClientProvider>,
    ),
  );
  const shown = host.querySelector('[data-testid="approval-amount"]')?.textContent ?? null;
  const listed = !!host.querySelector('[data-testid="approval-list"]');
  await act(async () => root.unmount());
  client.clear();
  return { shown, listed };
}

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

async function amountShown(locale: Locale, amount: string | null) {
  const { shown, listed } = await renderApprovals(locale, amount);
  expect(listed).toBe(true);
  return shown;
}

afterEach(() => {
  useAuthStore.getState().clear();
  useUiStore.getState().setLocale("en");
});

describe("money, one format per language", () => {
  it("formats the server's decimal string, grouped, in English and Urdu", () => {
    expect(formatMoney("250000.00", "en")).toBe("PKR 250,000");
    expect(formatMoney("250000.00", "ur")).toBe("250,000 روپے");
    expect(formatMoney("1234.5", "ur")).toBe("1,234.50 روپے");
    expect(formatMoney(null, "en")).toBe("—");
  });

  it("the approvals page shows the amount through the shared formatter", async () => {
    expect(await amountShown("en", "250000.00")).toBe("PKR 250,000");
    expect(await amountShown("ur", "250000.00")).toBe("250,000 روپے");
    expect(await amountShown("en", "45000.50")).toBe("PKR 45,000.50");
    expect(await amountShown("en", null)).toBeNull();
  });

  it("no page or component formats numbers or money itself", () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (/\.tsx?$/.test(name)) files.push(full);
      }
    };
    for (const dir of ["app", "components", "hooks"]) walk(path.join(root, dir));
    const own = files.filter((f) => /toLocaleString\(|Intl\.NumberFormat|Intl\.DateTimeFormat|\bPKR\s*\{|روپے/.test(readFileSync(f, "utf8")));
    expect(own.map((f) => path.relative(root, f))).toEqual([]);
  });
});
