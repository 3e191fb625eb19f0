"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { PageWrapper } from "@/components/layout/PageWrapper";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Textarea } from "@/components/ui/textarea";
import { SkeletonRows } from "@/components/ui/skeleton";
import { ErrorState, InlineError } from "@/components/common/States";
import { useDepartments } from "@/hooks/useAdmin";
import { useI18n } from "@/hooks/useI18n";
import {
  createCanned,
  deleteCanned,
  listCannedForManaging,
  updateCanned,
  type CannedResponse,
} from "@/services/api/cannedService";

const KEY = ["canned-responses", "manage"] as const;
const EMPTY = { title: "", shortcut: "", body_en: "", body_ur: "", scope: "personal" };

/**
 * Canned replies (DESIGN §10): the caller's own, their department's and the desk's. Which ones they
 * may change (`editable`) and whether they may add shared ones (`may_share`) is the server's answer.
 */
export default function CannedResponsesPage() {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: KEY, queryFn: listCannedForManaging });
  const departments = useDepartments();
  const [form, setForm] = useState(EMPTY);
  const [editing, setEditing] = useState<CannedResponse | null>(null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ["canned-responses"] });

  const save = useMutation({
    mutationFn: () => {
      const texts = { title: form.title, shortcut: form.shortcut, body_en: form.body_en, body_ur: form.body_ur };
      if (editing) return updateCanned(editing.id, { ...texts, version: editing.version });
      const personal = form.scope === "personal";
      return createCanned({
        ...texts,
        personal,
        department_id: personal || form.scope === "desk" ? null : form.scope,
      });
    },
    onSuccess: () => {
      toast.success(t("canned.saved"));
      setForm(EMPTY);
      setEditing(null);
      refresh();
    },
  });
  const remove = useMutation({ mutationFn: deleteCanned, onSuccess: refresh });

  const scopeOf = (item: CannedResponse) =>
    item.owner_id
      ? t("canned.personal")
      : item.department_id
        ? (departments.data ?? []).find((d) => d.id === item.department_id)?.name ?? t("canned.department")
        : t("canned.desk");

  return (
    <PageWrapper title={t("chat.canned")}>
      {list.isLoading ? (
        <SkeletonRows />
      ) : list.error || !list.data ? (
        <ErrorState error={list.error} onRetry={() => list.refetch()} />
      ) : (
        <div className="grid gap-4 lg:grid-cols-2">
          <Card>
            <CardContent className="pt-6">
              {list.data.items.length === 0 ? (
                <p className="text-sm text-muted-foreground">{t("chat.cannedNone")}</p>
              ) : (
                <ul className="divide-y" data-testid="canned-list">
                  {list.data.items.map((item) => (
                    <li key={item.id} className="flex items-start justify-between gap-3 py-3">
                      <div className="min-w-0">
                        <p className="font-medium" dir="auto">
                          {item.title} <span className="font-mono text-xs text-muted-foreground">/{item.shortcut}</span>
                        </p>
                        <p className="text-xs text-muted-foreground">{scopeOf(item)}</p>
                        <p className="truncate text-sm" dir="auto">{item.body_en}</p>
                      </div>
                      {item.editable && (
                        <div className="flex shrink-0 gap-2">
                          <Button
                            variant="outline"
                            size="sm"
                            onClick={() => {
                              setEditing(item);
                              setForm({ title: item.title, shortcut: item.shortcut, body_en: item.body_en,
                                body_ur: item.body_ur, scope: "personal" });
                            }}
                          >
                            {t("common.edit")}
                          </Button>
                          <Button variant="outline" size="sm" onClick={() => remove.mutate(item.id)}>
                            {t("common.delete")}
                          </Button>
                        </div>
                      )}
                    </li>
                  ))}
                </ul>
              )}
              <InlineError error={remove.error} />
            </CardContent>
          </Card>
          <Card>
            <CardContent className="pt-6">
              <form
                className="grid gap-3"
                onSubmit={(e) => {
                  e.preventDefault();
                  save.mutate();
                }}
              >
                <div className="grid gap-1.5">
                  <Label htmlFor="canned-title">{t("canned.title")}</Label>
                  <Input id="canned-title" value={form.title} onChange={(e) => setForm({ ...form, title: e.target.value })} />
                </div>
                <div className="grid gap-1.5">
                  <Label htmlFor="canned-shortcut">{t("canned.shortcut")}</Label>
                  <Input id="canned-shortcut" value={form.shortcut} dir="ltr" onChange={(e) => setForm({ ...form, shortcut: e.target.value })} />
                </div>
                <div className="grid gap-1.5">
                  <Label htmlFor="canned-en">{t("canned.bodyEn")}</Label>
                  <Textarea id="canned-en" dir="ltr" rows={4} value={form.body_en} onChange={(e) => setForm({ ...form, body_en: e.target.value })} />
                </div>
                <div className="grid gap-1.5">
                  <Label htmlFor="canned-ur">{t("canned.bodyUr")}</Label>
                  <Textarea id="canned-ur" dir="rtl" rows={4} value={form.body_ur} onChange={(e) => setForm({ ...form, body_ur: e.target.value })} />
                </div>
                <p className="text-xs text-muted-foreground" dir="ltr">
                  {"{{ticket.number}} {{ticket.title}} {{requestor.full_name}} {{assignee.full_name}} {{department.name}}"}
                </p>
                {!editing && list.data.mayShare && (
                  <div className="grid gap-1.5">
                    <Label htmlFor="canned-scope">{t("canned.scope")}</Label>
                    <select
                      id="canned-scope"
                      className="h-9 rounded-md border bg-background px-2 text-sm"
                      value={form.scope}
                      onChange={(e) => setForm({ ...form, scope: e.target.value })}
                    >
                      <option value="personal">{t("canned.personal")}</option>
                      <option value="desk">{t("canned.desk")}</option>
                      {(departments.data ?? []).map((d) => (
                        <option key={d.id} value={d.id}>
                          {d.name}
                        </option>
                      ))}
                    </select>
                  </div>
                )}
                <InlineError error={save.error} />
                <div className="flex gap-2">
                  <Button type="submit" disabled={save.isPending}>
                    {t("common.save")}
                  </Button>
                  {editing && (
                    <Button type="button" variant="outline" onClick={() => { setEditing(null); setForm(EMPTY); }}>
                      {t("common.cancel")}
                    </Button>
                  )}
                </div>
              </form>
            </CardContent>
          </Card>
        </div>
      )}
    </PageWrapper>
  );
}
