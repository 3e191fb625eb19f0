"use client";
import { Languages } from "lucide-react";
import { useI18n } from "@/hooks/useI18n";
import type { Locale } from "@/lib/i18n";
import { saveMyLanguage } from "@/services/api/authService";
import { useAuthStore } from "@/store/authStore";
import { useUiStore } from "@/store/uiStore";
import type { User } from "@/types/user";

// The last language asked to be saved, and the saves in order: a second switch before the first save
// answered compared against a stale user and was not saved, or two saves could land out of order.
let asked: { userId: string; locale: Locale } | null = null;
let saves: Promise<unknown> = Promise.resolve();
const SAVE_TRIES = 4;

/** Saves ``next`` as the person's language; a failed save (busy desk, lost connection) is tried
 * again a little later, unless another switch came since. */
async function save(next: Locale, setUser: (user: User) => void) {
  for (let attempt = 1; attempt <= SAVE_TRIES && asked?.locale === next; attempt++) {
    try {
      setUser(await saveMyLanguage(next));
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 1500 * attempt));
    }
  }
  if (asked?.locale === next) asked = null;  // from now on compared against what the desk holds
}

export function LanguageSwitcher() {
  const { t, locale, setLocale } = useI18n();
  const onChange = (next: Locale) => {
    setLocale(next);
    // Signed in: saved as the person's language, so their emails come in it too.
    const { user, setUser } = useAuthStore.getState();
    if (!user) useUiStore.getState().pickLocaleSignedOut();  // saved when they sign in (useSignIn)
    else {
      const current = asked?.userId === user.id ? asked.locale : user.language;
      if (current !== next) {
        asked = { userId: user.id, locale: next };
        saves = saves.then(() => save(next, setUser));
      }
    }
  };
  return (
    <label className="inline-flex items-center gap-1 text-sm">
      <Languages className="h-4 w-4" aria-hidden />
      <span className="sr-only">{t("common.language")}</span>
      <select
        aria-label={t("common.language")}
        value={locale}
        onChange={(e) => onChange(e.target.value as Locale)}
        className="rounded-md border border-input bg-background px-2 py-1 text-sm"
        data-testid="language-switcher"
      >
        <option value="en">English</option>
        <option value="ur">اردو</option>
      </select>
    </label>
  );
}
