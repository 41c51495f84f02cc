// The network's identity in the records: a SHA-256 of its text. Writer (campaign runner, reading the
// file) and reader (server, hashing the open document) must agree, so both call this one function.
// A byte-order mark and the line-ending style are not part of the network: a file converted from
// CRLF to LF, or an editor buffer with CRLF, hashes the same.
import { createHash } from 'crypto';

export function networkTextSha256(text: string): string {
  const normalized = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).replace(/\r\n?/g, '\n');
  return createHash('sha256').update(normalized, 'utf8').digest('hex');
}

/** Lower-case hex SHA-256 of raw bytes (weights files, the agent). */
export function bytesSha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
