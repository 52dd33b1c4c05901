/** SSH to pool hosts: one persistent session per host, host key policy, streamed execs. */
export { SshSession } from './session';
export type {
  SessionDeps,
  SessionState,
  SessionStatus,
  SshHostOptions,
  SshTimings,
} from './session';
export type { ExecOptions, ExitStatus, OutputLine, RemoteProcess } from './exec';
export { LineQueue, LineSplitter } from './line-queue';
export { poolCommand, quoteDir, shellJoin, shellQuote } from './shell-quote';
export { listAliases, resolveHost, parseTarget } from './ssh-config';
export type { ResolvedHost } from './ssh-config';
export {
  appendKnownHost,
  fingerprint,
  parseKnownHosts,
  lookupKnownHosts,
  readKnownHosts,
} from './known-hosts';
export type { KnownHostsEntry, KnownHostsLookup, KnownKey } from './known-hosts';
export { checkHostKey, hostKeyAlgorithms } from './host-key';
export { uploadFile } from './sftp-upload';
export type { UploadProgress } from './sftp-io';
export type { UploadRequest, UploadResult, UploadSource } from './sftp-upload';
export { forwardRequest, openLocalTunnel, SshTunnelAgent, tunnelAgent } from './tunnel';
export type { LocalTunnel, TunnelRequest } from './tunnel';
