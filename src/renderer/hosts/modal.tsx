import { useEffect, useRef, type ReactNode } from 'react';

interface ModalProps {
  /** The dialog's accessible name. */
  label: string;
  title: ReactNode;
  icon?: ReactNode;
  tone?: 'default' | 'warn' | 'danger';
  children: ReactNode;
  footer: ReactNode;
  onClose: () => void;
  testId?: string;
}

/**
 * A native modal `<dialog>`: the browser gives it the dialog role, traps focus, makes the page
 * behind it inert and closes it on Esc, which no hand-rolled overlay gets fully right.
 */
export function Modal({
  label,
  title,
  icon,
  tone = 'default',
  children,
  footer,
  onClose,
  testId,
}: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
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
      data-tone={tone}
      data-testid={testId}
      onCancel={(event) => {
        event.preventDefault(); // React owns whether it is shown
        onClose();
      }}
    >
      <div className="modal-head">
        {icon ? <span className="modal-icon">{icon}</span> : null}
        <h2 className="modal-title">{title}</h2>
      </div>
      <div className="modal-body">{children}</div>
      <div className="modal-foot">{footer}</div>
    </dialog>
  );
}
