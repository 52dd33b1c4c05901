import type { ComponentType } from 'react';
import { ChatIcon, GpuIcon, HostsIcon, ModelsIcon, WorkersIcon } from '../ui/icons';

export type ViewId = 'hosts' | 'gpus' | 'models' | 'workers' | 'chat';

export interface ViewEntry {
  id: ViewId;
  label: string;
  Icon: ComponentType<{ size?: number }>;
}

/** The navigation, in the order of the Ctrl/⌘+1…5 shortcuts. */
export const VIEWS: readonly ViewEntry[] = [
  { id: 'hosts', label: 'Hosts', Icon: HostsIcon },
  { id: 'gpus', label: 'GPUs', Icon: GpuIcon },
  { id: 'models', label: 'Models', Icon: ModelsIcon },
  { id: 'workers', label: 'Workers', Icon: WorkersIcon },
  { id: 'chat', label: 'Chat', Icon: ChatIcon },
];

export function isViewId(value: unknown): value is ViewId {
  return VIEWS.some((view) => view.id === value);
}
