/**
 * A daemon driving real pool hosts: the setup that integration tests, e2e specs and benchmarks
 * share. The hosts are real OpenSSH servers (scripts/testing/test-hosts) running the built agent
 * through a launcher (they share this machine's disk); the daemon is the built `npm run serve`.
 */
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { installLauncher } from './cli-process';
import { API } from '../../src/shared/api';
import { startDaemonProcess } from './daemon-process';
import type { DaemonProcess, DaemonProcessOptions } from './daemon-process';
import { startHfStandIn } from './hf-stand-in';
import type { HfStandIn, HfStandInOptions } from './hf-stand-in';
import { startTestHosts } from './test-hosts';
import type { TestHost, TestHostsOptions } from './test-hosts';
import { run } from './test-hosts/proc';

export interface PoolFixture {
  hosts: TestHost[];
  daemon: DaemonProcess;
  /** A world-readable temp dir: the hosts' login user runs the launcher from it. */
  dir: string;
  /** An agent dir holding a launcher of the built agent, usable by every host. */
  agentDir: string;
  /** The Hugging Face stand-in (when repos were given), reachable from the first host. */
  hf: HfStandIn | undefined;
  /**
   * Kills the daemon (SIGKILL, as a crash) and starts a new one on the same RBEES_HOME, which
   * `daemon` then is. The hosts, their agents and their workers are left as they are.
   */
  crashDaemon(): Promise<DaemonProcess>;
  /** Adds `host` to the daemon as `name` and trusts its key; resolves once it is online. */
  register(name: string, host: TestHost, agentDir?: string): Promise<void>;
  stop(): Promise<void>;
}

export interface PoolFixtureOptions {
  hosts?: TestHostsOptions;
  /** Repos for an HF stand-in; the daemon gets it as HF_ENDPOINT and passes it to the agents. */
  hfRepos?: HfStandInOptions['repos'];
  daemon?: DaemonProcessOptions;
}

export async function startPool(options: PoolFixtureOptions = {}): Promise<PoolFixture> {
  const testHosts = await startTestHosts(options.hosts ?? { count: 1 });
  let hf: HfStandIn | undefined;
  let daemon: DaemonProcess | undefined;
  const dir = await mkdtemp(join(tmpdir(), 'rbees-pool-'));
  // The fixture owns the daemon's home, so that a restarted daemon finds it as it was.
  const home = await mkdtemp(join(tmpdir(), 'rbees-home-'));
  const stop = async (): Promise<void> => {
    await daemon?.stop();
    await hf?.stop();
    await testHosts.stop();
    await rm(dir, { recursive: true, force: true });
    await rm(home, { recursive: true, force: true });
  };
  try {
    const [first] = testHosts.hosts;
    if (options.hfRepos) {
      // The hosts have no internet: the stand-in listens where they can reach this machine.
      hf = await startHfStandIn({ repos: options.hfRepos, listenHost: first?.gateway });
    }
    await run('chmod', ['755', dir]);
    const agentDir = join(dir, 'agent');
    await installLauncher(agentDir);
    const daemonOptions: DaemonProcessOptions = {
      ...options.daemon,
      home,
      env: {
        // No ssh-agent and an empty OpenSSH known_hosts: like a fresh machine.
        RBEES_SSH_KNOWN_HOSTS: join(dir, 'none'),
        SSH_AUTH_SOCK: '',
        ...(hf ? { HF_ENDPOINT: hf.url } : {}),
        ...options.daemon?.env,
      },
    };
    const started = await startDaemonProcess(daemonOptions);
    daemon = started;
    const fixture: PoolFixture = {
      hosts: testHosts.hosts,
      daemon: started,
      dir,
      agentDir,
      hf,
      async crashDaemon() {
        await daemon?.kill();
        daemon = await startDaemonProcess(daemonOptions);
        fixture.daemon = daemon;
        return daemon;
      },
      async register(name, host, hostAgentDir = agentDir) {
        const started = fixture.daemon;
        const added = await started.call('POST', API.hosts, {
          name,
          spec: `${host.user}@${host.address}:${host.port}`,
          identity_file: host.clientKeyPath,
          agent_dir: hostAgentDir,
        });
        if (added.status !== 201) throw new Error(`add ${name}: ${JSON.stringify(added.json)}`);
        const trusted = await started.call('POST', API.hostTrust(name), {
          fingerprint: host.hostKeyFingerprint,
        });
        if (trusted.json.state !== 'online') {
          throw new Error(`trust ${name}: ${JSON.stringify(trusted.json)}`);
        }
      },
      stop,
    };
    return fixture;
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Puts a model file in the host's models folder, owned by its user, as an upload leaves it. */
export async function putModelOnHost(host: TestHost, path: string, file = basename(path)) {
  const modelsDir = join(host.home, '.rbees', 'models');
  await mkdir(modelsDir, { recursive: true });
  await copyFile(path, join(modelsDir, file));
  await run('chown', ['-R', `${host.user}:`, join(host.home, '.rbees')]);
}
