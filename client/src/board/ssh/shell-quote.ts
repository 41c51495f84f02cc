// POSIX shell quoting for commands sent to a board. The remote side always runs the string through
// a shell (sshd hands exec requests to the login shell), so every argument and env value is quoted.

// No `=` (a leading `A=b` word would become an assignment) and no `~` (tilde expansion).
const SAFE_WORD = /^[A-Za-z0-9_@%+:,./-]+$/;
const RESERVED_WORDS = new Set([
  '!',
  '{',
  '}',
  'case',
  'do',
  'done',
  'elif',
  'else',
  'esac',
  'fi',
  'for',
  'if',
  'in',
  'then',
  'until',
  'while',
]);
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Quotes one argument so a POSIX shell reads it back as exactly that string.
 * Single quotes protect everything; an embedded `'` becomes `'\''`. NUL cannot be passed through
 * a shell at all, so it is refused rather than silently truncated.
 */
export function shellQuote(arg: string): string {
  if (typeof arg !== 'string') throw new TypeError(`shellQuote expects a string, got ${typeof arg}`);
  if (arg.includes('\0')) throw new Error('A shell argument cannot contain a NUL character');
  if (arg !== '' && SAFE_WORD.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** True when `name` is a valid POSIX environment variable name. */
export function isValidEnvName(name: string): boolean {
  return ENV_NAME.test(name);
}

/**
 * Builds `NAME='v' ... 'arg0' 'arg1' ...` from an argv and optional environment.
 * Env vars are put inline before the command because sshd only passes `env` requests that its
 * `AcceptEnv` allows (usually just LANG/LC_*).
 */
export function buildCommand(argv: readonly string[], env: Readonly<Record<string, string>> = {}): string {
  if (!Array.isArray(argv) || argv.length === 0) throw new Error('buildCommand needs at least the program name');
  const assignments = Object.entries(env).map(([name, value]) => {
    if (!isValidEnvName(name)) throw new Error(`Invalid environment variable name: ${JSON.stringify(name)}`);
    return `${name}=${shellQuote(String(value))}`;
  });
  // A reserved word in command position would be parsed as syntax, so the program name is quoted then.
  const words = argv.map((a, i) => (i === 0 && RESERVED_WORDS.has(a) ? `'${a}'` : shellQuote(a)));
  // `env` is not needed: assignments before a simple command apply to it alone.
  return [...assignments, ...words].join(' ');
}
