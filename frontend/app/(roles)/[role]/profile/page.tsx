"use client";
import { PageWrapper } from "@/components/layout/PageWrapper";
import { Card, CardContent } from "@/components/ui/card";
import { LanguageSwitcher } from "@/components/layout/LanguageSwitcher";
import { useSession } from "@/hooks/useAuth";
import { useI18n } from "@/hooks/useI18n";
import { useDepartmentNames } from "@/hooks/useDepartmentNames";
import { AccountSecurity } from "@/components/profile/AccountSecurity";

export default function ProfilePage() {
  const { t } = useI18n();
  const { user } = useSession();
  const departmentName = useDepartmentNames();
  if (!user) return null;
  return (
    <PageWrapper title={t("nav.profile")}>
      <Card>
        <CardContent className="pt-6">
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
            <dt className="text-muted-foreground">{t("admin.fullName")}</dt>
            <dd>{user.full_name}</dd>
            <dt className="text-muted-foreground">{t("auth.employeeCode")}</dt>
            <dd>{user.employee_code}</dd>
            <dt className="text-muted-foreground">{t("admin.email")}</dt>
            <dd>{user.email || "—"}</dd>
            <dt className="text-muted-foreground">{t("admin.role")}</dt>
            <dd>{t(`role.${user.role}`)}</dd>
            <dt className="text-muted-foreground">{t("common.department")}</dt>
            <dd>{departmentName(user.department_id)}</dd>
            <dt className="text-muted-foreground">{t("admin.approverKind")}</dt>
            <dd>{user.is_approver ? (user.approver_kind ? t(`approver.${user.approver_kind}`) : "✓") : "—"}</dd>
            <dt className="text-muted-foreground">{t("common.language")}</dt>
            <dd>
              <LanguageSwitcher />
            </dd>
          </dl>
        </CardContent>
      </Card>
      <div className="mt-4">
        <AccountSecurity />
      </div>
    </PageWrapper>
  );
}
