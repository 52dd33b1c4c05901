import { useId, useState, type FormEvent } from 'react';
import type { ErrorBody } from '../../shared/errors';
import type { HostView } from '../../shared/events';
import { describeError, errorTitle } from '../api/error-text';
import { formatBytes } from '../ui/format';
import { Field } from '../ui/field';
import { AlertIcon, WorkersIcon } from '../ui/icons';
import { Modal } from '../ui/modal';
import { BACKENDS, toRequest, type SpawnForm } from './spawn-options';
import { useWorkerActions } from './use-worker-actions';

interface SpawnDialogProps {
  /** Hosts a worker can start on (connected, status known). */
  hosts: HostView[];
  onClose: () => void;
  onSpawned: (host: string, id: string) => void;
}

function initialForm(hosts: HostView[]): SpawnForm {
  const host = hosts[0];
  return {
    host: host?.info.name ?? '',
    model: host?.status?.models[0]?.id ?? '',
    backend: 'auto',
    gpu: '',
    slots: '1',
    threads: '',
  };
}

/** Start a worker: host, model, backend, GPU; the agent's preflight refusal is shown in words. */
export function SpawnDialog({ hosts, onClose, onSpawned }: SpawnDialogProps) {
  const spawn = useWorkerActions((s) => s.spawn);
  const [form, setForm] = useState(() => initialForm(hosts));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ host: string; body: ErrorBody } | null>(null);
  const [invalid, setInvalid] = useState('');
  const formId = useId();
  const host = hosts.find((h) => h.info.name === form.host);
  const models = host?.status?.models ?? [];
  const gpus = host?.status?.gpus ?? [];

  const update = (patch: Partial<SpawnForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    setError(null);
    setInvalid('');
  };
  const chooseHost = (name: string) => {
    const next = hosts.find((h) => h.info.name === name);
    update({ host: name, model: next?.status?.models[0]?.id ?? '', gpu: '' });
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const checked = toRequest(form);
    if ('invalid' in checked) return setInvalid(checked.invalid);
    setBusy(true);
    const outcome = await spawn(form.host, checked.request);
    if ('spawned' in outcome) return onSpawned(form.host, outcome.spawned.id);
    setError({ host: form.host, body: outcome.error });
    setBusy(false);
  };

  return (
    <Modal
      label="Spawn worker"
      title="Spawn worker"
      icon={<WorkersIcon size={20} />}
      onClose={onClose}
      busy={busy}
      testId="spawn-dialog"
      footer={
        <>
          {busy ? (
            <span className="spawn-progress" role="status" data-testid="spawn-progress">
              <span className="spinner" aria-hidden="true" />
              Starting {form.model} on {form.host}: loading the model…
            </span>
          ) : null}
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button
            type="submit"
            form={formId}
            className="button primary"
            disabled={busy || !form.model}
          >
            {busy ? 'Starting…' : 'Spawn'}
          </button>
        </>
      }
    >
      <form id={formId} className="spawn-form" onSubmit={(e) => void submit(e)}>
        <p>Loads a model on a host and serves it to chat and the API until you stop it.</p>
        {hosts.length === 0 ? (
          <p className="spawn-note" role="status">
            No host is connected right now. Add or reconnect one under Hosts, then come back.
          </p>
        ) : null}
        <div className="spawn-grid">
          <Field label="Host">
            <select
              value={form.host}
              onChange={(e) => chooseHost(e.target.value)}
              disabled={busy || hosts.length === 0}
            >
              {hosts.map((h) => (
                <option key={h.info.name} value={h.info.name}>
                  {h.info.name}
                  {h.status ? ` · ${h.status.hostname}` : ''}
                </option>
              ))}
            </select>
          </Field>
          <Field
            label="Model"
            hint={
              host && models.length === 0
                ? `Download or upload one to ${host.info.name} under Models.`
                : undefined
            }
          >
            <select
              value={form.model}
              onChange={(e) => update({ model: e.target.value })}
              disabled={busy || models.length === 0}
            >
              {models.length === 0 ? <option value="">No models on this host</option> : null}
              {models.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.id} · {formatBytes(m.size_bytes)}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Backend">
            <select
              value={form.backend}
              onChange={(e) => update({ backend: e.target.value as SpawnForm['backend'] })}
              disabled={busy}
            >
              {BACKENDS.map((b) => (
                <option key={b.value} value={b.value}>
                  {b.label}
                </option>
              ))}
            </select>
          </Field>
          <Field label="GPU">
            <select
              value={form.gpu}
              onChange={(e) => update({ gpu: e.target.value })}
              disabled={busy}
            >
              <option value="">
                {gpus.length === 0 ? 'None (this host has no GPU)' : 'Any (let the backend split)'}
              </option>
              {gpus.map((g) => (
                <option key={`${g.vendor}:${g.index}`} value={String(g.index)}>
                  GPU {g.index} · {g.name}
                  {g.memory_free_bytes !== null
                    ? ` · ${formatBytes(g.memory_free_bytes)} free`
                    : ''}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Slots" hint="Requests it serves at once.">
            <input
              type="number"
              min={1}
              max={64}
              value={form.slots}
              onChange={(e) => update({ slots: e.target.value })}
              disabled={busy}
            />
          </Field>
          <Field label="CPU threads" hint="Optional.">
            <input
              type="number"
              min={1}
              max={1024}
              placeholder="All cores"
              value={form.threads}
              onChange={(e) => update({ threads: e.target.value })}
              disabled={busy}
            />
          </Field>
        </div>
        {invalid ? (
          <p className="spawn-note" role="alert">
            {invalid}
          </p>
        ) : null}
        {error ? (
          <div className="spawn-error" role="alert" data-testid="spawn-error">
            <AlertIcon size={18} />
            <div>
              <p className="spawn-error-title">{errorTitle(error.body.code)}</p>
              <p className="spawn-error-text">{namingHost(error.host, error.body)}</p>
            </div>
          </div>
        ) : null}
      </form>
    </Modal>
  );
}

/** The daemon's message names the host already when it came from the agent; otherwise say it. */
function namingHost(host: string, body: ErrorBody): string {
  const message = body.message.trim() || describeError(body);
  return message.startsWith(`${host}:`) ? message : `${host}: ${message}`;
}
