"use client";
import { useCallback, useState } from "react";

export function useModal<T = undefined>() {
  const [state, setState] = useState<{ open: boolean; data?: T }>({ open: false });
  const open = useCallback((data?: T) => setState({ open: true, data }), []);
  const close = useCallback(() => setState({ open: false }), []);
  const onOpenChange = useCallback((value: boolean) => setState((s) => ({ ...s, open: value })), []);
  return { isOpen: state.open, data: state.data, open, close, onOpenChange };
}
