import { describe, expect, it } from 'vitest';
import { RbeesError } from '../../shared/errors';
import { Closers } from './closers';

describe('Closers', () => {
  it('closes last-opened first, and every step even when some throw', async () => {
    const closed: string[] = [];
    const failures: string[] = [];
    const closers = new Closers((name) => failures.push(name));
    closers.add('the log', () => closed.push('log'));
    closers.add('the store', () => {
      throw new Error('database is locked');
    });
    closers.add('the SSH sessions', async () => {
      await Promise.resolve();
      closed.push('ssh');
    });
    closers.add('the HTTP server', () => Promise.reject(new RbeesError('INTERNAL', 'socket hung')));

    const err = await closers.closeAll().catch((e: unknown) => e);
    expect(closed).toEqual(['ssh', 'log']);
    expect(failures).toEqual(['the HTTP server', 'the store']);
    expect(err).toBeInstanceOf(RbeesError);
    expect((err as RbeesError).code).toBe('INTERNAL');
    expect((err as RbeesError).message).toBe(
      'closing failed for the HTTP server (socket hung), the store (database is locked); ' +
        'the rest was closed',
    );
    expect((err as RbeesError).details).toEqual({
      failed: [
        { name: 'the HTTP server', message: 'socket hung' },
        { name: 'the store', message: 'database is locked' },
      ],
    });
  });

  it('closes once: a second call waits for the first, and nothing may open after', async () => {
    let runs = 0;
    const closers = new Closers();
    closers.add('the store', async () => {
      await new Promise((resolve) => setImmediate(resolve));
      runs += 1;
    });
    await Promise.all([closers.closeAll(), closers.closeAll()]);
    await closers.closeAll();
    expect(runs).toBe(1);
    expect(() => closers.add('a monitor', () => {})).toThrow(
      'a monitor was opened after closing began',
    );
  });
});
