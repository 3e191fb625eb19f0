"use client";
import { useRef, useState } from "react";
import Link from "next/link";
import { PageWrapper } from "@/components/layout/PageWrapper";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, THead, TBody, TR, TH, TD } from "@/components/ui/table";
import { SkeletonRows } from "@/components/ui/skeleton";
import { EmptyState, ErrorState, InlineError } from "@/components/common/States";
import { UserFormModal } from "@/components/admin/UserFormModal";
import { useDeactivateUser, useImportUsers, useUnlockUser, useUsers } from "@/hooks/useAdmin";
import { useDepartmentNames } from "@/hooks/useDepartmentNames";
import { useI18n } from "@/hooks/useI18n";
import { ROLES, type User } from "@/types/user";
import type { Locale } from "@/lib/i18n";
import { fieldErrorText } from "@/lib/serverText";
import { formatDateTime } from "@/lib/helpers";

/**
 * An import row's problems ("role: 'x' is not one of ...; full_name: required"): English as the
 * server wrote it; in Urdu each named column in words with the kind of problem, never a column key.
 */
function importProblemText(locale: Locale, detail: string | undefined): string {
  if (!detail) return "";
  if (locale === "en") return detail;
  return detail
    .split("; ")
    .map((part) => {
      const [field, ...rest] = part.split(": ");
      const what = rest.join(": ");
      const code = /^required|missing/.test(what) ? "required" : /at most|longer than/.test(what) ? "too_long" : "invalid";
      return fieldErrorText(locale, { field: field ?? "", code, params: {} });
    })
    .join(" ");
}

export default function UsersPage() {
  const { t, locale } = useI18n();
  const [q, setQ] = useState("");
  const [role, setRole] = useState("");
  const users = useUsers({ q: q || undefined, role: role || undefined });
  const deactivate = useDeactivateUser();
  const unlock = useUnlockUser();
  const importUsers = useImportUsers();
  const departmentName = useDepartmentNames();
  const [editing, setEditing] = useState<User | null>(null);
  const [formOpen, setFormOpen] = useState(false);
  const fileRef = useRef<HTMLInputElement>(null);

  return (
    <PageWrapper
      title={t("nav.users")}
      actions={
        <div className="flex flex-wrap gap-2">
          <Button onClick={() => { setEditing(null); setFormOpen(true); }}>{t("admin.newUser")}</Button>
          <Button variant="outline" onClick={() => fileRef.current?.click()} disabled={importUsers.isPending}>
            {t("admin.importUsers")}
          </Button>
          <Link href="/admin/users/sms-sync" className="inline-flex items-center rounded-md border px-3 text-sm">
            {t("sync.link")}
          </Link>
          <input
            ref={fileRef}
            type="file"
            accept=".csv,.xlsx"
            className="sr-only"
            aria-label={t("admin.importUsers")}
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) importUsers.mutate(file);
              e.target.value = "";
            }}
          />
        </div>
      }
    >
      <div className="grid gap-3 sm:grid-cols-2">
        <div className="grid gap-1.5">
          <Label htmlFor="users-q">{t("common.search")}</Label>
          <Input id="users-q" type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="users-role">{t("admin.role")}</Label>
          <Select id="users-role" value={role} onChange={(e) => setRole(e.target.value)}>
            <option value="">{t("common.all")}</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </Select>
        </div>
      </div>
      <InlineError error={importUsers.error} />
      <InlineError error={unlock.error} />
      {importUsers.data && (
        <Card>
          <CardHeader>
            <CardTitle>{t("admin.importReport")}</CardTitle>
          </CardHeader>
          <CardContent className="space-y-2 text-sm">
            <p>
              {t("import.created")}: {importUsers.data.created} · {t("import.updated")}: {importUsers.data.updated} · {t("import.unchanged")}:{" "}
              {importUsers.data.unchanged ?? 0} · {t("import.refused")}: {importUsers.data.failed}
            </p>
            <Table>
              <THead>
                <TR>
                  <TH>#</TH>
                  <TH>{t("auth.employeeCode")}</TH>
                  <TH>{t("common.status")}</TH>
                  <TH>{t("common.description")}</TH>
                </TR>
              </THead>
              <TBody>
                {importUsers.data.rows.map((r) => (
                  <TR key={r.row}>
                    <TD>{r.row}</TD>
                    <TD>{r.employee_code ?? "—"}</TD>
                    <TD>
                      <Badge variant={r.status === "refused" || r.status === "error" ? "destructive" : "success"}>
                        {t(`import.${r.status}`) === `import.${r.status}` ? r.status : t(`import.${r.status}`)}
                      </Badge>
                    </TD>
                    <TD dir="auto">{importProblemText(locale, r.detail)}</TD>
                  </TR>
                ))}
              </TBody>
            </Table>
          </CardContent>
        </Card>
      )}
      {users.isLoading ? (
        <SkeletonRows />
      ) : users.error ? (
        <ErrorState error={users.error} onRetry={() => users.refetch()} />
      ) : !users.data?.items.length ? (
        <EmptyState />
      ) : (
        <Table data-testid="users-table">
          <THead>
            <TR>
              <TH>{t("auth.employeeCode")}</TH>
              <TH>{t("admin.fullName")}</TH>
              <TH>{t("admin.role")}</TH>
              <TH className="hidden md:table-cell">{t("common.department")}</TH>
              <TH>{t("common.actions")}</TH>
            </TR>
          </THead>
          <TBody>
            {users.data.items.map((u) => (
              <TR key={u.id}>
                <TD className="font-mono text-xs">{u.employee_code}</TD>
                <TD>
                  {u.full_name}
                  {!u.is_active && <Badge variant="outline" className="ms-2">{t("admin.inactive")}</Badge>}
                  {u.locked && (
                    <Badge variant="destructive" className="ms-2" data-testid="user-locked">
                      {t("admin.locked")}
                      {u.locked_until ? ` · ${t("admin.lockedUntil").replace("{time}", formatDateTime(u.locked_until, locale))}` : ""}
                    </Badge>
                  )}
                </TD>
                <TD>
                  {t(`role.${u.role}`)}
                  {u.is_approver && <Badge variant="info" className="ms-2">{t(u.approver_kind ? `approver.${u.approver_kind}` : "admin.approverKind")}</Badge>}
                </TD>
                <TD className="hidden md:table-cell">{departmentName(u.department_id)}</TD>
                <TD className="flex gap-2">
                  <Button size="sm" variant="outline" onClick={() => { setEditing(u); setFormOpen(true); }}>
                    {t("common.edit")}
                  </Button>
                  {u.allowed_actions?.includes("unlock") && (
                    <Button size="sm" variant="outline" data-testid="user-unlock" disabled={unlock.isPending} onClick={() => unlock.mutate(u.id)}>
                      {t("admin.unlock")}
                    </Button>
                  )}
                  {u.is_active && (
                    <Button size="sm" variant="destructive" disabled={deactivate.isPending} onClick={() => deactivate.mutate(u.id)}>
                      {t("admin.deactivate")}
                    </Button>
                  )}
                </TD>
              </TR>
            ))}
          </TBody>
        </Table>
      )}
      <UserFormModal user={editing} open={formOpen} onOpenChange={setFormOpen} />
    </PageWrapper>
  );
}
