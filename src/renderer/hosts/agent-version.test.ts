import { describe, expect, it } from 'vitest';
import { outdatedText, shortVersion } from './agent-version';

describe('agent version text', () => {
  it('shortens the content hash and says nothing unless outdated', () => {
    expect(shortVersion('0.1.0+3df84d7c38f1')).toBe('0.1.0+3df84d7');
    expect(shortVersion(null)).toBe('unknown');
    const agent = {
      installed: '0.1.0+aaaaaaaaaaaa',
      shipped: '0.2.0+bbbbbbbbbbbb',
      platform: 'linux-x64',
    };
    expect(outdatedText({ ...agent, state: 'outdated' })).toBe(
      'Agent outdated: 0.1.0+aaaaaaa installed, this app ships 0.2.0+bbbbbbb.',
    );
    expect(outdatedText({ ...agent, state: 'current' })).toBeNull();
    expect(outdatedText(undefined)).toBeNull();
  });
});
