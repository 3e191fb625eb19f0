"use client";
import * as React from "react";
import * as DialogPrimitive from "@radix-ui/react-dialog";
import { X } from "lucide-react";
import { cn } from "@/lib/utils";

export const Dialog = DialogPrimitive.Root;
export const DialogTrigger = DialogPrimitive.Trigger;
export const DialogClose = DialogPrimitive.Close;

/**
 * Where focus goes when a dialog closes (WCAG 2.4.3): back to the element that had it when the
 * dialog opened, i.e. the button that opened it. The primitive does this by itself only for a
 * Dialog.Trigger; the desk's dialogs are opened from state (an action bar, a list row, a 409), so
 * its own focus hooks carry it here, once for every dialog: `onOpenAutoFocus` notes the opener,
 * `onCloseAutoFocus` focuses it again. A dialog opened from inside another one (the conflict dialog
 * from the edit form's Save) also remembers the outer dialog's opener, for when the inner opener is
 * gone by the time it closes.
 */
const openersOf = new WeakMap<Element, HTMLElement[]>();

export function focusOpeners(openers: readonly HTMLElement[]): boolean {
  for (const el of openers) {
    if (!el.isConnected) continue;
    el.focus();
    if (el.ownerDocument.activeElement === el) return true;
  }
  return false;
}

// The element focused last: a dialog opened after an answer from the server (the conflict dialog
// after a 409) may find nothing focused, its opener having been disabled while the request ran.
let lastFocused: HTMLElement | null = null;
if (typeof document !== "undefined") {
  document.addEventListener("focusin", (e) => {
    if (e.target instanceof HTMLElement) lastFocused = e.target;
  }, true);
}

function openersNow(): HTMLElement[] {
  const active = document.activeElement;
  const from = active instanceof HTMLElement && active !== active.ownerDocument.body ? active : lastFocused;
  if (!from) return [];
  // Opened from inside another dialog: that one's opener too (its content may be detached by now).
  const outer = from.closest('[role="dialog"]');
  return [from, ...((outer && openersOf.get(outer)) || [])];
}

export const DialogContent = React.forwardRef<
  React.ElementRef<typeof DialogPrimitive.Content>,
  React.ComponentPropsWithoutRef<typeof DialogPrimitive.Content> & { hideClose?: boolean; closeLabel?: string }
>(({ className, children, hideClose, closeLabel = "Close", onOpenAutoFocus, onCloseAutoFocus, ...props }, ref) => {
  const openers = React.useRef<HTMLElement[]>([]);
  return (
    <DialogPrimitive.Portal>
      <DialogPrimitive.Overlay className="fixed inset-0 z-50 bg-black/50" />
      <DialogPrimitive.Content
        ref={ref}
        className={cn(
          "fixed left-1/2 top-1/2 z-50 grid max-h-[90vh] w-[calc(100%-1.5rem)] max-w-lg -translate-x-1/2 -translate-y-1/2 gap-4 overflow-y-auto rounded-lg border bg-background p-6 shadow-lg",
          className,
        )}
        onOpenAutoFocus={(event) => {
          // Focus has not moved yet: the active element is the opener.
          openers.current = openersNow();
          if (event.target instanceof Element) openersOf.set(event.target, openers.current);
          onOpenAutoFocus?.(event);
        }}
        onCloseAutoFocus={(event) => {
          onCloseAutoFocus?.(event);
          if (event.defaultPrevented) return;
          if (focusOpeners(openers.current)) event.preventDefault();
        }}
        {...props}
      >
        {children}
        {!hideClose && (
          <DialogPrimitive.Close className="absolute end-4 top-4 rounded-sm opacity-70 hover:opacity-100 focus-visible:ring-2 focus-visible:ring-ring">
            <X className="h-4 w-4" aria-hidden />
            <span className="sr-only">{closeLabel}</span>
          </DialogPrimitive.Close>
        )}
      </DialogPrimitive.Content>
    </DialogPrimitive.Portal>
  );
});
DialogContent.displayName = "DialogContent";

export function DialogHeader({ className, ...props }: React.HTMLAttributes<HTMLDivElement>) {
  return <div className={cn("flex flex-col gap-1.5 text-start", className)} {...props} />;
}

export function DialogFooter({ className, ...props }: React.HTMLAttributes<HTMLDivElement>) {
  return <div className={cn("flex flex-col-reverse gap-2 sm:flex-row sm:justify-end", className)} {...props} />;
}

export const DialogTitle = React.forwardRef<
  React.ElementRef<typeof DialogPrimitive.Title>,
  React.ComponentPropsWithoutRef<typeof DialogPrimitive.Title>
>(({ className, ...props }, ref) => (
  <DialogPrimitive.Title ref={ref} className={cn("text-lg font-semibold", className)} {...props} />
));
DialogTitle.displayName = "DialogTitle";

export const DialogDescription = React.forwardRef<
  React.ElementRef<typeof DialogPrimitive.Description>,
  React.ComponentPropsWithoutRef<typeof DialogPrimitive.Description>
>(({ className, ...props }, ref) => (
  <DialogPrimitive.Description ref={ref} className={cn("text-sm text-muted-foreground", className)} {...props} />
));
DialogDescription.displayName = "DialogDescription";
