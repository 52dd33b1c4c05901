import type { AgentVersionResponse } from '../../shared/hosts';

/** The agent version as the card and the install log show it (pure, tested without a DOM). */

/** `0.1.0+3df84d7c38f1` → `0.1.0+3df84d7`: enough to tell two builds apart at a glance. */
export function shortVersion(version: string | null): string {
  if (version === null) return 'unknown';
  const [pkg, hash] = version.split('+');
  return hash ? `${pkg}+${hash.slice(0, 7)}` : version;
}

/** The card's line for an outdated agent, null when it is not outdated. */
export function outdatedText(agent: AgentVersionResponse | undefined): string | null {
  if (agent?.state !== 'outdated') return null;
  return (
    `Agent outdated: ${shortVersion(agent.installed)} installed, ` +
    `this app ships ${shortVersion(agent.shipped)}.`
  );
}
