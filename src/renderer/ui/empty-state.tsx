import type { ReactNode } from 'react';

interface EmptyStateProps {
  icon: ReactNode;
  title: string;
  children: ReactNode;
  /** Buttons or links: the next step. */
  actions?: ReactNode;
  testId?: string;
}

/**
 * What a view shows when it has nothing yet: what this place is for and what to do next. No
 * aria-label: its title ("No models yet") would make `getByLabel('Model')` ambiguous in tests.
 */
export function EmptyState({ icon, title, children, actions, testId }: EmptyStateProps) {
  return (
    <section className="empty-state" data-testid={testId}>
      <div className="empty-state-icon">{icon}</div>
      <h2 className="empty-state-title">{title}</h2>
      <div className="empty-state-body">{children}</div>
      {actions ? <div className="empty-state-actions">{actions}</div> : null}
    </section>
  );
}
