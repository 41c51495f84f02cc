// Append-only writer of a campaign file. Each record is one `JSON + \n` written with a single
// write(2) on an O_APPEND descriptor and fsynced before append() returns: a crash or a dropped
// connection keeps every record already appended, and at worst tears the one being written (the
// reader ignores a torn last line; reopen() cuts it off before appending more).
import * as fs from 'fs';
import * as path from 'path';
import type { CampaignHeader, CampaignRecord } from './types';
import { recordSchemaError } from './validate';

export class RecordsWriteError extends Error {
  override name = 'RecordsWriteError';
}

function fsyncFolder(folder: string): void {
  // Makes the new directory entry durable (Linux/macOS); Windows cannot open folders: skip there.
  let fd: number | undefined;
  try {
    fd = fs.openSync(folder, 'r');
    fs.fsyncSync(fd);
  } catch {
    // best effort
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function writeFully(fd: number, data: Buffer): void {
  let offset = 0;
  while (offset < data.length) offset += fs.writeSync(fd, data, offset, data.length - offset);
}

export interface ReopenResult {
  writer: CampaignRecordWriter;
  /** Set when the file ended in a torn line: what was done about it. */
  repaired?: string;
}

export class CampaignRecordWriter {
  private fd: number | undefined;

  private constructor(
    readonly file: string,
    fd: number,
  ) {
    this.fd = fd;
  }

  /** Creates the file (never overwrites one) with its header line. */
  static create(file: string, header: CampaignHeader): CampaignRecordWriter {
    const problem = recordSchemaError(header);
    if (problem) throw new RecordsWriteError(`Refusing to write an invalid campaign header: ${problem}`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    let fd: number;
    try {
      fd = fs.openSync(file, 'wx');
    } catch (err) {
      throw new RecordsWriteError(`Cannot create the records file ${file}: ${(err as Error).message}`);
    }
    const writer = new CampaignRecordWriter(file, fd);
    writer.writeLine(header);
    fsyncFolder(path.dirname(file));
    return writer;
  }

  /** Opens an existing campaign file to append more records (resume). */
  static reopen(file: string): ReopenResult {
    let data: Buffer;
    try {
      data = fs.readFileSync(file);
    } catch (err) {
      throw new RecordsWriteError(`Cannot read the records file ${file}: ${(err as Error).message}`);
    }
    let repaired: string | undefined;
    const fd = fs.openSync(file, 'r+');
    try {
      if (data.length > 0 && data[data.length - 1] !== 0x0a) {
        const lastNewline = data.lastIndexOf(0x0a);
        const tail = data.subarray(lastNewline + 1).toString('utf8');
        if (isCompleteRecord(tail)) {
          // Cut exactly before its newline: the record itself is whole.
          fs.writeSync(fd, Buffer.from('\n'), 0, 1, data.length);
          repaired = 'added the missing newline after the last record';
        } else {
          fs.ftruncateSync(fd, lastNewline + 1);
          repaired = `removed a torn last line (${data.length - lastNewline - 1} bytes, a record cut off by a crash)`;
        }
        fs.fsyncSync(fd);
      }
    } finally {
      fs.closeSync(fd);
    }
    return { writer: new CampaignRecordWriter(file, fs.openSync(file, 'a')), repaired };
  }

  /** Appends one record and waits until it is on disk. */
  append(record: CampaignRecord): void {
    const problem = recordSchemaError(record);
    if (problem) throw new RecordsWriteError(`Refusing to write an invalid record: ${problem}`);
    this.writeLine(record);
  }

  close(): void {
    if (this.fd === undefined) return;
    fs.closeSync(this.fd);
    this.fd = undefined;
  }

  private writeLine(value: object): void {
    if (this.fd === undefined) throw new RecordsWriteError(`The records file ${this.file} is closed`);
    writeFully(this.fd, Buffer.from(JSON.stringify(value) + '\n', 'utf8'));
    fs.fsyncSync(this.fd);
  }
}

function isCompleteRecord(line: string): boolean {
  try {
    return recordSchemaError(JSON.parse(line)) === undefined;
  } catch {
    return false;
  }
}
