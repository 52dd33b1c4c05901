import { describe, expect, it } from 'vitest';
import { RbeesError } from '../../shared/errors';
import { describeError, toUiError } from './error-text';

describe('describeError', () => {
  it('puts the meaning of the code before the daemon’s message', () => {
    expect(describeError({ code: 'MODEL_LOAD_FAILED', message: 'bad magic' })).toBe(
      'The model failed to load: bad magic',
    );
    expect(describeError({ code: 'DAEMON_UNREACHABLE', message: ' ' })).toBe(
      'The rbees daemon cannot be reached.',
    );
  });
});

describe('toUiError', () => {
  it('keeps the code of an RbeesError', () => {
    expect(toUiError(new RbeesError('MODEL_NOT_FOUND', 'no x')).code).toBe('MODEL_NOT_FOUND');
  });

  it('treats a bare HTTP 401 as UNAUTHORIZED', () => {
    expect(toUiError(new RbeesError('INTERNAL', 'HTTP 401 Unauthorized: nope')).code).toBe(
      'UNAUTHORIZED',
    );
    expect(toUiError(new RbeesError('INTERNAL', 'HTTP 500 Oops')).code).toBe('INTERNAL');
  });

  it('turns anything else into INTERNAL with its message', () => {
    expect(toUiError(new Error('boom'))).toEqual({ code: 'INTERNAL', message: 'boom' });
  });
});

describe('toUiError with an error event', () => {
  it('passes an ErrorBody through as it is', () => {
    const body = { code: 'DAEMON_UNREACHABLE' as const, message: 'gone' };
    expect(toUiError(body)).toBe(body);
    expect(toUiError({ code: 'NOPE', message: 'x' }).code).toBe('INTERNAL');
  });
});
