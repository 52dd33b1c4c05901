import type { SpawnWorkerRequest } from '../../shared/host-schemas';
import type { WorkerBackend } from '../../shared/pool-status';

export const BACKENDS: readonly { value: WorkerBackend; label: string }[] = [
  { value: 'auto', label: 'Auto (best this host has)' },
  { value: 'cpu', label: 'CPU' },
  { value: 'cuda', label: 'CUDA (NVIDIA)' },
  { value: 'metal', label: 'Metal (Apple)' },
  { value: 'vulkan', label: 'Vulkan' },
];

/** The dialog's fields as typed: numbers stay strings until sent, so a field can be empty. */
export interface SpawnForm {
  host: string;
  model: string;
  backend: WorkerBackend;
  /** A GPU index, or '' for none chosen. */
  gpu: string;
  slots: string;
  threads: string;
}

/** The request for a form, or the field that is wrong in words. */
export function toRequest(form: SpawnForm): { request: SpawnWorkerRequest } | { invalid: string } {
  if (!form.host) return { invalid: 'Choose a host.' };
  if (!form.model) return { invalid: `Choose a model on ${form.host}.` };
  const slots = whole(form.slots, 1, 64);
  if (slots === null) return { invalid: 'Slots must be a whole number from 1 to 64.' };
  const threads = whole(form.threads, 1, 1024);
  if (threads === null)
    return { invalid: 'CPU threads must be a whole number from 1 to 1024, or empty.' };
  return {
    request: {
      model: form.model,
      backend: form.backend,
      ...(form.gpu !== '' ? { gpu: Number(form.gpu) } : {}),
      ...(slots !== undefined ? { slots } : {}),
      ...(threads !== undefined ? { threads } : {}),
    },
  };
}

/** undefined for an empty field (the worker's default), null when it is not a number in range. */
function whole(text: string, min: number, max: number): number | undefined | null {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (!/^\d+$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return value >= min && value <= max ? value : null;
}
