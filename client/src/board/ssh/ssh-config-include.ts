// Loads an OpenSSH client config with `Include` expanded. The `ssh-config` package parses the
// directive but does not follow it, so included files are parsed and spliced in here.
import * as fs from 'fs';
import * as path from 'path';
import SSHConfig, { LineType, type Line, type Section } from 'ssh-config';

/** OpenSSH's READCONF_MAX_DEPTH. */
const MAX_INCLUDE_DEPTH = 16;

export interface LoadedSshConfig {
  config: SSHConfig;
  /** Every file read, in order (the root first). */
  files: string[];
  warnings: string[];
}

/** `~` and `~/x` to the home folder (OpenSSH does not expand `~user` in Include either). */
export function expandTilde(p: string, homeDir: string): string {
  if (p === '~') return homeDir;
  if (p.startsWith('~/')) return path.join(homeDir, p.slice(2));
  return p;
}

function hasGlob(segment: string): boolean {
  return /[*?[]/.test(segment);
}

function segmentRegExp(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = segment.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        let cls = segment.slice(i + 1, end);
        if (cls.startsWith('!')) cls = '^' + cls.slice(1);
        re += `[${cls.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * Expands a shell glob over the file system, segment by segment, sorted like glob(3).
 * Hidden entries are matched only by patterns that start with a dot.
 */
export function expandFileGlob(absPattern: string): string[] {
  const root = path.parse(absPattern).root;
  const segments = absPattern
    .slice(root.length)
    .split(/[\\/]+/)
    .filter((s) => s !== '');
  let current = [root];
  for (const segment of segments) {
    const next: string[] = [];
    for (const dir of current) {
      if (!hasGlob(segment)) {
        next.push(path.join(dir, segment));
        continue;
      }
      let names: string[];
      try {
        names = fs.readdirSync(dir);
      } catch {
        continue;
      }
      const re = segmentRegExp(segment);
      for (const name of names.sort()) {
        if (name.startsWith('.') && !segment.startsWith('.')) continue;
        if (re.test(name)) next.push(path.join(dir, name));
      }
    }
    current = next;
  }
  return current.filter((p) => fs.existsSync(p) && fs.statSync(p).isFile());
}

function directiveValues(line: Line): string[] {
  if (line.type !== LineType.DIRECTIVE) return [];
  return Array.isArray(line.value) ? line.value.map((v) => v.val) : line.value.split(/\s+/).filter((v) => v !== '');
}

function isSection(line: Line): line is Section {
  return line.type === LineType.DIRECTIVE && 'config' in line && /^(host|match)$/i.test(line.param);
}

/**
 * Reads `configPath` with every Include followed. Relative Include paths are taken from the root
 * config's folder (OpenSSH uses ~/.ssh for user configs: the same folder for the default path).
 * Missing files are ignored as OpenSSH does; a missing root config yields an empty config.
 */
export function loadSshConfig(configPath: string, homeDir: string): LoadedSshConfig {
  const files: string[] = [];
  const warnings: string[] = [];
  const baseDir = path.dirname(configPath);

  const parseFile = (file: string): SSHConfig | undefined => {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new Error(`Cannot read SSH config ${file}: ${(err as Error).message}`, { cause: err });
    }
    files.push(file);
    try {
      return SSHConfig.parse(text);
    } catch (err) {
      throw new Error(`Cannot parse SSH config ${file}: ${(err as Error).message}`, { cause: err });
    }
  };

  const includedFiles = (line: Line): string[] => {
    const out: string[] = [];
    for (const value of directiveValues(line)) {
      let p = expandTilde(value, homeDir);
      if (!path.isAbsolute(p)) p = path.join(baseDir, p);
      out.push(...expandFileGlob(p));
    }
    return out;
  };

  // Returns the lines of `lines` with Includes replaced by the included files' lines.
  const expand = (lines: Line[], depth: number, insideSection: boolean, from: string): Line[] => {
    const out: Line[] = [];
    for (const line of lines) {
      if (line.type === LineType.DIRECTIVE && /^include$/i.test(line.param)) {
        if (depth >= MAX_INCLUDE_DEPTH)
          throw new Error(`SSH config Include nested too deeply (over ${MAX_INCLUDE_DEPTH} levels) in ${from}`);
        for (const file of includedFiles(line)) {
          const included = parseFile(file);
          if (!included) continue;
          const expanded = expand([...included], depth + 1, insideSection, file);
          if (!insideSection) {
            out.push(...expanded);
            continue;
          }
          // Inside a Host block only plain directives can be represented in the flat model.
          for (const l of expanded) {
            if (isSection(l)) {
              warnings.push(`${file}: a Host/Match block included from inside a Host/Match block is ignored`);
              break;
            }
            out.push(l);
          }
        }
        continue;
      }
      if (isSection(line)) {
        const inner = expand([...line.config], depth, true, from);
        line.config.splice(0, line.config.length, ...inner);
      }
      out.push(line);
    }
    return out;
  };

  const root = parseFile(configPath);
  const config = SSHConfig.parse('');
  if (root) config.push(...expand([...root], 0, false, configPath));
  return { config, files, warnings };
}
