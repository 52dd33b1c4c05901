import { beforeEach, describe, expect, it } from 'vitest';
import { nextQueued, useUploadStore, type UploadState } from './upload-store';

const store = () => useUploadStore.getState();
const stateOf = (id: string) => store().uploads.find((u) => u.id === id)?.state;

beforeEach(() => useUploadStore.setState({ uploads: [] }));

describe('upload state machine', () => {
  it('goes checking → queued → uploading → verifying → done', () => {
    const id = store().add('local', 'a.gguf', 1000);
    expect(stateOf(id)).toBe('checking');
    expect(store().move(id, 'queued', { summary: 'llama · Q8_0' })).toBe(true);
    expect(store().move(id, 'uploading')).toBe(true);
    store().progress(id, 400, 1000);
    expect(store().uploads[0]).toMatchObject({ sent: 400, state: 'uploading' });
    expect(store().move(id, 'verifying')).toBe(true);
    expect(store().uploads[0]).toMatchObject({ sent: 1000, state: 'verifying' });
    expect(store().move(id, 'done', { modelId: 'a' })).toBe(true);
    expect(store().uploads[0]).toMatchObject({ state: 'done', modelId: 'a', speed: 0 });
  });

  it('ignores moves the machine does not allow', () => {
    const id = store().add('local', 'a.gguf', 10);
    const refusedLater: [UploadState, UploadState][] = [
      ['uploading', 'checking'],
      ['verifying', 'checking'],
      ['done', 'checking'],
    ];
    for (const [to, from] of refusedLater)
      expect([to, from, store().move(id, to)]).toEqual([to, from, false]);
    store().move(id, 'refused', { error: 'x.gguf is not a GGUF model' });
    for (const to of ['queued', 'uploading', 'done', 'failed', 'cancelled'] as const) {
      expect(store().move(id, to)).toBe(false);
    }
    expect(store().uploads[0]).toMatchObject({
      state: 'refused',
      error: 'x.gguf is not a GGUF model',
    });
  });

  it('counts progress only while uploading, with a smoothed speed', () => {
    const id = store().add('local', 'a.gguf', 10_000_000);
    store().progress(id, 100, 0);
    expect(store().uploads[0]?.sent).toBe(0); // still checking
    store().move(id, 'queued');
    store().move(id, 'uploading', { progressAt: 0 });
    store().progress(id, 1_000_000, 1000);
    expect(store().uploads[0]?.speed).toBe(1_000_000);
    store().progress(id, 3_000_000, 2000);
    expect(store().uploads[0]?.speed).toBeCloseTo(1_300_000); // 0.3 of the way to 2 MB/s
    store().move(id, 'cancelled');
    store().progress(id, 4_000_000, 3000);
    expect(store().uploads[0]).toMatchObject({ state: 'cancelled', sent: 3_000_000, speed: 0 });
  });

  it('cancels from every state before an end, and dismisses only ended uploads', () => {
    for (const path of [
      [],
      ['queued'],
      ['queued', 'uploading'],
      ['queued', 'uploading', 'verifying'],
    ] as const) {
      const id = store().add('local', 'a.gguf', 10);
      for (const step of path) store().move(id, step);
      store().dismiss(id);
      expect(stateOf(id)).toBe(path.at(-1) ?? 'checking');
      expect(store().move(id, 'cancelled')).toBe(true);
      store().dismiss(id);
      expect(stateOf(id)).toBeUndefined();
    }
  });

  it('starts one upload at a time per host, in order', () => {
    const a = store().add('local', 'a.gguf', 10);
    const b = store().add('local', 'b.gguf', 10);
    const c = store().add('gpu-box', 'c.gguf', 10);
    for (const id of [a, b, c]) store().move(id, 'queued');
    expect(nextQueued(store().uploads, 'local')?.id).toBe(a);
    store().move(a, 'uploading');
    expect(nextQueued(store().uploads, 'local')).toBeUndefined();
    expect(nextQueued(store().uploads, 'gpu-box')?.id).toBe(c); // another host is not held up
    store().move(a, 'verifying');
    expect(nextQueued(store().uploads, 'local')).toBeUndefined(); // the host is still hashing
    store().move(a, 'failed', { error: 'boom' });
    expect(nextQueued(store().uploads, 'local')?.id).toBe(b);
  });
});
