/**
 * The modal dialogs that are open, innermost last. A modal <dialog> sits in the browser's top
 * layer and makes everything outside it inert, so toasts render inside the innermost open one
 * (see ToastHost) to stay visible above its backdrop and clickable.
 */
import { shallowReactive } from 'vue';

export const openModals = shallowReactive<HTMLElement[]>([]);

export function modalOpened(el: HTMLElement): void {
  modalClosed(el);
  openModals.push(el);
}

export function modalClosed(el: HTMLElement): void {
  const i = openModals.indexOf(el);
  if (i !== -1) openModals.splice(i, 1);
}
