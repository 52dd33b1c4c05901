import { useEffect, useId, useState, type FormEvent } from 'react';
import { getPool } from '../api/connection';
import { describeError, toUiError } from '../api/error-text';
import { useClusterStore } from '../cluster/use-cluster-store';
import { Field } from '../ui/field';
import { PlusIcon } from '../ui/icons';
import {
  DEFAULT_AGENT_DIR,
  EMPTY_FIELDS,
  suggestName,
  toRequest,
  validateAddHost,
  type AddHostFields,
  type FieldErrors,
} from './add-host-form';
import { connectHost, loadAliases } from './host-actions';
import { Modal } from '../ui/modal';
import { useHostsStore } from './use-hosts-store';

/** Name, how to reach it, and where its agent lives; adding connects at once. */
export function AddHostDialog() {
  const closeAdd = useHostsStore((s) => s.closeAdd);
  const aliases = useHostsStore((s) => s.aliases);
  const taken = useClusterStore((s) => s.hosts).map((h) => h.info.name);
  const [fields, setFields] = useState<AddHostFields>(EMPTY_FIELDS);
  const [nameTouched, setNameTouched] = useState(false);
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const listId = useId();
  useEffect(() => void loadAliases(), []);

  const errors = submitted ? { ...validateAddHost(fields, taken), ...serverErrors } : serverErrors;
  const change = (key: keyof AddHostFields, value: string) => {
    // Removed, not set to undefined: an undefined key would hide the field's own check below.
    setServerErrors(({ [key]: _edited, ...rest }) => rest);
    setFields((f) => {
      const next = { ...f, [key]: value };
      if (key === 'spec' && !nameTouched) next.name = suggestName(value);
      return next;
    });
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    setFormError(null);
    if (Object.keys(validateAddHost(fields, taken)).length > 0) return;
    setSaving(true);
    const request = toRequest(fields);
    try {
      await getPool().addHost(request);
    } catch (err) {
      const body = toUiError(err);
      const field = Array.isArray(body.details?.fields) ? String(body.details.fields[0]) : null;
      const message = body.message.replace(/^\w+: /, '');
      if (field === 'name') setServerErrors({ name: message });
      else if (field === 'spec') setServerErrors({ spec: message });
      else setFormError(`${request.name}: ${describeError(body)}`);
      setSaving(false);
      return;
    }
    closeAdd();
    void connectHost(request.name, request.spec);
  };

  return (
    <Modal
      label="Add host"
      title="Add a host"
      icon={<PlusIcon size={20} />}
      testId="add-host-dialog"
      onClose={closeAdd}
      footer={
        <>
          <button type="button" className="button" onClick={closeAdd}>
            Cancel
          </button>
          <button type="submit" form="add-host-form" className="button primary" disabled={saving}>
            {saving ? 'Adding…' : 'Add and connect'}
          </button>
        </>
      }
    >
      <form
        id="add-host-form"
        className="form add-host-form"
        noValidate
        onSubmit={(e) => void submit(e)}
      >
        {formError ? (
          <p className="form-error" role="alert">
            {formError}
          </p>
        ) : null}
        <Field
          label="SSH host"
          error={errors.spec}
          hint={
            aliases.length > 0
              ? `An alias from ~/.ssh/config (${aliases.length} found) or user@host[:port].`
              : 'user@host[:port], or an alias from ~/.ssh/config.'
          }
        >
          <input
            type="text"
            value={fields.spec}
            list={listId}
            placeholder={aliases[0] ?? 'me@gpu-box.lan:22'}
            autoFocus
            spellCheck={false}
            autoCapitalize="off"
            onChange={(e) => change('spec', e.target.value)}
          />
        </Field>
        <datalist id={listId}>
          {aliases.map((alias) => (
            <option key={alias} value={alias} />
          ))}
        </datalist>
        <Field label="Name" error={errors.name} hint="How rbees shows this host everywhere.">
          <input
            type="text"
            value={fields.name}
            placeholder="gpu-box"
            spellCheck={false}
            autoCapitalize="off"
            onChange={(e) => {
              setNameTouched(true);
              change('name', e.target.value);
            }}
          />
        </Field>
        <Field
          label="Identity file"
          optional
          error={errors.identityFile}
          hint="Leave empty to use ~/.ssh/config, the SSH agent or ~/.ssh/id_*."
        >
          <input
            type="text"
            value={fields.identityFile}
            placeholder="~/.ssh/id_ed25519"
            spellCheck={false}
            onChange={(e) => change('identityFile', e.target.value)}
          />
        </Field>
        <Field
          label="Agent folder"
          optional
          error={errors.agentDir}
          hint="Where rbees-pool lives on the host; installed from the host's card if missing."
        >
          <input
            type="text"
            value={fields.agentDir}
            placeholder={DEFAULT_AGENT_DIR}
            spellCheck={false}
            onChange={(e) => change('agentDir', e.target.value)}
          />
        </Field>
      </form>
    </Modal>
  );
}
