import type { ReactNode } from 'react';

interface ViewHeaderProps {
  title: string;
  subtitle?: ReactNode;
  actions?: ReactNode;
}

/** The title row at the top of each non-chat view. */
export function ViewHeader({ title, subtitle, actions }: ViewHeaderProps) {
  return (
    <div className="view-header">
      <div>
        <h1 className="view-title">{title}</h1>
        {subtitle ? <p className="view-subtitle">{subtitle}</p> : null}
      </div>
      {actions ? <div className="view-actions">{actions}</div> : null}
    </div>
  );
}
