"use client";
import { ErrorState } from "@/components/common/States";

export default function RolesError({ error, reset }: { error: Error; reset: () => void }) {
  return <ErrorState error={error} onRetry={reset} />;
}
