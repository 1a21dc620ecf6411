/**
 * The few study things reachable from every header. Kept tiny and free of the study store: it is
 * part of the lobby's entry bundle; the alarms dialog and runtime load lazily.
 */
import { reactive } from 'vue';

export const alarmsDialog = reactive({ open: false, everOpened: false });

export function openAlarms(): void {
  alarmsDialog.open = true;
  alarmsDialog.everOpened = true;
}
