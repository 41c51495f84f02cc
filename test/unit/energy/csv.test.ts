// CSV import: comments, quoting, named columns, renames, and every unusable row reported by line.
import { strict as assert } from 'assert';
import { importCsv, splitCsvLine } from '../../../server/src/energy/fit/csv';
import { FitError } from '../../../server/src/energy/fit/dataset';

const TEXT = [
  '# measured on a test board',
  'net,layer,type,macs,c_in,energy_mJ',
  'alexnet,conv1,Convolution,105415200,3,180.5',
  'alexnet,pool1,Pooling,0,96,12',
  '',
  'alexnet,conv2,Convolution,not-a-number,96,220',
  'alexnet,conv3,Convolution,149520384,256',
  '"vgg, small",conv1,Convolution,2000000,3,7.5',
  'vgg,conv2,Convolution,3000000,64,0',
  'vgg,conv3,,3000000,64,4',
  'vgg,conv4,Convolution,3000000,64,',
].join('\n');

describe('energy fit: CSV import', () => {
  it('imports good rows with named columns and reports each bad row with its line and reason', () => {
    const { dataset, badRows } = importCsv(TEXT, {
      file: 'runs.csv',
      target: 'energy_mJ',
      features: [{ column: 'macs' }, { column: 'c_in', name: 'channelsIn' }],
      typeColumn: 'type',
      groupColumn: 'net',
    });
    assert.deepEqual(dataset.features, ['macs', 'channelsIn']);
    assert.deepEqual(
      dataset.rows.map((r) => [r.group, r.type, r.values, r.target, r.source!.line]),
      [
        ['alexnet', 'Convolution', [105415200, 3], 180.5, 3],
        ['alexnet', 'Pooling', [0, 96], 12, 4],
        ['vgg, small', 'Convolution', [2000000, 3], 7.5, 8],
      ],
    );
    assert.deepEqual(
      badRows.map((b) => [b.line, b.message]),
      [
        [6, "feature 'macs' is 'not-a-number', not a number"],
        [7, 'has 5 fields, the header (line 2) has 6'],
        [9, "target 'energy_mJ' is 0: energy must be > 0"],
        [10, "type column 'type' is empty"],
        [11, "target 'energy_mJ' is empty"],
      ],
    );
    assert.ok(badRows.every((b) => b.file === 'runs.csv'));
    assert.equal(dataset.rows.length + badRows.length, 8, 'every data line is either used or reported');
  });

  it('gives every row the default type when there is no type column', () => {
    const { dataset } = importCsv('macs,e\n10,1\n20,2\n', {
      file: 'x.csv',
      target: 'e',
      features: [{ column: 'macs' }],
      defaultType: 'InnerProduct',
    });
    assert.deepEqual(
      dataset.rows.map((r) => r.type),
      ['InnerProduct', 'InnerProduct'],
    );
  });

  it('names the missing column and lists the ones there are', () => {
    assert.throws(
      () => importCsv('a,b\n1,2\n', { file: 'x.csv', target: 'energy', features: [{ column: 'a' }] }),
      (e: unknown) => e instanceof FitError && /x\.csv: no target column 'energy' \(columns: a, b\)/.test(e.message),
    );
    assert.throws(
      () => importCsv('# only comments\n', { file: 'y.csv', target: 'e', features: [{ column: 'a' }] }),
      /y\.csv: no header row/,
    );
    assert.throws(
      () => importCsv('a b,e\n1,2\n', { file: 'z.csv', target: 'e', features: [{ column: 'a b' }] }),
      /'a b' cannot be a feature name/,
    );
  });

  it('splits quoted fields with escaped quotes and reports unterminated ones', () => {
    assert.deepEqual(splitCsvLine('a,"b,c","d ""e""",f'), ['a', 'b,c', 'd "e"', 'f']);
    assert.deepEqual(splitCsvLine('1,,3'), ['1', '', '3']);
    assert.deepEqual(splitCsvLine('"open,2'), { error: 'unterminated quoted field' });
  });

  it('reads the shared TX2 sweep header and comment line as they are', function () {
    const text =
      '# source: somewhere (no LICENSE file)\nwh_in,c_in,k,c_out,h_out,macs,latency_ms,power_w,energy_mJ\n11,3,1,1,11,363,3.2608,0.152,0.495642\n';
    const { dataset, badRows } = importCsv(text, {
      file: 'tx2.csv',
      target: 'energy_mJ',
      features: ['macs', 'k'].map((column) => ({ column })),
    });
    assert.equal(badRows.length, 0);
    assert.deepEqual(dataset.rows[0].values, [363, 1]);
    assert.equal(dataset.rows[0].source!.line, 3);
  });
});
