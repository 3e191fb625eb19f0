import { create } from "zustand";
import { persist, createJSONStorage } from "zustand/middleware";
import type { Locale } from "@/lib/i18n";
import type { Ticket } from "@/types/ticket";

interface ConflictState {
  /** The server's current ticket after a 409 version_conflict. */
  latest: Ticket | null;
  message: string;
  /** What the user had typed when the save was refused (kept to re-apply to the latest version). */
  mine?: Record<string, string | number | null> | null;
}

interface UiState {
  locale: Locale;
  /** The language was picked on this visit before signing in (kept in memory only): signing in then
   * saves it as the person's language instead of applying their saved one. */
  localePickedSignedOut: boolean;
  sidebarOpen: boolean;
  conflict: ConflictState | null;
  setLocale: (locale: Locale) => void;
  pickLocaleSignedOut: () => void;
  setSidebarOpen: (open: boolean) => void;
  showConflict: (conflict: ConflictState) => void;
  clearConflict: () => void;
}

export const useUiStore = create<UiState>()(
  persist(
    (set) => ({
      locale: "en",
      localePickedSignedOut: false,
      sidebarOpen: false,
      conflict: null,
      setLocale: (locale) => set({ locale }),
      pickLocaleSignedOut: () => set({ localePickedSignedOut: true }),
      setSidebarOpen: (sidebarOpen) => set({ sidebarOpen }),
      showConflict: (conflict) => set({ conflict }),
      clearConflict: () => set({ conflict: null }),
    }),
    {
      name: "hdms-ui",
      storage: createJSONStorage(() => localStorage),
      partialize: (s) => ({ locale: s.locale }),
    },
  ),
);
