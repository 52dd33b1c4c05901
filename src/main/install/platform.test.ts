import { describe, expect, it } from 'vitest';
import { isBinaryPackageFor, packageRunsOn, platformFromUname } from './platform';
import { parseProbe, checkNode } from './remote';

describe('platforms', () => {
  it('maps uname -sm', () => {
    expect(platformFromUname('Linux x86_64\n', 'h')).toBe('linux-x64');
    expect(platformFromUname('Linux aarch64', 'h')).toBe('linux-arm64');
    expect(platformFromUname('Darwin arm64', 'h')).toBe('mac-arm64');
    expect(platformFromUname('Darwin x86_64', 'h')).toBe('mac-x64');
    expect(() => platformFromUname('FreeBSD amd64', 'gpu1')).toThrow(/gpu1: unsupported platform/);
  });

  it("follows npm's os/cpu rules, negations included", () => {
    expect(packageRunsOn({ os: ['darwin'] }, 'mac-arm64')).toBe(true);
    expect(packageRunsOn({ os: ['darwin'] }, 'linux-x64')).toBe(false);
    expect(packageRunsOn({ os: ['!win32'], cpu: ['arm'] }, 'linux-armv7l')).toBe(true);
    expect(packageRunsOn({ os: ['!linux'] }, 'linux-x64')).toBe(false);
    expect(packageRunsOn({}, 'linux-x64')).toBe(true);
  });

  it('matches node-llama-cpp binaries by name', () => {
    expect(isBinaryPackageFor('@node-llama-cpp/linux-x64-cuda', 'linux-x64')).toBe(true);
    expect(isBinaryPackageFor('@node-llama-cpp/linux-x64', 'linux-x64')).toBe(true);
    expect(isBinaryPackageFor('@node-llama-cpp/mac-arm64-metal', 'mac-arm64')).toBe(true);
    expect(isBinaryPackageFor('@node-llama-cpp/linux-arm64', 'linux-x64')).toBe(false);
    expect(isBinaryPackageFor('@other/linux-x64', 'linux-x64')).toBe(false);
  });
});

describe('probe', () => {
  it('parses the probe and checks node', () => {
    const p = parseProbe('uname=Linux x86_64\nnode=v20.1.0\ninstalled=\nfree_kb=1024\n');
    expect(p).toEqual({
      uname: 'Linux x86_64',
      node: 'v20.1.0',
      freeBytes: 1048576,
      installed: null,
      notOwned: [],
    });
    expect(() => checkNode('h', p.node)).not.toThrow();
    expect(() => checkNode('gpu1', 'v18.19.0')).toThrow(/gpu1: node v18.19.0 is too old/);
    expect(() => checkNode('gpu1', null)).toThrow(/gpu1: no `node` found/);
  });
});
