/** A promise-based confirmation dialog: `if (await confirmAction({...})) doIt()`. */
import { reactive } from 'vue';

export interface ConfirmOptions {
  title: string;
  body?: string;
  confirmLabel?: string;
  danger?: boolean;
  /** When set, the person must type this text to enable the confirm button. */
  typeToConfirm?: string;
}

export const confirmState = reactive<{ open: boolean; options: ConfirmOptions; resolve: ((ok: boolean) => void) | null }>({
  open: false,
  options: { title: '' },
  resolve: null,
});

export function confirmAction(options: ConfirmOptions): Promise<boolean> {
  confirmState.resolve?.(false);
  return new Promise((resolve) => {
    confirmState.options = options;
    confirmState.resolve = resolve;
    confirmState.open = true;
  });
}

export function settleConfirm(ok: boolean): void {
  confirmState.resolve?.(ok);
  confirmState.resolve = null;
  confirmState.open = false;
}
