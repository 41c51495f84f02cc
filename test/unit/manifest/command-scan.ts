// Finds the command ids the extension registers by reading client/src: each `registerCommand(...)`
// call's first argument, resolved when it is a string, an exported constant or a member of a constant
// object (`CAMPAIGN_COMMANDS.profileOnTarget`). The extension modules import `vscode`, so the test
// reads them instead of loading them.
import * as fs from 'fs';
import * as path from 'path';

export interface RegisteredCommand {
  id: string;
  /** `client/src/...:line` of the registerCommand call. */
  where: string;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

/** `export const NAME = 'energyLens.x'` and the string members of `export const NAME = { key: 'energyLens.x' }`. */
function commandConstants(texts: string[]): Map<string, string> {
  const constants = new Map<string, string>();
  for (const text of texts) {
    for (const m of text.matchAll(/const\s+([A-Za-z_$][\w$]*)\s*=\s*'(energyLens\.[\w.]+)'/g)) constants.set(m[1], m[2]);
    for (const m of text.matchAll(/const\s+([A-Za-z_$][\w$]*)\s*=\s*\{([^}]*)\}/g)) {
      for (const member of m[2].matchAll(/([A-Za-z_$][\w$]*)\s*:\s*'(energyLens\.[\w.]+)'/g))
        constants.set(`${m[1]}.${member[1]}`, member[2]);
    }
  }
  return constants;
}

/** Every registered command; throws naming the call site when an argument cannot be resolved. */
export function registeredCommands(clientSrc: string, repoRoot: string): RegisteredCommand[] {
  const files = sourceFiles(clientSrc).map((file) => ({ file, text: fs.readFileSync(file, 'utf8') }));
  const constants = commandConstants(files.map((f) => f.text));
  const found: RegisteredCommand[] = [];
  for (const { file, text } of files) {
    const lineOf = (index: number | undefined) => `${path.relative(repoRoot, file)}:${text.slice(0, index).split('\n').length}`;
    // The lazy seam (client/src/extension.ts) registers through a helper, `lazyCommand(ID, ...)`, and
    // a whole ids object at once, `for (const id of Object.values(IDS)) lazyCommand(id, ...)`.
    for (const m of text.matchAll(/for \(const (\w+) of Object\.values\((\w+)\)\) lazyCommand\(\1,/g)) {
      const members = [...constants].filter(([name]) => name.startsWith(`${m[2]}.`));
      if (members.length === 0) throw new Error(`${lineOf(m.index)}: cannot tell which commands ${m[2]} holds`);
      for (const [, id] of members) found.push({ id, where: lineOf(m.index) });
    }
    for (const m of text.matchAll(/(register(?:TextEditor)?Command|lazyCommand)\(\s*([^,)]+?)\s*,/g)) {
      const where = lineOf(m.index);
      const arg = m[2];
      const lineStart = text.lastIndexOf('\n', m.index) + 1;
      if (/^\s*(\/\/|\*)/.test(text.slice(lineStart, m.index))) continue; // a comment, not a call
      // The helper's own body and the ids-object loop (above) pass a variable through.
      if (arg === 'id' && (m[1] !== 'lazyCommand' || /Object\.values/.test(text.slice(Math.max(0, m.index! - 80), m.index)))) continue;
      const literal = /^'([^']+)'$/.exec(arg)?.[1];
      const id = literal ?? constants.get(arg);
      if (!id) throw new Error(`${where}: cannot tell which command ${arg} is (use a string or a constant)`);
      found.push({ id, where });
    }
  }
  return found;
}
