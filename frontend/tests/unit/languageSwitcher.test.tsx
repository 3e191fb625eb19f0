/**
 * The language switcher saves a signed-in person's choice as their language (their emails and the
 * desk's canned replies follow it): a save that fails is tried again, and a later switch wins.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { act } from "react";
import { createRoot, type Root } from "react-dom/client";

const saveMyLanguage = vi.fn();
vi.mock("@/services/api/authService", () => ({ saveMyLanguage: (language: string) => saveMyLanguage(language) }));

import { LanguageSwitcher } from "@/components/layout/LanguageSwitcher";
import { useAuthStore } from "@/store/authStore";
import { useUiStore } from "@/store/uiStore";
import type { User } from "@/types/user";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const person: User = {
  id: "u-switch", employee_code: "req1", full_name: "Req One", email: "", role: "requestor", department_id: null,
  is_approver: false, approver_kind: null, language: "en",
};

let host: HTMLDivElement;
let root: Root;

beforeEach(async () => {
  vi.useFakeTimers();
  saveMyLanguage.mockReset();
  useUiStore.getState().setLocale("en");
  useAuthStore.getState().setUser(person);
  host = document.createElement("div");
  root = createRoot(host);
  await act(async () => root.render(<LanguageSwitcher />));
});

afterEach(async () => {
  await act(async () => root.unmount());
  vi.useRealTimers();
});

async function pick(language: "en" | "ur") {
  const select = host.querySelector("select")!;
  await act(async () => {
    select.value = language;
    select.dispatchEvent(new Event("change", { bubbles: true }));
  });
}

describe("LanguageSwitcher", () => {
  it("tries a failed save again until the desk takes it", async () => {
    saveMyLanguage
      .mockRejectedValueOnce(new Error("429"))
      .mockResolvedValueOnce({ ...person, language: "ur" });
    await pick("ur");
    expect(useUiStore.getState().locale).toBe("ur");
    await act(async () => { await vi.advanceTimersByTimeAsync(5_000); });
    expect(saveMyLanguage.mock.calls).toEqual([["ur"], ["ur"]]);
    expect(useAuthStore.getState().user?.language).toBe("ur");
  });

  it("stops retrying a language the person switched away from", async () => {
    saveMyLanguage.mockRejectedValueOnce(new Error("offline")).mockResolvedValue({ ...person, language: "en" });
    await pick("ur");
    await pick("en");
    await act(async () => { await vi.advanceTimersByTimeAsync(10_000); });
    expect(saveMyLanguage.mock.calls).toEqual([["ur"], ["en"]]);
    expect(useAuthStore.getState().user?.language).toBe("en");
  });
});
