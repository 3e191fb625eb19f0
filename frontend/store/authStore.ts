import { create } from "zustand";
import { persist, createJSONStorage } from "zustand/middleware";
import type { User } from "@/types/user";
import { SESSION_STORAGE_KEY } from "@/lib/constants";

interface AuthState {
  user: User | null;
  access: string | null;
  refresh: string | null;
  /** The refresh token died: a sign-in dialog covers the page, which keeps its state. */
  sessionExpired: boolean;
  setSession: (session: { user: User; access: string; refresh: string }) => void;
  setTokens: (access: string, refresh: string) => void;
  setUser: (user: User) => void;
  setSessionExpired: (expired: boolean) => void;
  clear: () => void;
}

export const useAuthStore = create<AuthState>()(
  persist(
    (set) => ({
      user: null,
      access: null,
      refresh: null,
      sessionExpired: false,
      setSession: ({ user, access, refresh }) => set({ user, access, refresh, sessionExpired: false }),
      setTokens: (access, refresh) => set({ access, refresh }),
      setUser: (user) => set({ user }),
      setSessionExpired: (sessionExpired) => set({ sessionExpired }),
      clear: () => set({ user: null, access: null, refresh: null, sessionExpired: false }),
    }),
    {
      name: SESSION_STORAGE_KEY,
      storage: createJSONStorage(() => localStorage),
      partialize: (s) => ({ user: s.user, access: s.access, refresh: s.refresh }),
    },
  ),
);
