import { useEffect, useRef, type ReactNode } from 'react';

interface ModalProps {
  label: string;
  onClose: () => void;
  /** While true, Escape and the backdrop do not close it (a spawn is under way). */
  busy?: boolean;
  children: ReactNode;
  testId?: string;
}

/**
 * A native modal `<dialog>`: the browser traps focus, makes the page behind it inert and gives
 * Escape for free, which a hand-made overlay would have to re-implement. Mount it to open it.
 */
export function Modal({ label, onClose, busy = false, children, testId }: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="wk-modal"
      aria-label={label}
      data-testid={testId}
      onCancel={(e) => {
        e.preventDefault();
        if (!busy) onClose();
      }}
      onMouseDown={(e) => {
        // A press on the backdrop lands on the dialog element itself, outside its content box.
        if (e.target === ref.current && !busy) onClose();
      }}
    >
      <div className="wk-modal-body">{children}</div>
    </dialog>
  );
}
