"use client";
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { listCanned } from "@/services/api/cannedService";
import { queryKeys } from "@/services/api/queryKeys";
import { Button } from "@/components/ui/button";
import { Select } from "@/components/ui/select";
import { Input } from "@/components/ui/input";
import { useDepartments, useUsers } from "@/hooks/useAdmin";
import { useBulkAction } from "@/hooks/useViews";
import { useI18n } from "@/hooks/useI18n";
import { errorMessage, errorText } from "@/lib/serverText";
import { AssigneeOptions, DepartmentOptions } from "@/components/common/SelectOptions";
import { BULK_ACTIONS, PRIORITIES, type BulkAction, type BulkFields, type BulkResult, type Ticket } from "@/types/ticket";

/** The fields each action asks for; the server checks them (422) and every ticket (per-ticket results). */
const NEEDS: Record<BulkAction, (keyof BulkFields)[]> = {
  assign: ["department_id", "assignee_id"],
  reassign: ["assignee_id"],
  set_priority: ["priority"],
  set_department: ["department_id"],
  reject: ["reason"],
  apply_canned: ["canned_id"],
};

/** Acts on the selected rows with one request (POST tickets/bulk) and reports each ticket's outcome. */
export function BulkActionBar({ ids, tickets, onDone }: { ids: string[]; tickets: Ticket[]; onDone: () => void }) {
  const { t, locale } = useI18n();
  const [action, setAction] = useState<BulkAction>("assign");
  const [fields, setFields] = useState<BulkFields>({});
  const [results, setResults] = useState<BulkResult[] | null>(null);
  const departments = useDepartments();
  const departmentId = fields.department_id ?? undefined;
  const assignees = useUsers({ department: departmentId, role: "assignee" }, NEEDS[action].includes("assignee_id"));
  const canned = useQuery({ queryKey: queryKeys.canned(""), queryFn: () => listCanned(""), enabled: NEEDS[action].includes("canned_id") });
  const bulk = useBulkAction();
  const needs = NEEDS[action];
  const numberOf = new Map(tickets.map((ticket) => [ticket.id, ticket.number]));
  const set = (patch: Partial<BulkFields>) => setFields((prev) => ({ ...prev, ...patch }));

  return (
    <div className="space-y-2 rounded-lg border bg-card p-3" data-testid="bulk-bar">
      <form
        className="flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          const body: BulkFields = {};
          for (const key of needs) (body as Record<string, unknown>)[key] = fields[key];
          bulk.mutate({ ids, action, fields: body }, { onSuccess: (r) => setResults(r) });
        }}
      >
        <span className="text-sm font-medium" data-testid="bulk-selected">{ids.length} {t("bulk.selected")}</span>
        <Select aria-label={t("bulk.action")} value={action} data-testid="bulk-action"
          onChange={(e) => { setAction(e.target.value as BulkAction); setResults(null); }}>
          {BULK_ACTIONS.map((a) => (
            <option key={a} value={a}>{t(`bulk.action.${a}`)}</option>
          ))}
        </Select>
        {needs.includes("department_id") && (
          <Select aria-label={t("common.department")} value={fields.department_id ?? ""} data-testid="bulk-department"
            onChange={(e) => set({ department_id: e.target.value || null, assignee_id: null })}>
            <option value="">{t("common.department")}…</option>
            <DepartmentOptions departments={departments.data} />
          </Select>
        )}
        {needs.includes("assignee_id") && (
          <Select aria-label={t("common.assignee")} value={fields.assignee_id ?? ""} data-testid="bulk-assignee"
            onChange={(e) => set({ assignee_id: e.target.value || null })}>
            <option value="">{t("common.assignee")}…</option>
            {departmentId ? (
              <AssigneeOptions users={assignees.data?.items} departmentId={departmentId} />
            ) : (
              assignees.data?.items.map((u) => <option key={u.id} value={u.id}>{u.full_name} ({u.employee_code})</option>)
            )}
          </Select>
        )}
        {needs.includes("priority") && (
          <Select aria-label={t("common.priority")} value={fields.priority ?? ""} data-testid="bulk-priority"
            onChange={(e) => set({ priority: (e.target.value || null) as BulkFields["priority"] })}>
            <option value="">{t("common.priority")}…</option>
            {PRIORITIES.map((p) => <option key={p} value={p}>{t(`priority.${p}`)}</option>)}
          </Select>
        )}
        {needs.includes("reason") && (
          <Input aria-label={t("common.reason")} placeholder={t("common.reason")} value={fields.reason ?? ""} dir="auto"
            className="w-64" data-testid="bulk-reason" onChange={(e) => set({ reason: e.target.value })} />
        )}
        {needs.includes("canned_id") && (
          <Select aria-label={t("bulk.canned")} value={fields.canned_id ?? ""} data-testid="bulk-canned"
            onChange={(e) => set({ canned_id: e.target.value || null })}>
            <option value="">{t("bulk.canned")}…</option>
            {canned.data?.map((c) => <option key={c.id} value={c.id}>{c.title} (/{c.shortcut})</option>)}
          </Select>
        )}
        <Button type="submit" size="sm" disabled={bulk.isPending} data-testid="bulk-apply">{t("bulk.apply")}</Button>
        <Button type="button" size="sm" variant="ghost" onClick={() => { setResults(null); onDone(); }}>{t("bulk.clear")}</Button>
      </form>
      {bulk.error && <p className="text-sm text-destructive" role="alert">{errorMessage(bulk.error, locale)}</p>}
      {results && (
        <div role="status" data-testid="bulk-report">
          <p className="text-sm font-medium">
            {results.filter((r) => r.ok).length} {t("bulk.done")}, {results.filter((r) => !r.ok).length} {t("bulk.refused")}
          </p>
          <ul className="mt-1 space-y-0.5 text-sm">
            {results.map((r) => (
              <li key={r.id} data-testid="bulk-result" data-status={r.ok ? "ok" : "error"} data-code={r.code ?? ""}>
                <span className="font-mono text-xs">{r.ticket?.number ?? numberOf.get(r.id) ?? r.id}</span>{" "}
                {r.ok ? (
                  <span className="text-green-700">✓ {t("bulk.ok")}</span>
                ) : (
                  <span className="text-destructive" title={r.detail ?? undefined}>✗ {errorText(locale, { code: r.code ?? "client_error" })}</span>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
