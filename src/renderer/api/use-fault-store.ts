import { create } from 'zustand';
import type { ErrorBody } from '../../shared/errors';
import { toUiError } from './error-text';

/** Something of the page that stopped on a bug (not on the daemon being away). */
export interface Fault {
  /** What stopped, as a person would say it: "Live updates from the daemon". */
  what: string;
  error: ErrorBody;
}

const MAX_FAULTS = 5;

interface FaultState {
  faults: Fault[];
  /** Logs the error with its stack to the console and shows it until the page reloads. */
  report: (what: string, err: unknown) => void;
}

/** Faults are shown by the fault banner: a bug must never look like a quiet, empty view. */
export const useFaultStore = create<FaultState>()((set) => ({
  faults: [],
  report: (what, err) => {
    console.error(`rbees: ${what} stopped:`, err);
    const fault = { what, error: toUiError(err) };
    set((s) => ({ faults: [...s.faults, fault].slice(-MAX_FAULTS) }));
  },
}));
