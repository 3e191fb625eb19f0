/** Light or dark theme: a choice remembered in this browser, else the system's preference. */
export type Theme = "light" | "dark";

export const THEME_KEY = "hdms.theme";

/** Runs before the first paint (app/layout.tsx), so a dark page never flashes white. */
export const THEME_BOOT_SCRIPT = `(function(){try{var t=localStorage.getItem("${THEME_KEY}");if(t!=="dark"&&t!=="light")t=window.matchMedia("(prefers-color-scheme: dark)").matches?"dark":"light";document.documentElement.classList.toggle("dark",t==="dark");}catch(e){}})();`;

export function currentTheme(): Theme {
  return document.documentElement.classList.contains("dark") ? "dark" : "light";
}

export function applyTheme(theme: Theme, remember = true): void {
  document.documentElement.classList.toggle("dark", theme === "dark");
  if (remember) {
    try {
      localStorage.setItem(THEME_KEY, theme);
    } catch {
      /* private mode: the choice lasts for this page only */
    }
  }
  window.dispatchEvent(new CustomEvent("hdms:theme", { detail: theme }));
}

export function toggleTheme(): Theme {
  const next: Theme = currentTheme() === "dark" ? "light" : "dark";
  applyTheme(next);
  return next;
}
