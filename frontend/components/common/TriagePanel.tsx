"use client";
import { useState } from "react";
import { Sparkles } from "lucide-react";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { AssignTicketModal } from "@/components/modals/AssignTicketModal";
import { InlineError } from "./States";
import { SimilarTickets } from "./SimilarTickets";
import { useRoutingFeedback, useTicketTriage } from "@/hooks/useAi";
import { useTicketAction } from "@/hooks/useTicketActions";
import { useDepartmentNames } from "@/hooks/useDepartmentNames";
import { useI18n } from "@/hooks/useI18n";
import type { Ticket } from "@/types/ticket";

const percent = (p: number) => `${Math.round(p * 100)}%`;

/** The moderator's review of a ticket to route (the server allows assign or split): the ai service's
 *  department and category suggestion with its confidence, or that it abstained or answered from the
 *  rules, as the server says; one click to accept a department (the normal assign action, with the
 *  department filled in; the assignee is still the moderator's choice), and open tickets like it.
 *  Accepting or routing elsewhere is recorded as feedback with the model version. */
export function TriagePanel({ ticket }: { ticket: Ticket }) {
  const { t } = useI18n();
  const departmentName = useDepartmentNames();
  const routes = ticket.allowed_actions.includes("assign") || ticket.allowed_actions.includes("split");
  const triage = useTicketTriage(ticket, routes);
  const action = useTicketAction(ticket);
  const routed = useRoutingFeedback(ticket.id);
  const [accepting, setAccepting] = useState<string | null>(null);
  if (!routes) return null;

  const data = triage.data;
  const categoryLabel = (id: string) => (t(`category.${id}`) === `category.${id}` ? id : t(`category.${id}`));
  const canAssign = ticket.allowed_actions.includes("assign");
  return (
    <Card data-testid="triage-panel">
      <CardHeader>
        <CardTitle className="flex items-center gap-2">
          <Sparkles className="h-4 w-4" aria-hidden /> {t("ai.suggestion")}
        </CardTitle>
      </CardHeader>
      <CardContent className="grid gap-3 text-sm">
        {triage.isLoading ? (
          <Skeleton className="h-16 w-full" />
        ) : triage.error ? (
          <InlineError error={triage.error} />
        ) : data ? (
          <>
            <p className="flex flex-wrap items-center gap-2 text-xs text-muted-foreground">
              {data.source === "rules" ? (
                <Badge variant="info" data-testid="triage-source" data-source="rules">{t("ai.rules")}</Badge>
              ) : (
                <Badge variant="secondary" data-testid="triage-source" data-source="model">
                  {t("ai.model")} v{data.model_version}
                </Badge>
              )}
              {data.accepted !== null && data.accepted !== undefined && (
                <span data-testid="triage-decision" data-accepted={String(data.accepted)}>
                  {data.accepted ? t("ai.accepted") : t("ai.overridden")}
                </span>
              )}
            </p>
            {data.abstained ? (
              <p data-testid="triage-abstained" data-reason={data.reason}>
                {t("ai.abstained")} {data.reason ? t(`ai.reason.${data.reason}`) : ""}
              </p>
            ) : (
              <ol className="grid gap-1.5" aria-label={t("ai.departments")}>
                {data.departments.slice(0, 3).map((d) => (
                  <li key={d.department_id} className="flex items-center justify-between gap-2" data-testid="triage-department" data-department-id={d.department_id}>
                    <span>
                      {departmentName(d.department_id)}{" "}
                      <span className="text-xs text-muted-foreground" data-testid="triage-probability">{percent(d.probability)}</span>
                    </span>
                    {canAssign && (
                      <Button size="sm" variant="outline" onClick={() => setAccepting(d.department_id)} data-testid="triage-accept">
                        {t("ai.accept")}
                      </Button>
                    )}
                  </li>
                ))}
              </ol>
            )}
            {!data.abstained && data.categories.length > 0 && (
              <p className="text-xs text-muted-foreground" data-testid="triage-category">
                {t("common.category")}: {categoryLabel(data.categories[0].category_id)} {percent(data.categories[0].probability)}
              </p>
            )}
            <SimilarTickets items={data.similar} heading={t("ai.similarOpen")} />
          </>
        ) : null}
      </CardContent>
      {accepting && (
        <AssignTicketModal
          open
          onOpenChange={(open) => !open && setAccepting(null)}
          pending={action.isPending}
          initialDepartmentId={accepting}
          onConfirm={(v) =>
            action.mutate(
              { action: "assign", payload: v },
              {
                onSuccess: () => {
                  setAccepting(null);
                  void routed([v.department_id]);
                },
              },
            )
          }
        />
      )}
    </Card>
  );
}
