import { useEffect, useState } from 'react';
import { copyText } from './clipboard';
import { CheckIcon, CopyIcon } from './icons';

interface CopyButtonProps {
  text: string | (() => string);
  label?: string;
  className?: string;
  testId?: string;
}

/** A small "Copy" button that says "Copied" for a moment after it worked. */
export function CopyButton({ text, label = 'Copy', className, testId }: CopyButtonProps) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 1500);
    return () => clearTimeout(timer);
  }, [copied]);

  const onClick = async () => {
    const ok = await copyText(typeof text === 'function' ? text() : text);
    setCopied(ok);
  };
  return (
    <button
      type="button"
      className={`ghost-button small ${className ?? ''}`}
      onClick={() => void onClick()}
      aria-label={copied ? 'Copied' : label}
      title={copied ? 'Copied' : label}
      data-testid={testId}
    >
      {copied ? <CheckIcon size={14} /> : <CopyIcon size={14} />}
      <span aria-hidden="true">{copied ? 'Copied' : label}</span>
    </button>
  );
}
