import { useEffect } from 'react';
import { useModelsStore } from '../models/use-models-store';
import { formatBytes } from '../ui/format';
import { useChatStore } from './use-chat-store';

/** The model the next message goes to: a plain <select> of the daemon's models. */
export function ModelPicker() {
  const models = useModelsStore((s) => s.models);
  const loaded = useModelsStore((s) => s.loaded);
  const refresh = useModelsStore((s) => s.refresh);
  const model = useChatStore((s) => s.settings.model);
  const updateSettings = useChatStore((s) => s.updateSettings);

  useEffect(() => void refresh(), [refresh]);
  // A remembered model that is gone (file removed) gives way to the first one there is.
  useEffect(() => {
    const first = models[0];
    if (loaded && first && !models.some((m) => m.id === model)) updateSettings({ model: first.id });
  }, [loaded, models, model, updateSettings]);

  const current = models.find((m) => m.id === model);
  const known = Boolean(current) || !model;
  const empty = loaded && models.length === 0;

  return (
    <div className="model-picker">
      <label htmlFor="model-select">Model</label>
      <select
        id="model-select"
        value={empty ? '' : model}
        onChange={(e) => updateSettings({ model: e.target.value })}
        onFocus={() => void refresh()}
        disabled={empty}
        data-testid="model-select"
      >
        {empty ? <option value="">No models installed</option> : null}
        {!loaded && !model ? <option value="">Loading models…</option> : null}
        {!known ? <option value={model}>{model}</option> : null}
        {models.map((m) => (
          <option key={`${m.host}/${m.id}`} value={m.id}>
            {m.id} · {m.host === 'local' ? formatBytes(m.size_bytes) : `on ${m.host}`}
            {m.loaded ? ' · loaded' : ''}
          </option>
        ))}
      </select>
      {current ? (
        <span className={`model-state ${current.loaded ? 'ok' : ''}`} data-testid="model-state">
          <span className="model-state-dot" aria-hidden="true" />
          {current.loaded ? 'Loaded' : 'Loads on first message'}
        </span>
      ) : null}
    </div>
  );
}
