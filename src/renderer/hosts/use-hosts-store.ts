import { create } from 'zustand';
import type { AgentVersionResponse } from '../../shared/hosts';
import type { InstallStep } from './install-steps';
import type { KeyChangeRequest } from './key-change';

/** A host key waiting for the person to compare and trust it. */
export interface TrustRequest {
  host: string;
  spec: string;
  fingerprint: string;
  keyType: string | null;
  address: string | null;
}

/** An agent install or update and its live log, shown in its dialog. */
export interface InstallRun {
  host: string;
  update: boolean;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  steps: InstallStep[];
  result: string | null;
}

/** What a host's card is doing on the person's behalf (buttons disabled meanwhile). */
export type HostBusy = 'connecting' | 'awaiting-trust' | 'trusting' | 'replacing' | 'removing';

interface HostsState {
  addOpen: boolean;
  trust: TrustRequest | null;
  /** A changed host key the person is looking at. */
  keyChange: KeyChangeRequest | null;
  /** Each remote host's agent version against the shipped one, once asked. */
  agents: Record<string, AgentVersionResponse>;
  /** The host whose Remove is being confirmed. */
  confirmRemove: string | null;
  install: InstallRun | null;
  busy: Record<string, HostBusy>;
  /** The last failed action per host, in words that name it; cleared by the next try. */
  errors: Record<string, string>;
  aliases: string[];
  openAdd: () => void;
  closeAdd: () => void;
  setTrust: (trust: TrustRequest | null) => void;
  setKeyChange: (keyChange: KeyChangeRequest | null) => void;
  setAgent: (host: string, agent: AgentVersionResponse | null) => void;
  setConfirmRemove: (host: string | null) => void;
  setInstall: (install: InstallRun | null) => void;
  updateInstall: (change: (run: InstallRun) => InstallRun) => void;
  setBusy: (host: string, busy: HostBusy | null) => void;
  setError: (host: string, message: string | null) => void;
  setAliases: (aliases: string[]) => void;
}

/** The Hosts view's own state: dialogs, per-host busy flags and errors. Live data is the cluster store's. */
export const useHostsStore = create<HostsState>()((set) => ({
  addOpen: false,
  trust: null,
  keyChange: null,
  agents: {},
  confirmRemove: null,
  install: null,
  busy: {},
  errors: {},
  aliases: [],
  openAdd: () => set({ addOpen: true }),
  closeAdd: () => set({ addOpen: false }),
  setTrust: (trust) => set({ trust }),
  setKeyChange: (keyChange) => set({ keyChange }),
  setAgent: (host, agent) =>
    set((s) => {
      const next = { ...s.agents };
      if (agent) next[host] = agent;
      else delete next[host];
      return { agents: next };
    }),
  setConfirmRemove: (confirmRemove) => set({ confirmRemove }),
  setInstall: (install) => set({ install }),
  updateInstall: (change) => set((s) => (s.install ? { install: change(s.install) } : {})),
  setBusy: (host, busy) =>
    set((s) => {
      const next = { ...s.busy };
      if (busy) next[host] = busy;
      else delete next[host];
      return { busy: next };
    }),
  setError: (host, message) =>
    set((s) => {
      const next = { ...s.errors };
      if (message) next[host] = message;
      else delete next[host];
      return { errors: next };
    }),
  setAliases: (aliases) => set({ aliases }),
}));
