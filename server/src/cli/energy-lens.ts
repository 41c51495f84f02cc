// `energy-lens`: the command-line face of the same modules the language server uses.
import { COMMANDS, HELP, usage, wantsHelp } from './commands';

// A closed pipe (`energy-lens analyze x | head`) is a normal end, not a crash.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const io = {
    stdout: (text: string) => process.stdout.write(text),
    stderr: (text: string) => process.stderr.write(text),
    cwd: process.cwd(),
    stderrIsTTY: process.stderr.isTTY === true,
  };
  const command = name ? COMMANDS[name] : undefined;
  if (name === 'help' || !command) {
    io.stderr(
      name && name !== '--help' && name !== '-h' && name !== 'help' ? `energy-lens: unknown command '${name}'\n\n${usage()}` : usage(),
    );
    process.exitCode = name === '--help' || name === '-h' || name === 'help' ? 0 : 2;
    return;
  }
  if (wantsHelp(args)) {
    io.stdout(`${HELP[name] ?? usage()}\n`);
    process.exitCode = 0;
    return;
  }
  try {
    process.exitCode = await command(args, io);
  } catch (error) {
    io.stderr(`energy-lens ${name}: ${(error as Error)?.message ?? String(error)}\n`);
    process.exitCode = 1;
  }
}

void main();
