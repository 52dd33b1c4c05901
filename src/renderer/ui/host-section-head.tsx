import type { ReactNode } from 'react';
import { HostsIcon } from './icons';

interface HostSectionHeadProps {
  name: string;
  /** One line under the name; a child that is too long ends in an ellipsis. */
  sub: ReactNode;
  /** Right-aligned: the host's state badge, and any actions before it. */
  children: ReactNode;
}

/** The heading of a per-host section (GPUs, Models). Styles: .host-section in styles/pages.css. */
export function HostSectionHead({ name, sub, children }: HostSectionHeadProps) {
  return (
    <header className="host-section-head">
      <span className="host-section-icon">
        <HostsIcon size={18} />
      </span>
      <div className="host-section-title">
        <h2 className="host-section-name">{name}</h2>
        <p className="host-section-sub">{sub}</p>
      </div>
      <div className="host-section-end">{children}</div>
    </header>
  );
}
