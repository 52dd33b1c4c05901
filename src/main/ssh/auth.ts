import { readFile } from 'node:fs/promises';
// ssh2 is CommonJS whose named exports Node's ESM loader cannot detect: use the default export.
import ssh2 from 'ssh2';
import type { AnyAuthMethod } from 'ssh2';
import { RbeesError } from '../../shared/errors';

/** Who logs in, and with what: ssh-agent and/or key files. Never passwords. */
export interface AuthOptions {
  name: string;
  hostname: string;
  user: string;
  identityFiles?: readonly string[];
  /** The agent socket; undefined uses `SSH_AUTH_SOCK`, false disables the agent. */
  agent?: string | false;
}

/** The methods to try, in order, and what was skipped (for the failure message). */
export interface AuthPlan {
  methods: AnyAuthMethod[];
  tried: string[];
  /** Key files that need a passphrase: usable only through the agent. */
  encrypted: string[];
}

function isEncryptedError(err: Error): boolean {
  return /encrypted|passphrase/i.test(err.message);
}

/** Reads the identity files now (they may change between reconnects). */
export async function planAuth(opts: AuthOptions, env = process.env): Promise<AuthPlan> {
  const plan: AuthPlan = { methods: [], tried: [], encrypted: [] };
  const agent = opts.agent === undefined ? env.SSH_AUTH_SOCK : opts.agent;
  if (agent) {
    plan.methods.push({ type: 'agent', username: opts.user, agent });
    plan.tried.push('ssh-agent');
  }
  for (const file of opts.identityFiles ?? []) {
    let data: Buffer;
    try {
      data = await readFile(file);
    } catch {
      continue; // `ssh -G` lists the default key paths whether or not they exist.
    }
    const parsed = ssh2.utils.parseKey(data);
    if (parsed instanceof Error) {
      if (isEncryptedError(parsed)) plan.encrypted.push(file);
      continue;
    }
    plan.methods.push({ type: 'publickey', username: opts.user, key: data });
    plan.tried.push(file);
  }
  if (plan.methods.length === 0) throw authFailure(opts, plan);
  return plan;
}

/** SSH_AUTH_FAILED naming what was tried and the fix. */
export function authFailure(opts: AuthOptions, plan: AuthPlan): RbeesError {
  const who = `${opts.user}@${opts.hostname}`;
  const hint =
    plan.encrypted.length > 0
      ? ` ${plan.encrypted.join(', ')} ${plan.encrypted.length > 1 ? 'are' : 'is'} ` +
        'passphrase-protected and rbees never asks for passphrases: start ssh-agent and run ' +
        `\`ssh-add ${plan.encrypted[0]}\`.`
      : '';
  const message =
    plan.tried.length === 0
      ? `${opts.name}: no SSH key to log in as ${who} (no ssh-agent, no readable identity file).${hint}`
      : `${opts.name}: ${who} refused our keys (tried ${plan.tried.join(', ')}); add your public ` +
        `key to ~/.ssh/authorized_keys on the host.${hint}`;
  return new RbeesError('SSH_AUTH_FAILED', message, {
    host: opts.hostname,
    user: opts.user,
    tried: plan.tried,
    ...(plan.encrypted.length > 0 ? { passphrase_protected: plan.encrypted } : {}),
  });
}
