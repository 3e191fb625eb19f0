"use client";
import { ErrorState } from "@/components/common/States";

export default function RootError({ error, reset }: { error: Error; reset: () => void }) {
  return (
    <main className="mx-auto max-w-xl p-6">
      <ErrorState error={error} onRetry={reset} />
    </main>
  );
}
