"use client";
import { useCallback } from "react";
import { useUiStore } from "@/store/uiStore";
import { directionFor, translate, type MessageKey, type Locale } from "@/lib/i18n";

export function useI18n() {
  const locale = useUiStore((s) => s.locale);
  const setLocale = useUiStore((s) => s.setLocale);
  const t = useCallback((key: MessageKey | string) => translate(locale, key), [locale]);
  return { t, locale, dir: directionFor(locale), setLocale: (l: Locale) => setLocale(l) };
}
