import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Makes sure what the tests need from the system is here: Debian's Chromium for Playwright (its
 * own browser download cannot work offline). As root on Debian it installs it; otherwise it says
 * what to run.
 */
const CHROMIUM = process.env.RBEES_CHROMIUM ?? '/usr/lib/chromium/chromium';

if (!existsSync(CHROMIUM)) {
  const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (!canInstall) {
    process.stderr.write(
      `The e2e tests need Chromium at ${CHROMIUM}. Install it (Debian: sudo apt-get install -y ` +
        'chromium) or point RBEES_CHROMIUM at a Chromium binary.\n',
    );
    process.exit(1);
  }
  process.stdout.write('Installing Chromium for the e2e tests (apt-get)…\n');
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}
