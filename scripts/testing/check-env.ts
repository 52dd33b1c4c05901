import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Makes sure what the tests need from the system is here: Debian's Chromium for Playwright (its
 * own browser download cannot work offline), OpenSSH's server and client for the test pool hosts,
 * iproute2 for their network namespaces, fish and zsh for hosts with those login shells. As root
 * on Debian it installs what is missing; otherwise it says what to run.
 */
const NEEDS = [
  { path: process.env.RBEES_CHROMIUM ?? '/usr/lib/chromium/chromium', pkg: 'chromium' },
  { path: '/usr/sbin/sshd', pkg: 'openssh-server' },
  { path: '/usr/bin/ssh-keygen', pkg: 'openssh-client' },
  { path: '/usr/sbin/ip', pkg: 'iproute2' },
  { path: '/usr/bin/fish', pkg: 'fish' },
  { path: '/usr/bin/zsh', pkg: 'zsh' },
];

const missing = NEEDS.filter((need) => !existsSync(need.path));
if (missing.length > 0) {
  const packages = missing.map((need) => need.pkg);
  const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (!canInstall) {
    process.stderr.write(
      `The tests need ${missing.map((need) => need.path).join(', ')}. Install them ` +
        `(Debian: sudo apt-get install -y ${packages.join(' ')}).\n`,
    );
    process.exit(1);
  }
  process.stdout.write(`Installing what the tests need (apt-get): ${packages.join(' ')}\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: 'inherit', env });
}
