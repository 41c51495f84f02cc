// Splits an sh command line into simple commands joined by ; && ||, with words unquoted the way
// sh does ('…' literal, "…" with \ and $ expansion, \ outside quotes) and redirections taken out.
// Enough of sh for what a host tool sends to a phone; anything else is refused with a message.

export type Connector = ';' | '&&' | '||';

export interface Redirect {
  fd: 1 | 2 | 0;
  /** `>` truncate, `>>` append, `<` read, `>&` duplicate onto `target` (a descriptor number). */
  op: '>' | '>>' | '<' | '>&';
  target: Word;
}

/** A word as written: literal text and variables, expanded only when its command runs ($? changes). */
export type WordPart = { text: string } | { variable: string };
export type Word = WordPart[];

export interface SimpleCommand {
  words: Word[];
  redirects: Redirect[];
  /** How this command joins the previous one (the first has ';'). */
  connector: Connector;
}

export class ShellSyntaxError extends Error {}

/** Reads $NAME, ${NAME} or $? at `i` (a lone `$` is literal). */
function readVar(line: string, i: number): { part: WordPart; next: number } {
  const rest = line.slice(i + 1);
  let m = /^\?|^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
  if (m) return { part: { variable: m[0] }, next: i + 1 + m[0].length };
  m = /^\{([A-Za-z_][A-Za-z0-9_]*|\?)\}/.exec(rest);
  if (m) return { part: { variable: m[1] }, next: i + 1 + m[0].length };
  return { part: { text: '$' }, next: i + 1 };
}

/** The word's text with variables from `vars` (unset expands to ''). */
export function expandWord(word: Word, vars: (name: string) => string): string {
  return word.map((p) => ('text' in p ? p.text : vars(p.variable))).join('');
}

export function parseCommandLine(line: string): SimpleCommand[] {
  const commands: SimpleCommand[] = [];
  let current: SimpleCommand = { words: [], redirects: [], connector: ';' };
  let word: Word = [];
  let inWord = false;
  const add = (text: string) => {
    const last = word[word.length - 1];
    if (last && 'text' in last) last.text += text;
    else word.push({ text });
  };
  const isLiteral = (w: Word, s: string) => w.length === 1 && 'text' in w[0] && w[0].text === s;
  let pendingRedirect: { fd: 0 | 1 | 2; op: Redirect['op'] } | undefined;

  const endWord = () => {
    if (!inWord) return;
    if (pendingRedirect) {
      current.redirects.push({ ...pendingRedirect, target: word });
      pendingRedirect = undefined;
    } else {
      current.words.push(word);
    }
    word = [];
    inWord = false;
  };
  const endCommand = (connector: Connector) => {
    endWord();
    if (pendingRedirect) throw new ShellSyntaxError('syntax error: redirection without a target');
    if (current.words.length === 0) {
      if (current.connector !== ';' || current.redirects.length) throw new ShellSyntaxError(`syntax error: '${connector}' unexpected`);
    } else {
      commands.push(current);
    }
    current = { words: [], redirects: [], connector };
  };

  for (let i = 0; i < line.length;) {
    const c = line[i];
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new ShellSyntaxError('syntax error: unterminated quoted string');
      add(line.slice(i + 1, end));
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      inWord = true;
      i++;
      for (;;) {
        if (i >= line.length) throw new ShellSyntaxError('syntax error: unterminated quoted string');
        const d = line[i];
        if (d === '"') {
          i++;
          break;
        }
        if (d === '\\' && i + 1 < line.length && '"\\$`\n'.includes(line[i + 1])) {
          add(line[i + 1]);
          i += 2;
          continue;
        }
        if (d === '$') {
          const v = readVar(line, i);
          word.push(v.part);
          i = v.next;
          continue;
        }
        if (d === '`') throw new ShellSyntaxError('command substitution is not supported by the emulated shell');
        add(d);
        i++;
      }
    } else if (c === '\\') {
      if (i + 1 < line.length && line[i + 1] !== '\n') {
        add(line[i + 1]);
        inWord = true;
      }
      i += 2;
    } else if (c === '$') {
      if (line[i + 1] === '(') throw new ShellSyntaxError('command substitution is not supported by the emulated shell');
      const v = readVar(line, i);
      word.push(v.part);
      inWord = true;
      i = v.next;
    } else if (c === ' ' || c === '\t') {
      endWord();
      i++;
    } else if (c === '\n' || c === ';') {
      endCommand(';');
      i++;
    } else if (c === '&' && line[i + 1] === '&') {
      endCommand('&&');
      i += 2;
    } else if (c === '|' && line[i + 1] === '|') {
      endCommand('||');
      i += 2;
    } else if (c === '|' || c === '&' || c === '(' || c === ')' || c === '`') {
      throw new ShellSyntaxError(`'${c}' is not supported by the emulated shell`);
    } else if (c === '>' || c === '<') {
      // A bare 1 or 2 right before the operator names the descriptor.
      let fd: 0 | 1 | 2 = c === '<' ? 0 : 1;
      if (inWord && (isLiteral(word, '1') || isLiteral(word, '2'))) {
        fd = isLiteral(word, '2') ? 2 : 1;
        word = [];
        inWord = false;
      }
      endWord();
      if (pendingRedirect) throw new ShellSyntaxError('syntax error: redirection without a target');
      let op: Redirect['op'] = c === '<' ? '<' : '>';
      i++;
      if (c === '>' && line[i] === '>') {
        op = '>>';
        i++;
      } else if (c === '>' && line[i] === '&') {
        op = '>&';
        i++;
      }
      pendingRedirect = { fd, op };
    } else if (c === '#' && !inWord) {
      break;
    } else {
      add(c);
      inWord = true;
      i++;
    }
  }
  endCommand(';');
  return commands;
}
