import { useState } from 'react';
import { DEFAULT_TEMPERATURE, LIMITS } from './limits';
import { DEFAULT_SETTINGS } from './chat-reducers';
import { useChatStore } from './use-chat-store';
import './settings-panel.css';

/** System prompt and sampling for the next replies. */
export function SettingsPanel() {
  const settings = useChatStore((s) => s.settings);
  const updateSettings = useChatStore((s) => s.updateSettings);

  return (
    <aside
      className="settings-panel"
      id="chat-settings"
      aria-label="Chat settings"
      data-testid="chat-settings"
    >
      <h2 className="panel-title">Settings</h2>

      <div className="field">
        <label htmlFor="system-prompt">System prompt</label>
        <textarea
          id="system-prompt"
          rows={6}
          placeholder="For example: You are a concise assistant. Answer in plain English."
          value={settings.systemPrompt}
          onChange={(e) => updateSettings({ systemPrompt: e.target.value })}
        />
        <p className="field-hint">Sent before the conversation with every message.</p>
      </div>

      <div className="field">
        <div className="field-row">
          <label htmlFor="temperature">Temperature</label>
          <output htmlFor="temperature" className="field-value">
            {settings.temperature.toFixed(2)}
          </output>
        </div>
        <input
          id="temperature"
          type="range"
          min={LIMITS.temperature.min}
          max={LIMITS.temperature.max}
          step={0.05}
          value={settings.temperature}
          onChange={(e) => updateSettings({ temperature: Number(e.target.value) })}
        />
        <div className="range-ends" aria-hidden="true">
          <span>Focused</span>
          <span>Creative</span>
        </div>
      </div>

      <MaxTokensField
        value={settings.maxTokens}
        onChange={(maxTokens) => updateSettings({ maxTokens })}
      />

      <button
        type="button"
        className="ghost-button small"
        onClick={() =>
          updateSettings({
            temperature: DEFAULT_TEMPERATURE,
            maxTokens: DEFAULT_SETTINGS.maxTokens,
          })
        }
        disabled={
          settings.temperature === DEFAULT_TEMPERATURE &&
          settings.maxTokens === DEFAULT_SETTINGS.maxTokens
        }
      >
        Reset sampling to defaults
      </button>
    </aside>
  );
}

/**
 * A number field that lets the user type freely (an empty box, "20" on the way to "200") and
 * commits only whole numbers in range; leaving the field puts back the value in force.
 */
function MaxTokensField({ value, onChange }: { value: number; onChange: (v: number) => void }) {
  // null while not editing: the field shows the value in force (which Reset may change).
  const [editing, setEditing] = useState<string | null>(null);
  const text = editing ?? String(value);
  const parsed = Number(text);
  const valid = /^\d+$/.test(text.trim()) && parsed >= 1 && parsed <= LIMITS.maxTokens;

  return (
    <div className="field">
      <label htmlFor="max-tokens">Max tokens</label>
      <input
        id="max-tokens"
        type="number"
        inputMode="numeric"
        min={1}
        max={LIMITS.maxTokens}
        step={1}
        value={text}
        aria-invalid={!valid}
        onChange={(e) => {
          setEditing(e.target.value);
          const next = Number(e.target.value);
          if (Number.isInteger(next) && next >= 1 && next <= LIMITS.maxTokens) onChange(next);
        }}
        onBlur={() => setEditing(null)}
      />
      <p className={valid ? 'field-hint' : 'field-hint invalid'}>
        The longest reply in tokens, from 1; the room left in the model&apos;s context caps it.
      </p>
    </div>
  );
}
