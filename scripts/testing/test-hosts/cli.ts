/**
 * Manual use: `npx tsx scripts/testing/test-hosts/cli.ts up [count] [shell]` starts hosts (whose
 * users log in with `shell`: sh, bash, zsh or fish) and prints how to reach them, then keeps them
 * until Ctrl-C (or `down`, which is the same signal: SIGTERM).
 */
import { startTestHosts } from './index';
import { LOGIN_SHELLS } from './user';
import type { LoginShell } from './user';

const isShell = (s: string): s is LoginShell => Object.hasOwn(LOGIN_SHELLS, s);

async function main(): Promise<void> {
  const [command = 'up', countArg = '2', shell = 'sh'] = process.argv.slice(2);
  if (command !== 'up' || !isShell(shell)) {
    console.error(
      'usage: cli.ts up [count] [sh|bash|zsh|fish]   (hosts stop on Ctrl-C or SIGTERM)',
    );
    process.exit(2);
  }
  const count = Number(countArg);
  const testHosts = await startTestHosts({
    count,
    fakeNvidiaSmi: { 0: 'h200-idle', 1: 'h200-busy' },
    shells: Object.fromEntries(Array.from({ length: count }, (_, i) => [i, shell])),
  });
  for (const h of testHosts.hosts) {
    const ns = h.netns ? `ip netns exec ${h.netns} ` : '';
    console.log(`${h.name}: ${h.user}@${h.address} port ${h.port} ${h.hostKeyFingerprint} ${ns}`);
    console.log(
      `  ssh -i ${h.clientKeyPath} -p ${h.port} -o StrictHostKeyChecking=no ` +
        `-o UserKnownHostsFile=/dev/null ${h.user}@${h.address}`,
    );
  }
  console.log('Ctrl-C to stop');
  const shutdown = (): void => {
    testHosts.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
