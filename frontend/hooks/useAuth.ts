"use client";
import { useEffect, useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useAuthStore } from "@/store/authStore";
import * as authService from "@/services/api/authService";
import { abandonSession, completeRelogin } from "@/services/api/session";
import { routes, safeNextPath } from "@/config/routes";
import { useUiStore } from "@/store/uiStore";
import type { LoginResult, User } from "@/types/user";

/** True once the session was read from storage (never during server rendering). */
function useHydrated() {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => {
    setHydrated(useAuthStore.persist.hasHydrated());
    return useAuthStore.persist.onFinishHydration(() => setHydrated(true));
  }, []);
  return hydrated;
}

export function useSession() {
  const user = useAuthStore((s) => s.user);
  const hydrated = useHydrated();
  const sessionExpired = useAuthStore((s) => s.sessionExpired);
  return { user, hydrated, sessionExpired };
}

/** The language after signing in: the person's saved one (the desk speaks to them in it, in the web
 * app and their emails), unless they picked one on the sign-in page just now; that pick is saved. */
export function applySignInLanguage(user: User) {
  const ui = useUiStore.getState();
  if (ui.localePickedSignedOut) {
    useUiStore.setState({ localePickedSignedOut: false });
    if (user.language !== ui.locale) {
      authService.saveMyLanguage(ui.locale).then((saved) => useAuthStore.getState().setUser(saved), () => undefined);
    }
  } else if (user.language && user.language !== ui.locale) {
    ui.setLocale(user.language);
  }
}

/** Signs in; `mode: "relogin"` keeps the current page (session expiry) instead of navigating. */
export function useSignIn(mode: "page" | "relogin" = "page") {
  const router = useRouter();
  const queryClient = useQueryClient();
  const setSession = useAuthStore((s) => s.setSession);

  const finish = (result: LoginResult) => {
    if (result.kind !== "session") return result;
    const previous = useAuthStore.getState().user;
    setSession({ user: result.user, access: result.tokens.access, refresh: result.tokens.refresh });
    applySignInLanguage(result.user);
    if (mode === "relogin" && previous && previous.id === result.user.id) {
      completeRelogin(result.tokens.access);
    } else {
      if (mode === "relogin") abandonSession();
      setSession({ user: result.user, access: result.tokens.access, refresh: result.tokens.refresh });
      queryClient.clear();
      const next = mode === "page" ? safeNextPath(new URLSearchParams(window.location.search).get("next")) : null;
      router.replace(next ?? routes.dashboard(result.user.role));
    }
    return result;
  };

  const login = useMutation({
    mutationFn: (values: { employee_code: string; password: string }) =>
      authService.login(values.employee_code, values.password),
    onSuccess: finish,
    meta: { silent: true },
  });
  const verifyOtp = useMutation({
    mutationFn: (values: { challengeId: string; code: string }) => authService.verifyOtp(values.challengeId, values.code),
    onSuccess: finish,
    meta: { silent: true },
  });
  return { login, verifyOtp };
}

export function useSignOut() {
  const router = useRouter();
  const queryClient = useQueryClient();
  return async () => {
    const refresh = useAuthStore.getState().refresh;
    await authService.logout(refresh);
    abandonSession();
    queryClient.clear();
    router.replace(routes.login);
  };
}
