import { cloneElement, useId, type ReactElement } from 'react';

interface FieldProps {
  label: string;
  hint?: string | undefined;
  /** Shown in the hint's place (same height), so an error arriving moves nothing. */
  error?: string | undefined;
  optional?: boolean;
  children: ReactElement<{
    id?: string;
    'aria-describedby'?: string;
    'aria-invalid'?: boolean;
  }>;
}

/**
 * A label tied to its control by id (wrapping would put a select's options in its name too), with
 * the hint or the error under it. Styles: .form-field in styles/controls.css.
 */
export function Field({ label, hint, error, optional, children }: FieldProps) {
  const id = useId();
  const note = error ?? hint;
  return (
    <div className="form-field">
      <label className="form-field-label" htmlFor={id}>
        {label}
        {optional ? <span className="form-field-optional"> (optional)</span> : null}
      </label>
      {cloneElement(children, {
        id,
        ...(note ? { 'aria-describedby': `${id}-hint` } : {}),
        ...(error ? { 'aria-invalid': true } : {}),
      })}
      {note ? (
        <span id={`${id}-hint`} className={error ? 'form-field-error' : 'form-field-hint'}>
          {note}
        </span>
      ) : null}
    </div>
  );
}
