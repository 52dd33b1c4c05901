import type { HostStatus, ModelDetails } from '../../shared/pool-status';
import { formatBytes } from '../ui/format';
import { describeVerdict, estimateFit, FIT_RULE, noEstimateReason } from './fit';
import { formatContext } from './model-format';

/**
 * "GPU 0 ✓ up to 4K · GPU 1 ✕": one chip per GPU (or CPU) with the largest context that fits there,
 * and below them what the model needs at the default context; the numbers and rule in tooltips.
 */
export function FitChips({ model, status }: { model: ModelDetails; status: HostStatus | null }) {
  if (!status) return <span className="muted">—</span>;
  const verdicts = estimateFit(model, status);
  const first = verdicts[0];
  if (first === undefined) {
    return (
      <span className="muted" data-testid="model-fit-none" title={noEstimateReason(model)}>
        —
      </span>
    );
  }
  const summary = verdicts.map(describeVerdict).join('\n');
  const words = verdicts
    .map((v) => `${v.fits === null ? 'unknown on' : v.fits ? 'fits' : 'does not fit'} ${v.label}`)
    .join(', ');
  const memory = first.label === 'CPU' ? 'RAM' : 'VRAM';
  return (
    <span className="fit-cell">
      <span
        className="fit-chips"
        data-testid="model-fit"
        title={`${summary}\n${FIT_RULE}`}
        aria-label={`Estimate: ${words}`}
        role="img"
      >
        {verdicts.map((v) => (
          <span
            key={v.label}
            className="fit-chip"
            data-fits={v.fits === null ? 'unknown' : String(v.fits)}
            data-max-ctx={v.maxCtx ?? ''}
          >
            {v.label} {v.fits === null ? '?' : v.fits ? '✓' : '✕'}
            {v.maxCtx !== undefined ? (
              <span className="fit-chip-ctx">up to {formatContext(v.maxCtx)}</span>
            ) : null}
          </span>
        ))}
      </span>
      <span
        className="cell-sub fit-need"
        data-testid="model-need"
        title={`Needs ${formatBytes(first.needed)} of ${memory} at a context of ${first.ctx} tokens, ${model.fit?.slots ?? 1} slot(s). "Up to" in each chip: the largest context that fits there.`}
      >
        {formatBytes(first.needed)} {memory} at {formatContext(first.ctx)} ctx
      </span>
    </span>
  );
}
