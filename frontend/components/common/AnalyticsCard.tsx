import Link from "next/link";
import { Card } from "@/components/ui/card";

export function AnalyticsCard({ label, value, href, testId }: { label: string; value: number | string | null | undefined; href?: string; testId?: string }) {
  const body = (
    <Card className="p-4" data-testid={testId}>
      <p className="text-sm text-muted-foreground">{label}</p>
      <p className="mt-1 text-2xl font-semibold">{value ?? "—"}</p>
    </Card>
  );
  return href ? (
    <Link href={href} className="rounded-lg focus-visible:ring-2 focus-visible:ring-ring">
      {body}
    </Link>
  ) : (
    body
  );
}
