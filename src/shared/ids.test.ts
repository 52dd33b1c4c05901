import { describe, expect, it } from 'vitest';
import {
  AGENT_DIR,
  checkId,
  checkLineCount,
  DOWNLOAD_ID,
  LOG_LINES_MAX,
  MODEL_ID,
  showValue,
  WORKER_ID,
} from './ids';
import { MODEL_FILE_NAME } from './models';

describe('the ids that reach a pool host', () => {
  it('allow what the agent makes and names', () => {
    expect(WORKER_ID.pattern.test('tinyllama-1.1b-chat-v1.0.Q8_0-3fa2b1')).toBe(true);
    expect(MODEL_ID.pattern.test('Qwen3-0.6B-Q8_0')).toBe(true);
    expect(MODEL_ID.pattern.test('model.gguf')).toBe(true);
    expect(DOWNLOAD_ID.pattern.test(`${Date.now().toString(36)}-a1b2c3`)).toBe(true);
    for (const dir of ['~/.rbees/agent', '/opt/rbees', '/Users/me/My Agents/rbees', '/a/b/']) {
      expect(AGENT_DIR.pattern.test(dir), dir).toBe(true);
    }
  });

  it('refuse paths, options, shell text, blanks and floods', () => {
    const bad = ['../x', '.hidden', '-rf', "'; rm -rf ~'", '$(id)', '`id`', 'a b', '', 'a\nb'];
    for (const rule of [WORKER_ID, MODEL_ID, DOWNLOAD_ID]) {
      for (const id of [...bad, 'a'.repeat(2048)]) expect(rule.pattern.test(id), id).toBe(false);
    }
    const dirs = ['~', '/', '~/', 'relative', '/a/../b', '/a/./b', "~/a'b", '~/$(id)', '/a\nb'];
    for (const dir of [...dirs, `/${'a'.repeat(2048)}`]) {
      expect(AGENT_DIR.pattern.test(dir), dir).toBe(false);
    }
  });

  it('are one rule with the model file names uploads take', () => {
    expect(MODEL_FILE_NAME.test('a+b_c-1.0.gguf')).toBe(MODEL_ID.pattern.test('a+b_c-1.0'));
    expect(MODEL_FILE_NAME.test(`${'a'.repeat(251)}.gguf`)).toBe(true);
    expect(MODEL_FILE_NAME.test(`${'a'.repeat(252)}.gguf`)).toBe(false);
    expect(MODEL_ID.pattern.test('a'.repeat(252))).toBe(false);
  });

  it('name the field, the value (cut when long) and what is allowed', () => {
    expect(() => checkId(WORKER_ID, 'id', '../x')).toThrow(
      /^id: "\.\.\/x" is not a valid worker id — use 1–128 letters/,
    );
    let error: unknown;
    try {
      checkId(MODEL_ID, 'model', 'x'.repeat(2048));
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('… (2048 characters) is not a valid model id') as string,
      details: { fields: ['model'], value: 'x'.repeat(64) },
    });
    expect(showValue('a\nb')).toBe('"a\\nb"');
    expect(checkId(DOWNLOAD_ID, 'id', 'abc-123')).toBe('abc-123');
  });

  it('take line counts as plain digits within the agent bound', () => {
    expect(checkLineCount('lines', '0')).toBe(0);
    expect(checkLineCount('lines', String(LOG_LINES_MAX))).toBe(LOG_LINES_MAX);
    for (const raw of ['', '-1', '1e3', '0x10', ' 5', String(LOG_LINES_MAX + 1), '1,2']) {
      expect(() => checkLineCount('lines', raw), raw).toThrow(/^lines: .* is not a line count/);
    }
  });
});
