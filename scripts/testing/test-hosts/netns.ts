import { randomBytes } from 'node:crypto';
import { run } from './proc';

/** A network namespace joined to the root namespace by a veth pair on a private /30. */
export interface HostLink {
  netns: string;
  /** The host's address, inside the namespace. */
  address: string;
  /** This machine's end of the link, as the host reaches it. */
  gateway: string;
  setUp(up: boolean): Promise<void>;
  delete(): Promise<void>;
}

/**
 * A /30 in 10.231.0.0/16 that no interface of this machine uses yet. Random rather than by host
 * index: two test files may run hosts at the same time, each with its own "host 0".
 */
async function freeSubnet(): Promise<number> {
  const used = await run('ip', ['-o', '-4', 'addr', 'show']);
  for (;;) {
    const block = randomBytes(2).readUInt16BE(0) & 0xfffc;
    const prefix = `10.231.${block >> 8}.${block & 0xff}`;
    if (
      !used.includes(` ${prefix}/`) &&
      !used.includes(`10.231.${block >> 8}.${(block & 0xff) + 1}/`)
    ) {
      return block;
    }
  }
}

/** Creates `rbees-h<index>-<random>` with a veth pair. Needs root. */
export async function createHostLink(index: number): Promise<HostLink> {
  const tag = randomBytes(3).toString('hex');
  const netns = `rbees-h${index}-${tag}`;
  // Interface names are limited to 15 characters.
  const outer = `rbo${index}${tag}`.slice(0, 15);
  const inner = `rbi${index}${tag}`.slice(0, 15);
  const block = await freeSubnet();
  const net = `10.231.${block >> 8}`;
  const low = block & 0xff;
  const outerAddr = `${net}.${low + 1}`;
  const address = `${net}.${low + 2}`;
  const subnet = `${net}.${low}/30`;
  const inNs = (...args: string[]) => run('ip', ['netns', 'exec', netns, 'ip', ...args]);

  await run('ip', ['netns', 'add', netns]);
  const link: HostLink = {
    netns,
    address,
    gateway: outerAddr,
    // The link is cut inside the namespace: the outer route stays (marked linkdown) and packets
    // are dropped at the veth, like a pulled cable, instead of following the default route out.
    setUp: async (up) => {
      await inNs('link', 'set', inner, up ? 'up' : 'down');
    },
    delete: async () => {
      await run('ip', ['route', 'del', 'blackhole', subnet, 'metric', '4242']).catch(
        () => undefined,
      );
      // Deleting the namespace deletes the inner veth, which deletes its peer.
      await run('ip', ['link', 'del', outer]).catch(() => undefined);
      await run('ip', ['netns', 'del', netns]);
    },
  };
  try {
    await run('ip', ['link', 'add', outer, 'type', 'veth', 'peer', 'name', inner]);
    await run('ip', ['link', 'set', inner, 'netns', netns]);
    await run('ip', ['addr', 'add', `${outerAddr}/30`, 'dev', outer]);
    await run('ip', ['link', 'set', outer, 'up']);
    // Never let this subnet's packets leave the machine, whatever the state of the veth.
    await run('ip', ['route', 'add', 'blackhole', subnet, 'metric', '4242']);
    await inNs('addr', 'add', `${address}/30`, 'dev', inner);
    await inNs('link', 'set', inner, 'up');
    await inNs('link', 'set', 'lo', 'up');
  } catch (err) {
    await link.delete().catch(() => undefined);
    throw err;
  }
  return link;
}
