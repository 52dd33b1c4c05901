import { describe, expect, it } from 'vitest';
import type { HostView } from '../../shared/events';
import type { HostInfo } from '../../shared/hosts';
import { validateAddHost, suggestName, toRequest, EMPTY_FIELDS } from './add-host-form';
import { agentHealth, formatAge, gpuNames, staleNote } from './host-facts';
import { hostNotice } from './host-notice';
import { describeStep } from './install-steps';

const info = (over: Partial<HostInfo> = {}): HostInfo => ({
  name: 'box',
  spec: 'me@box:22',
  agent_dir: '/opt/agent',
  state: 'online',
  ...over,
});
const view = (over: Partial<HostView> = {}): HostView => ({
  info: info(),
  status: null,
  status_at: null,
  status_error: null,
  worker_rates: {},
  workers: [],
  downloads: [],
  history: [],
  ...over,
});
const status = { gpus: [], models: [], workers: [] } as unknown as NonNullable<HostView['status']>;

describe('host facts', () => {
  it('tells a missing agent from a failing one', () => {
    const missing = view({
      status_error: { code: 'AGENT_FAILED', message: 'box: rbees-pool is not in the agent dir' },
    });
    expect(agentHealth(missing).kind).toBe('missing');
    const failed = view({
      status_error: { code: 'AGENT_FAILED', message: 'box: unknown command' },
    });
    expect(agentHealth(failed).kind).toBe('failed');
    // An agent of another version: "Update agent" is the button to press.
    const outdated = view({
      status_error: { code: 'AGENT_OUTDATED', message: 'box: rbees-pool status printed …' },
    });
    expect(agentHealth(outdated).kind).toBe('failed');
    expect(agentHealth(view({ status })).kind).toBe('ok');
    expect(agentHealth(view()).kind).toBe('unknown');
  });

  it('shows the age of a status only when it is stale', () => {
    const now = 1_000_000;
    expect(staleNote(view({ status, status_at: now - 5000 }), now)).toBeNull();
    expect(staleNote(view({ status, status_at: now - 125_000 }), now)).toBe('Last seen 2 min ago');
    const offline = view({ info: info({ state: 'offline' }), status, status_at: now - 3000 });
    expect(staleNote(offline, now)).toBe('Last seen just now');
    expect(formatAge(3 * 3600_000)).toBe('3 h ago');
  });

  it('counts identical GPUs once, in index order', () => {
    const gpu = (index: number, name: string) => ({ index, name }) as never;
    expect(gpuNames([gpu(1, 'H200'), gpu(0, 'H200'), gpu(2, 'A10')])).toEqual(['2 × H200', 'A10']);
  });

  it('puts the worst news in the notice, naming the reason', () => {
    const now = 0;
    const offline = view({ info: info({ state: 'offline', reason: 'box: connection refused' }) });
    expect(hostNotice(offline, now, undefined, undefined)).toEqual({
      tone: 'danger',
      text: 'box: connection refused',
    });
    const reconnecting = view({ info: info({ state: 'reconnecting', reason: 'timed out' }) });
    expect(hostNotice(reconnecting, now, undefined, undefined).text).toBe(
      'Connection lost: timed out. Retrying…',
    );
    expect(hostNotice(offline, now, undefined, 'box: The host refused the SSH key').tone).toBe(
      'danger',
    );
    const missing = view({
      status_error: { code: 'AGENT_FAILED', message: 'box: rbees-pool is not in the agent dir' },
    });
    expect(hostNotice(missing, now, undefined, undefined).text).toBe(
      'Agent not installed: no rbees-pool in /opt/agent yet.',
    );
  });
});

describe('the Add host form', () => {
  const fields = { ...EMPTY_FIELDS, name: 'box', spec: 'me@box.lan:2222' };
  it('accepts a plain host and leaves empty options out of the request', () => {
    expect(validateAddHost(fields, [])).toEqual({});
    expect(toRequest({ ...fields, agentDir: ' ' })).toEqual({
      name: 'box',
      spec: 'me@box.lan:2222',
    });
  });
  it('says what is wrong with each field', () => {
    expect(validateAddHost({ ...fields, name: '' }, []).name).toMatch(/Give the host a name/);
    expect(validateAddHost({ ...fields, name: '-x' }, []).name).toMatch(/starting with a letter/);
    expect(validateAddHost(fields, ['box']).name).toMatch(/already exists/);
    expect(validateAddHost({ ...fields, name: 'local' }, []).name).toMatch(/already exists/);
    expect(validateAddHost({ ...fields, spec: 'a b' }, []).spec).toMatch(/no spaces/);
    expect(validateAddHost({ ...fields, spec: 'me@box:70000' }, []).spec).toMatch(/port/);
    expect(validateAddHost({ ...fields, agentDir: 'rbees' }, []).agentDir).toMatch(/under ~\//);
    expect(validateAddHost({ ...fields, agentDir: '~/a;b' }, []).agentDir).toMatch(/absolute/);
    expect(validateAddHost({ ...fields, agentDir: '~/.rbees/agent' }, []).agentDir).toBeUndefined();
  });
  it('suggests a name from the spec', () => {
    expect(suggestName('me@gpu-box.lan:2222')).toBe('gpu-box');
    expect(suggestName('rbeestest@10.200.1.2:22')).toBe('10.200.1.2');
    expect(suggestName('homelab')).toBe('homelab');
  });
});

describe('install steps', () => {
  it('reads each step in words', () => {
    expect(describeStep('uploaded', { bytes: 12_500_000, seconds: 2.34 })).toBe(
      'Uploaded 12.5 MB in 2.3 s',
    );
    expect(
      describeStep('probed', { platform: 'linux-x64', node: 'v22.1.0', free_bytes: 2e9 }),
    ).toBe('Probed the host: linux-x64, Node v22.1.0, 2.00 GB free, no agent yet');
    expect(describeStep('error', { code: 'AGENT_FAILED', message: 'box: no node' })).toBe(
      'box: no node',
    );
    expect(describeStep('later', {})).toBe('later');
  });
});
