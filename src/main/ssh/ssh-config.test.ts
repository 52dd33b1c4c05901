import { describe, expect, it } from 'vitest';
import { listAliases, parseSshConfig, parseSshG, parseTarget, resolveHost } from './ssh-config';

describe('ssh config', () => {
  it('parses user@host[:port] targets', () => {
    expect(parseTarget('mac')).toEqual({ host: 'mac' });
    expect(parseTarget('bob@gpu1:2222')).toEqual({ user: 'bob', host: 'gpu1', port: 2222 });
    expect(parseTarget('gpu1:2222')).toEqual({ host: 'gpu1', port: 2222 });
    expect(parseTarget('bob@[fe80::1]:22')).toEqual({ user: 'bob', host: 'fe80::1', port: 22 });
    expect(() => parseTarget('gpu1:70000')).toThrow(/out of range/);
  });

  it('reads ssh -G output', () => {
    const out = [
      'user ann',
      'hostname 10.0.0.7',
      'port 2200',
      'identityfile ~/.ssh/id_ed25519',
      'identityfile /keys/lab',
      'proxyjump bastion',
    ].join('\n');
    expect(parseSshG('lab', out, '/home/ann')).toEqual({
      alias: 'lab',
      hostname: '10.0.0.7',
      user: 'ann',
      port: 2200,
      identityFiles: ['/home/ann/.ssh/id_ed25519', '/keys/lab'],
      proxyJump: 'bastion',
      source: 'ssh -G',
    });
  });

  it('falls back to a minimal ~/.ssh/config reader', () => {
    const config = [
      'Host lab gpu-*',
      '  HostName %h.home.arpa',
      '  User ann',
      '  IdentityFile ~/.ssh/lab_key',
      'Host *',
      '  Port 2222',
      '  User nobody',
      '  ProxyJump none',
    ].join('\n');
    const lab = parseSshConfig('gpu-1', config, '/home/ann');
    expect(lab).toMatchObject({
      hostname: 'gpu-1.home.arpa',
      user: 'ann',
      port: 2222,
      identityFiles: ['/home/ann/.ssh/lab_key'],
      proxyJump: null,
    });
    const other = parseSshConfig('mac', config, '/home/ann');
    expect(other).toMatchObject({ hostname: 'mac', user: 'nobody', port: 2222 });
    expect(other.identityFiles).toContain('/home/ann/.ssh/id_ed25519');
  });

  it('asks ssh -G with the target user and port, and uses the config without ssh', async () => {
    let asked: readonly string[] = [];
    const viaSsh = await resolveHost('bob@lab:2022', {
      sshG: (args) => {
        asked = args;
        return Promise.resolve('hostname 10.0.0.9\nuser bob\nport 2022\n');
      },
    });
    expect(asked).toEqual(['-l', 'bob', '-p', '2022', '--', 'lab']);
    expect(viaSsh).toMatchObject({
      hostname: '10.0.0.9',
      user: 'bob',
      port: 2022,
      source: 'ssh -G',
    });
    const noSsh = await resolveHost('lab', {
      sshG: () => Promise.resolve(null),
      configPath: '/nonexistent/config',
      home: '/home/x',
    });
    expect(noSsh).toMatchObject({ hostname: 'lab', port: 22, source: 'ssh_config' });
  });

  it('resolves with the real ssh -G when it exists', async () => {
    const real = await resolveHost('someone@example.invalid:2345');
    expect(real).toMatchObject({ hostname: 'example.invalid', user: 'someone', port: 2345 });
  });
});

describe('listAliases', () => {
  it('lists the plain aliases of Host lines, not patterns', () => {
    const text =
      'Host mac workstation\n  HostName 10.0.0.2\nHost *.lab !bad\nhost=gpu1\n# Host commented\n';
    expect(listAliases(text)).toEqual(['mac', 'workstation', 'gpu1']);
  });
});
