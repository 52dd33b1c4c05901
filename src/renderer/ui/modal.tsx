import { useEffect, useId, useRef, type ReactNode } from 'react';
import './modal.css';

interface ModalProps {
  /** The accessible name; without it the dialog is named by its title. */
  label?: string;
  title: ReactNode;
  icon?: ReactNode;
  tone?: 'default' | 'warn' | 'danger';
  children: ReactNode;
  footer: ReactNode;
  onClose: () => void;
  /** While true, Escape and the backdrop do not close it (the action is under way). */
  busy?: boolean;
  testId?: string;
}

/**
 * A native modal `<dialog>`: the browser gives it the dialog role, traps focus, makes the page
 * behind it inert and handles Escape, which no hand-rolled overlay gets fully right. Mount it to
 * open it; React owns whether it is shown.
 */
export function Modal({
  label,
  title,
  icon,
  tone = 'default',
  children,
  footer,
  onClose,
  busy = false,
  testId,
}: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="modal"
      aria-label={label}
      aria-labelledby={label ? undefined : titleId}
      data-tone={tone}
      data-testid={testId}
      onCancel={(event) => {
        event.preventDefault(); // the browser would close it behind React's back
        if (!busy) onClose();
      }}
      onMouseDown={(event) => {
        // A press on the backdrop lands on the dialog element itself: its children fill the box.
        if (event.target === ref.current && !busy) onClose();
      }}
    >
      <div className="modal-head">
        {icon ? <span className="modal-icon">{icon}</span> : null}
        <h2 className="modal-title" id={titleId}>
          {title}
        </h2>
      </div>
      <div className="modal-body">{children}</div>
      <div className="modal-foot">{footer}</div>
    </dialog>
  );
}
