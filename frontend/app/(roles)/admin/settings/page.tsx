"use client";
import { useEffect, useState } from "react";
import { PageWrapper } from "@/components/layout/PageWrapper";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Table, THead, TBody, TR, TH, TD } from "@/components/ui/table";
import { SkeletonRows } from "@/components/ui/skeleton";
import { PriorityBadge } from "@/components/common/StatusTag";
import { ErrorState, EmptyState, InlineError } from "@/components/common/States";
import { useCalendar, useHolidayChange, useSaveCalendar, useSaveSlaPolicy, useSlaPolicies } from "@/hooks/useAdmin";
import { useI18n } from "@/hooks/useI18n";
import type { SlaPolicy, WorkingCalendar } from "@/services/api/slaService";
import { formatDate, formatMoney } from "@/lib/helpers";
import { toApiError } from "@/lib/errors";
import { translate, type Locale } from "@/lib/i18n";
import { errorMessage, fieldErrorText, fieldErrorsOf } from "@/lib/serverText";

const DAYS = [0, 1, 2, 3, 4, 5, 6];

function Holidays({ calendar }: { calendar: WorkingCalendar }) {
  const { t, locale } = useI18n();
  const change = useHolidayChange();
  const [date, setDate] = useState("");
  const [name, setName] = useState("");
  return (
    <div className="space-y-2">
      <h3 className="text-sm font-medium">{t("admin.holidays")}</h3>
      {!calendar.holidays.length && <p className="text-sm text-muted-foreground">{t("admin.noHolidays")}</p>}
      <ul className="flex flex-wrap gap-2" data-testid="holidays">
        {calendar.holidays.map((h) => (
          <li key={h.id} className="flex items-center gap-1 rounded-md border px-2 py-1 text-sm">
            {formatDate(h.date, locale)} <bdi>{h.name}</bdi>
            <Button size="sm" variant="ghost" aria-label={`${t("common.delete")} ${formatDate(h.date, locale)}`} onClick={() => change.mutate({ remove: h.id })}>
              ×
            </Button>
          </li>
        ))}
      </ul>
      <form
        className="flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          if (date) change.mutate({ add: { date, name } }, { onSuccess: () => { setDate(""); setName(""); } });
        }}
      >
        <div className="grid gap-1.5">
          <Label htmlFor="holiday-date">{t("admin.holidayDate")}</Label>
          <Input id="holiday-date" type="date" value={date} onChange={(e) => setDate(e.target.value)} />
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="holiday-name">{t("admin.name")}</Label>
          <Input id="holiday-name" value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <Button type="submit" variant="outline" disabled={change.isPending || !date}>
          {t("admin.addHoliday")}
        </Button>
      </form>
      <InlineError error={change.error} />
    </div>
  );
}

/** A policy's errors in words and in hours, though the API names minutes ("payload.first_response_minutes"). */
function policyErrors(locale: Locale, error: unknown): string[] {
  if (!error) return [];
  const apiError = toApiError(error);
  const fields = fieldErrorsOf(apiError.fieldErrors);
  if (!fields.length) return [errorMessage(error, locale)];
  return fields.map((f) =>
    /_minutes$/.test(f.field)
      ? fieldErrorText(locale, f, { divide: 60, unitWord: translate(locale, "common.hoursUnit") })
      : fieldErrorText(locale, f),
  );
}

function PolicyRow({ policy }: { policy: SlaPolicy }) {
  const { t, locale } = useI18n();
  const save = useSaveSlaPolicy();
  const [first, setFirst] = useState(String(policy.first_response_hours));
  const [resolution, setResolution] = useState(String(policy.resolution_hours));
  return (
    <TR>
      <TD>
        <PriorityBadge priority={policy.priority} />
      </TD>
      <TD>
        <Input aria-label={`${t("admin.firstResponseHours")} ${policy.priority}`} type="number" min={1} value={first} onChange={(e) => setFirst(e.target.value)} className="w-24" />
      </TD>
      <TD>
        <Input aria-label={`${t("admin.resolutionHours")} ${policy.priority}`} type="number" min={1} value={resolution} onChange={(e) => setResolution(e.target.value)} className="w-24" />
      </TD>
      <TD>
        <Button size="sm" disabled={save.isPending} onClick={() => save.mutate({ ...policy, first_response_hours: Number(first), resolution_hours: Number(resolution) })}>
          {t("common.save")}
        </Button>
        {policyErrors(locale, save.error).map((line) => (
          <p key={line} role="alert" className="mt-1 text-xs text-destructive" data-testid="policy-error">
            {line}
          </p>
        ))}
      </TD>
    </TR>
  );
}

