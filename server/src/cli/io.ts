// Every CLI command is `run(args, io) => exit code`, so tests call commands in-process and read output.
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Working directory that relative paths resolve against. */
  cwd: string;
  /** stderr is an interactive terminal (progress bars redraw in place); false or unset otherwise. */
  stderrIsTTY?: boolean;
}

export type CliCommand = (args: string[], io: CliIo) => Promise<number>;
