import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hfToken } from './hf-token';

const dir = mkdtempSync(join(tmpdir(), 'rbees-hf-token-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hfToken', () => {
  it('takes HF_TOKEN first, then the file huggingface-cli login writes', () => {
    writeFileSync(join(dir, 'token'), 'hf_from_file\n');
    expect(hfToken({ HF_TOKEN: 'hf_env', HF_HOME: dir })).toBe('hf_env');
    expect(hfToken({ HF_HOME: dir })).toBe('hf_from_file');
    writeFileSync(join(dir, 'other'), 'hf_path');
    expect(hfToken({ HF_HOME: dir, HF_TOKEN_PATH: join(dir, 'other') })).toBe('hf_path');
    expect(hfToken({ HOME: join(dir, 'nobody') })).toBeUndefined();
  });
});
