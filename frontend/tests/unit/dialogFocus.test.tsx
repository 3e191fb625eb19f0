/**
 * Focus returns to the button that opened a dialog when it closes (issue 13, WCAG 2.4.3), for the
 * desk's dialogs that open from state rather than from a Dialog.Trigger: a confirmation, a reason,
 * and the conflict dialog opened from inside another dialog. Real Radix dialogs in jsdom.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { act, useState } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { ConfirmModal } from "@/components/modals/ConfirmModal";
import { ReasonModal } from "@/components/modals/ReasonModal";
import { ConflictDialog } from "@/components/modals/ConflictDialog";
import { useUiStore } from "@/store/uiStore";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let host: HTMLDivElement;
let root: Root;

beforeEach(() => {
  host = document.createElement("div");
  document.body.appendChild(host);
  root = createRoot(host);
});

afterEach(async () => {
  await act(async () => root.unmount());
  host.remove();
  useUiStore.getState().clearConflict();
});

/** Lets the primitive's close focus (a 0 ms timer) run. */
const settle = () => act(async () => new Promise((resolve) => setTimeout(resolve, 20)));

async function render(node: React.ReactNode) {
  await act(async () => root.render(<QueryClientProvider client={new QueryClient()}>{node}</QueryClientProvider>));
}

/** Clicks as a person does: the button takes focus, then the click. */
async function press(button: HTMLElement) {
  await act(async () => {
    button.focus();
    button.click();
  });
  await settle();
}

const byText = (text: string) =>
  Array.from(document.querySelectorAll("button")).find((b) => b.textContent?.trim() === text) as HTMLButtonElement;
const dialog = () => document.querySelector('[role="dialog"]');

function Confirmable() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button data-testid="opener" onClick={() => setOpen(true)}>
        Withdraw it
      </button>
      <ConfirmModal open={open} onOpenChange={setOpen} title="Withdraw" message="Sure?" confirmLabel="Withdraw" onConfirm={() => setOpen(false)} />
    </>
  );
}

function Rejectable() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button data-testid="opener" onClick={() => setOpen(true)}>
        Reject it
      </button>
      <ReasonModal open={open} onOpenChange={setOpen} title="Reject" confirmLabel="Reject" onConfirm={() => setOpen(false)} />
    </>
  );
}

/** An edit form whose Save meets a 409: the form closes and the conflict dialog opens from inside it. */
function EditThenConflict() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button data-testid="opener" onClick={() => setOpen(true)}>
        Edit it
      </button>
      <ReasonModal
        open={open}
        onOpenChange={setOpen}
        title="Edit"
        confirmLabel="Save"
        onConfirm={() => {
          useUiStore.getState().showConflict({ latest: null, message: "Changed meanwhile", mine: null });
          setOpen(false);
        }}
      />
      <ConflictDialog />
    </>
  );
}

describe("a dialog gives focus back to the button that opened it", () => {
  it("a confirmation closed with Cancel", async () => {
    await render(<Confirmable />);
    const opener = document.querySelector<HTMLButtonElement>('[data-testid="opener"]')!;
    await press(opener);
    expect(dialog()).not.toBeNull();
    expect(dialog()!.contains(document.activeElement)).toBe(true);
    await press(byText("Cancel"));
    expect(dialog()).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  it("a confirmation confirmed", async () => {
    await render(<Confirmable />);
    const opener = document.querySelector<HTMLButtonElement>('[data-testid="opener"]')!;
    await press(opener);
    await press(byText("Withdraw"));
    expect(dialog()).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  it("a reason dialog closed with Escape", async () => {
    await render(<Rejectable />);
    const opener = document.querySelector<HTMLButtonElement>('[data-testid="opener"]')!;
    await press(opener);
    expect(dialog()).not.toBeNull();
    await act(async () => {
      document.activeElement!.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    });
    await settle();
    expect(dialog()).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  it("the conflict dialog opened from inside the edit form goes back to Edit", async () => {
    await render(<EditThenConflict />);
    const opener = document.querySelector<HTMLButtonElement>('[data-testid="opener"]')!;
    await press(opener);
    const textarea = dialog()!.querySelector("textarea")!;
    await act(async () => {
      const set = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value")!.set!;
      set.call(textarea, "A new title");
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    });
    await press(byText("Save"));
    await settle();
    expect(document.querySelector('[data-testid="conflict-dialog"]')).not.toBeNull();
    await press(byText("Cancel"));
    expect(dialog()).toBeNull();
    expect(document.activeElement).toBe(opener);
  });
});

describe("every dialog goes through the one primitive that restores focus", () => {
  it("no component builds a dialog from the Radix package directly", () => {
    const root = path.resolve(__dirname, "../..");
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (/\.tsx?$/.test(name)) files.push(full);
      }
    };
    for (const dir of ["app", "components", "hooks"]) walk(path.join(root, dir));
    const direct = files.filter(
      (f) => !f.endsWith(path.join("components", "ui", "dialog.tsx")) && readFileSync(f, "utf8").includes("@radix-ui/react-dialog"),
    );
    expect(direct).toEqual([]);
    expect(files.filter((f) => /<Dialog\b/.test(readFileSync(f, "utf8"))).length).toBeGreaterThan(8);
  });
});