function CalendarForm({ calendar }: { calendar: WorkingCalendar }) {
  const { t, locale } = useI18n();
  const save = useSaveCalendar();
  const [value, setValue] = useState(calendar);
  useEffect(() => setValue(calendar), [calendar]);
  return (
    <form className="grid gap-3" onSubmit={(e) => { e.preventDefault(); save.mutate(value); }}>
      <fieldset className="flex flex-wrap gap-3">
        <legend className="mb-1 text-sm font-medium">{t("admin.workingDays")}</legend>
        {DAYS.map((i) => (
          <label key={i} className="flex items-center gap-1 text-sm">
            <input
              type="checkbox"
              checked={value.working_days.includes(i)}
              onChange={(e) =>
                setValue((v) => ({ ...v, working_days: e.target.checked ? [...v.working_days, i].sort() : v.working_days.filter((x) => x !== i) }))
              }
            />
            {t(`day.${i}`)}
          </label>
        ))}
      </fieldset>
      <div className="grid gap-3 sm:grid-cols-2">
        <div className="grid gap-1.5">
          <Label htmlFor="cal-start">{t("admin.dayStart")}</Label>
          <Input id="cal-start" type="time" value={value.day_start} onChange={(e) => setValue((v) => ({ ...v, day_start: e.target.value }))} />
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="cal-end">{t("admin.dayEnd")}</Label>
          <Input id="cal-end" type="time" value={value.day_end} onChange={(e) => setValue((v) => ({ ...v, day_end: e.target.value }))} />
        </div>
      </div>
      <fieldset className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4" data-testid="desk-settings">
        <legend className="mb-1 text-sm font-medium">{t("admin.desk")}</legend>
        <div className="grid gap-1.5">
          <Label htmlFor="desk-tz">{t("admin.timezone")}</Label>
          <Input id="desk-tz" value={value.timezone} readOnly className="bg-muted" />
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="desk-ceo">{t("admin.ceoThreshold")}</Label>
          <Input id="desk-ceo" type="number" min={0} step="1000" value={value.ceo_approval_threshold} onChange={(e) => setValue((v) => ({ ...v, ceo_approval_threshold: e.target.value }))} aria-describedby="desk-ceo-money" />
          <p id="desk-ceo-money" className="text-xs text-muted-foreground" data-testid="ceo-threshold-money">{formatMoney(value.ceo_approval_threshold, locale)}</p>
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="desk-autoclose">{t("admin.autoCloseDays")}</Label>
          <Input id="desk-autoclose" type="number" min={1} value={value.auto_close_days} onChange={(e) => setValue((v) => ({ ...v, auto_close_days: Number(e.target.value) }))} />
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="desk-reminder">{t("admin.reminderDays")}</Label>
          <Input id="desk-reminder" type="number" min={1} value={value.reminder_days} onChange={(e) => setValue((v) => ({ ...v, reminder_days: Number(e.target.value) }))} />
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="desk-sla-warning">{t("admin.slaWarningPercent")}</Label>
          <Input id="desk-sla-warning" type="number" min={10} max={99} value={value.sla_warning_percent} onChange={(e) => setValue((v) => ({ ...v, sla_warning_percent: Number(e.target.value) }))} />
        </div>
      </fieldset>
      <InlineError error={save.error} />
      <Button type="submit" className="justify-self-start" disabled={save.isPending}>
        {t("common.save")}
      </Button>
    </form>
  );
}

export default function SettingsPage() {
  const { t } = useI18n();
  const policies = useSlaPolicies();
  const calendar = useCalendar();
  return (
    <PageWrapper title={t("nav.settings")}>
      <Card>
        <CardHeader>
          <CardTitle>{t("admin.slaPolicies")}</CardTitle>
        </CardHeader>
        <CardContent>
          {policies.isLoading ? (
            <SkeletonRows rows={4} />
          ) : policies.error ? (
            <ErrorState error={policies.error} onRetry={() => policies.refetch()} />
          ) : !policies.data?.length ? (
            <EmptyState />
          ) : (
            <Table>
              <THead>
                <TR>
                  <TH>{t("common.priority")}</TH>
                  <TH>{t("admin.firstResponseHours")}</TH>
                  <TH>{t("admin.resolutionHours")}</TH>
                  <TH>{t("common.actions")}</TH>
                </TR>
              </THead>
              <TBody>
                {policies.data.map((p) => (
                  <PolicyRow key={p.id} policy={p} />
                ))}
              </TBody>
            </Table>
          )}
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>{t("admin.calendar")}</CardTitle>
        </CardHeader>
        <CardContent>
          {calendar.isLoading ? (
            <SkeletonRows rows={2} />
          ) : calendar.error ? (
            <ErrorState error={calendar.error} onRetry={() => calendar.refetch()} />
          ) : calendar.data ? (
            <div className="space-y-4">
              <CalendarForm calendar={calendar.data} />
              <Holidays calendar={calendar.data} />
            </div>
          ) : null}
        </CardContent>
      </Card>
    </PageWrapper>
  );
}
