// The agent runs on a Jetson TX1 (Ubuntu 16.04, Python 3.5): its syntax and library use must stay 3.5-compatible.
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { REPO } from './helpers';

const AGENT = path.join(REPO, 'client', 'board', 'agent', 'energy_lens_agent.py');

describe('board agent: Python 3.5 compatibility', () => {
  it('parses with ast feature_version=(3, 5)', () => {
    const out = execFileSync('python3', [
      '-c',
      'import ast, sys; ast.parse(open(sys.argv[1]).read(), feature_version=(3, 5)); print("ok")',
      AGENT,
    ]).toString();
    assert.equal(out.trim(), 'ok');
  });

  it('the check rejects 3.6+ syntax (so it can fail)', () => {
    const out = execFileSync('python3', [
      '-c',
      [
        'import ast',
        'def ok(src):',
        '    try:',
        '        ast.parse(src, feature_version=(3, 5))',
        '        return True',
        '    except SyntaxError:',
        '        return False',
        'print([ok("x = 1"), ok("x: int = 1"), ok(\'y = f"{x}"\'), ok("n = 1_000")])',
      ].join('\n'),
    ]).toString();
    assert.equal(out.trim(), '[True, False, False, False]');
  });

  it('uses no library feature newer than 3.5 and only the standard library', () => {
    const src = fs.readFileSync(AGENT, 'utf8');
    const code = src
      .split('\n')
      .filter((l) => !l.trim().startsWith('#'))
      .join('\n');
    const forbidden: Array<[RegExp, string]> = [
      [/\bf'|\bf"/, 'f-strings'],
      [/subprocess\.run\(/, 'subprocess.run (3.5 has it, but capture_output/text are 3.7)'],
      [/capture_output|text=True|encoding=/, 'Popen/run arguments newer than 3.5'],
      [/\bdataclass/, 'dataclasses (3.7)'],
      [/_ns\(/, 'time.*_ns (3.7)'],
      [/from __future__ import annotations/, 'postponed annotations (3.7)'],
      [/\bimport (numpy|yaml|requests|psutil)\b/, 'third-party modules'],
      [/breakpoint\(|math\.prod|statistics\.fmean|\.removeprefix\(|:=/, 'newer builtins or syntax'],
      [/json\.JSONDecodeError/, 'prefer ValueError (portable)'],
    ];
    for (const [re, what] of forbidden) assert.ok(!re.test(code), `agent uses ${what}`);
    const imports = [...src.matchAll(/^(?:import|from) ([a-z_.]+)/gm)].map((m) => m[1].split('.')[0]);
    const stdlib = new Set([
      'argparse',
      'collections',
      'glob',
      'json',
      'math',
      'os',
      're',
      'select',
      'shutil',
      'signal',
      'subprocess',
      'sys',
      'tempfile',
      'threading',
      'time',
      'traceback',
      'caffe',
    ]);
    for (const m of imports) assert.ok(stdlib.has(m), `unexpected import ${m}`);
  });
});
