"use client";
import { errorMessage } from "@/lib/serverText";
import { useEffect, useState } from "react";
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { Toaster, toast } from "sonner";
import { useUiStore } from "@/store/uiStore";
import { directionFor } from "@/lib/i18n";
import { toApiError } from "@/lib/errors";

function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        retry: (count, error) => {
          const status = toApiError(error).status;
          return count < 2 && (status === 0 || status >= 500);
        },
        refetchOnWindowFocus: true,
      },
    },
    queryCache: new QueryCache(),
    // Every failed write shows the API's `detail` unless its hook shows it in place.
    mutationCache: new MutationCache({
      onError: (error, _vars, _ctx, mutation) => {
        if (mutation.meta?.silent) return;
        toast.error(errorMessage(error));
      },
    }),
  });
}

/** Keeps <html lang dir> in step with the chosen language. */
function DocumentLanguage() {
  const locale = useUiStore((s) => s.locale);
  useEffect(() => {
    document.documentElement.lang = locale;
    document.documentElement.dir = directionFor(locale);
  }, [locale]);
  return null;
}

export function Providers({ children }: { children: React.ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  const locale = useUiStore((s) => s.locale);
  return (
    <QueryClientProvider client={queryClient}>
      <DocumentLanguage />
      {children}
      <Toaster richColors closeButton position="top-center" dir={directionFor(locale)} />
    </QueryClientProvider>
  );
}
