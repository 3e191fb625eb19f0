"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { InlineError } from "@/components/common/States";
import { useCreateSchedule, useDeleteSchedule, useSchedules, useSendSchedule } from "@/hooks/useReports";
import { useViews } from "@/hooks/useViews";
import { useI18n } from "@/hooks/useI18n";
import { formatDateTime } from "@/lib/helpers";
import type { ReportScheduleInput } from "@/services/api/reportService";

const KINDS = ["sla_weekly", "department_summary", "view"] as const;
const EMPTY: ReportScheduleInput = { name: "", kind: "sla_weekly", recipients: [], cadence: "weekly", language: "en", format: "pdf" };

/** Reports mailed by the desk on a schedule (DESIGN §11): the admin picks what, for whom, how often. */
export function ScheduledReports() {
  const { t, locale } = useI18n();
  const schedules = useSchedules();
  const views = useViews();
  const create = useCreateSchedule();
  const remove = useDeleteSchedule();
  const send = useSendSchedule();
  const [draft, setDraft] = useState<ReportScheduleInput>({ ...EMPTY, language: locale === "ur" ? "ur" : "en" });
  const set = (patch: Partial<ReportScheduleInput>) => setDraft((d) => ({ ...d, ...patch }));
  const choices = schedules.data?.recipient_choices ?? [];
  const viewName = (id: string | null | undefined) => views.data?.items.find((v) => v.id === id)?.name ?? "";
  return (
    <Card data-testid="scheduled-reports">
      <CardHeader>
        <CardTitle>{t("schedule.title")}</CardTitle>
      </CardHeader>
      <CardContent className="space-y-4">
        <form
          className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate({ ...draft, view_id: draft.kind === "view" ? draft.view_id : null }, {
              onSuccess: () => setDraft({ ...EMPTY, language: draft.language }),
            });
          }}
        >
          <div className="grid gap-1.5">
            <Label htmlFor="schedule-name">{t("schedule.name")}</Label>
            <Input id="schedule-name" value={draft.name} onChange={(e) => set({ name: e.target.value })} />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="schedule-kind">{t("schedule.kind")}</Label>
            <Select id="schedule-kind" value={draft.kind} onChange={(e) => set({ kind: e.target.value as ReportScheduleInput["kind"] })}>
              {KINDS.map((kind) => (
                <option key={kind} value={kind}>{t(`schedule.kind.${kind}`)}</option>
              ))}
            </Select>
          </div>
          {draft.kind === "view" && (
            <div className="grid gap-1.5">
              <Label htmlFor="schedule-view">{t("schedule.view")}</Label>
              <Select id="schedule-view" value={draft.view_id ?? ""} onChange={(e) => set({ view_id: e.target.value || null })}>
                <option value="">—</option>
                {views.data?.items.map((v) => (
                  <option key={v.id} value={v.id}>{v.name}</option>
                ))}
              </Select>
            </div>
          )}
          <div className="grid gap-1.5">
            <Label htmlFor="schedule-cadence">{t("schedule.cadence")}</Label>
            <Select id="schedule-cadence" value={draft.cadence} onChange={(e) => set({ cadence: e.target.value as ReportScheduleInput["cadence"] })}>
              <option value="weekly">{t("schedule.weekly")}</option>
              <option value="monthly">{t("schedule.monthly")}</option>
            </Select>
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="schedule-language">{t("schedule.language")}</Label>
            <Select id="schedule-language" value={draft.language} onChange={(e) => set({ language: e.target.value as "en" | "ur" })}>
              <option value="en">English</option>
              <option value="ur">اردو</option>
            </Select>
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="schedule-format">{t("schedule.format")}</Label>
            <Select id="schedule-format" value={draft.format} onChange={(e) => set({ format: e.target.value as "pdf" | "xlsx" })}>
              <option value="pdf">PDF</option>
              <option value="xlsx">{t("list.export.xlsx")}</option>
            </Select>
          </div>
          <fieldset className="grid gap-1.5 sm:col-span-2 lg:col-span-3">
            <legend className="text-sm font-medium">{t("schedule.recipients")}</legend>
            <div className="flex flex-wrap gap-3">
              {choices.map((person) => (
                <label key={person.id} className="flex items-center gap-1.5 text-sm">
                  <input
                    type="checkbox"
                    data-testid="schedule-recipient"
                    data-code={person.employee_code}
                    checked={(draft.recipients ?? []).includes(person.id)}
                    onChange={(e) => set({
                      recipients: e.target.checked ? [...(draft.recipients ?? []), person.id] : (draft.recipients ?? []).filter((id) => id !== person.id),
                    })}
                  />
                  {person.full_name} ({person.employee_code})
                </label>
              ))}
            </div>
          </fieldset>
          <div className="sm:col-span-2 lg:col-span-3">
            <Button type="submit" disabled={create.isPending} data-testid="schedule-save">{t("schedule.save")}</Button>
          </div>
        </form>
        <InlineError error={create.error ?? remove.error ?? send.error} />
        {send.isSuccess && (
          <p role="status" className="text-sm text-muted-foreground" data-testid="schedule-sent">
            {t("schedule.sent").replace("{count}", String(send.data))}
          </p>
        )}
        <ul className="divide-y text-sm">
          {schedules.data?.items.map((s) => (
            <li key={s.id} className="flex flex-wrap items-center justify-between gap-2 py-2" data-testid="schedule-item" data-name={s.name}>
              <span>
                <strong>{s.name}</strong> · {t(`schedule.kind.${s.kind}`)}{s.kind === "view" ? ` “${viewName(s.view_id)}”` : ""} ·{" "}
                {t(s.cadence === "weekly" ? "schedule.weekly" : "schedule.monthly")} · {s.format.toUpperCase()} ·{" "}
                {t("schedule.next")} <time dateTime={s.next_run_at}>{formatDateTime(s.next_run_at, locale)}</time>
              </span>
              <span className="flex gap-2">
                <Button variant="outline" size="sm" onClick={() => send.mutate(s.id)} disabled={send.isPending} data-testid="schedule-send">
                  {t("schedule.sendNow")}
                </Button>
                <Button variant="outline" size="sm" onClick={() => remove.mutate(s.id)} disabled={remove.isPending}>
                  {t("common.delete")}
                </Button>
              </span>
            </li>
          ))}
        </ul>
      </CardContent>
    </Card>
  );
}
