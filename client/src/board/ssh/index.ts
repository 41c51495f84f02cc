// The SSH board link's public surface (no `vscode` import anywhere below this folder).
export { BoardConnection, type ConnectOptions } from './board-connection';
export { BoardConnectionError, type BoardErrorCode } from './errors';
export type { ExecOptions, ExecResult } from './remote-exec';
export type { TransferMethod, UploadOptions, UploadResult } from './remote-files';
export { buildCommand, isValidEnvName, shellQuote } from './shell-quote';
export { resolveTarget, parseJumpSpec, SshConfigError, type ResolveOptions } from './ssh-config-resolve';
export { loadSshConfig, expandFileGlob } from './ssh-config-include';
export {
  appendKnownHostAtomically,
  checkHostKey,
  fingerprintSha256,
  formatKnownHostsLine,
  hashHostName,
  knownHostsName,
  parseKnownHosts,
  readKnownHostsFile,
  type HostKeyVerdict,
  type KnownHostEntry,
} from './known-hosts';
export { passphraseSecretKey, passwordSecretKey } from './auth-handler';
export type * from './types';
