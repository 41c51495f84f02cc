// CSV in and out of the panel: the column mapping (guessed names, the user's edits), importing
// the shared measurement files with layer names and bad rows, and the predictions export.
import { strict as assert } from 'assert';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { importCsv } from '../../../server/src/energy/fit/csv';
import { fitDataset } from '../../../server/src/energy/fit/engine';
import {
  csvHeader,
  featureNameFor,
  guessTargetColumn,
  guessTimeColumn,
  loadCsvFile,
  loadCsvText,
  mappingText,
  parseMapping,
} from '../../../client/src/panel/csv-dataset';
import { fittedValues } from '../../../client/src/panel/fitted-values';
import { csvField, predictionsCsv } from '../../../client/src/panel/predictions-csv';
import { DATA } from '../shared-paths';
import { lawDataset } from './panel-data';

const SWEEP = path.join(DATA, 'tx2_cpu_conv_sweep.csv');
const SQUEEZENET = path.join(DATA, 'squeezenet_tx1_cpu_layer_energy_readoff.csv');

describe('refit panel: CSV mapping, import and export', () => {
  it('guesses the energy column and layer feature names from a sweep header', () => {
    const header = csvHeader(fs.readFileSync(SWEEP, 'utf8'));
    assert.deepEqual(header, [
      'wh_in',
      'c_in',
      'k',
      'c_out',
      'h_out',
      'macs',
      'latency_ms',
      'power_w',
      'energy_mJ',
      'energy_col_J_original',
    ]);
    assert.equal(guessTargetColumn(header), 'energy_mJ');
    assert.equal(mappingText(['wh_in', 'c_in', 'k', 'macs', 'latency_ms']), 'wh_in:heightIn, c_in:channelsIn, k:kernelH, macs, latency_ms');
    assert.equal(featureNameFor('CHANNELSOUT'), 'channelsOut');
    assert.equal(featureNameFor('mac_millions'), 'mac_millions', 'no guess for a scaled column');
  });

  it('parses the edited mapping and explains mistakes', () => {
    const header = ['c_in', 'k', 'energy'];
    assert.deepEqual(parseMapping('c_in:channelsIn, k', header), [
      { column: 'c_in', name: 'channelsIn' },
      { column: 'k', name: 'k' },
    ]);
    assert.match(
      (parseMapping('c_out:channelsOut', header) as { error: string }).error,
      /'c_out' is not a column of the file \(columns: c_in, k, energy\)/,
    );
    assert.match((parseMapping('k:kernel-h', header) as { error: string }).error, /'kernel-h' cannot be a feature name/);
    assert.match((parseMapping('c_in:x, k:x', header) as { error: string }).error, /named twice/);
    assert.match((parseMapping(' , ', header) as { error: string }).error, /at least one/);
  });

  it('imports a file with layer names, types and a bad row reported by line', () => {
    const text = `${fs.readFileSync(SQUEEZENET, 'utf8').trimEnd()}\nbroken,Convolution,abc,1\n`;
    const lines = text.split('\n').length;
    const loaded = loadCsvText(text, {
      path: 'squeezenet.csv',
      target: 'energy_mJ_approx',
      features: [{ column: 'mac_millions', name: 'mac_millions' }],
      typeColumn: 'type',
      labelColumn: 'layer',
    });
    assert.equal(loaded.rowLabels![0], 'conv1');
    assert.equal(loaded.rowLabels![1], 'pool1');
    assert.equal(loaded.rowLabels!.length, loaded.dataset.rows.length);
    assert.deepEqual(loaded.dataset.rows[0].values, [173.9]);
    assert.deepEqual(
      loaded.badRows.map((b) => [b.line, b.message]),
      [[lines - 1, "target 'energy_mJ_approx' is 'abc', not a number"]],
    );
    assert.ok(loaded.dataset.rows.some((r) => r.type === 'Pooling'));
  });

  it('reads the time column of a sweep as latency rows, and says why there are none without one', () => {
    const text = fs.readFileSync(SWEEP, 'utf8');
    const header = csvHeader(text);
    assert.equal(guessTimeColumn(header), 'latency_ms');
    const spec = { path: SWEEP, target: 'energy_mJ', features: [{ column: 'macs', name: 'macs' }], defaultType: 'Convolution' };
    const timed = loadCsvText(text, { ...spec, timeColumn: 'latency_ms' });
    assert.ok(!('unavailable' in timed.latency));
    const latency = timed.latency as Exclude<typeof timed.latency, { unavailable: string }>;
    assert.equal(latency.dataset.target, 'latency_ms');
    assert.equal(latency.dataset.rows.length, timed.dataset.rows.length);
    // Each row's target is that line's latency_ms, not its energy.
    const line = text.split(/\r?\n/)[latency.dataset.rows[0].source!.line - 1].split(',');
    assert.equal(latency.dataset.rows[0].target, Number(line[header.indexOf('latency_ms')]));
    assert.notEqual(latency.dataset.rows[0].target, timed.dataset.rows[0].target);

    const none = loadCsvText(text, spec);
    assert.match((none.latency as { unavailable: string }).unavailable, /names no time column/);
    const wrong = loadCsvText(text, { ...spec, timeColumn: 'seconds' });
    assert.match((wrong.latency as { unavailable: string }).unavailable, /time column cannot be read: .*seconds/);
    assert.equal(wrong.dataset.rows.length, timed.dataset.rows.length, 'the energy rows stand without it');
  });

  it('reads files with their hash and names a missing file', async () => {
    const loaded = await loadCsvFile({
      path: SQUEEZENET,
      target: 'energy_mJ_approx',
      features: [{ column: 'mac_millions', name: 'm' }],
      typeColumn: 'type',
    });
    assert.equal(loaded.sha256, createHash('sha256').update(fs.readFileSync(SQUEEZENET)).digest('hex'));
    await assert.rejects(
      loadCsvFile({ path: '/nonexistent/x.csv', target: 'e', features: [] }),
      /\/nonexistent\/x.csv: cannot read the file \(ENOENT\)/,
    );
  });

  it('quotes only fields that need it', () => {
    assert.equal(csvField('conv1'), 'conv1');
    assert.equal(csvField('fire2/squeeze, 1x1'), '"fire2/squeeze, 1x1"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField(' padded'), '" padded"');
  });

  it('exports every row with measured, held-out and fitted energies that read back', () => {
    const dataset = lawDataset({ rows: 24, groups: 3, noise: 0.1 });
    const report = fitDataset(dataset, { family: 'layer-type', method: 'relative', features: ['macs'] }, { cv: { kind: 'loo-network' } });
    const fitted = fittedValues(dataset, report);
    const labels = dataset.rows.map((_, i) => (i === 0 ? 'conv "a", 1' : `layer${i}`));
    const text = predictionsCsv(dataset, report, fitted, labels);
    const lines = text.trimEnd().split('\n');
    assert.match(lines[0], /^# Energy Lens refit: layer-type relative; validation: leave-one-network-out/);
    assert.equal(lines[1], 'layer,network,type,macs,channelsIn,measured_energy_mJ,predicted_held_out,fitted_in_sample,error_pct,source');
    assert.equal(lines.length, 2 + 24);
    assert.ok(lines[2].startsWith('"conv ""a"", 1",net0,'));
    // The export is itself a valid input: read it back with the engine's importer.
    const back = importCsv(text, {
      file: 'out.csv',
      target: 'predicted_held_out',
      features: [
        { column: 'measured_energy_mJ', name: 'measured' },
        { column: 'fitted_in_sample', name: 'fitted' },
        { column: 'error_pct', name: 'err' },
      ],
      typeColumn: 'type',
      groupColumn: 'network',
    });
    assert.equal(back.badRows.length, 0);
    back.dataset.rows.forEach((r, i) => {
      const rel = (a: number, b: number) => Math.abs(a - b) <= 1e-7 * Math.abs(b);
      assert.ok(rel(r.target, report.cv!.predictions[i]));
      assert.ok(rel(r.values[0], dataset.rows[i].target));
      assert.ok(rel(r.values[1], fitted[i]));
      assert.ok(Math.abs(r.values[2] - (100 * (report.cv!.predictions[i] - dataset.rows[i].target)) / dataset.rows[i].target) < 1e-5);
      assert.equal(r.group, dataset.rows[i].group);
    });
  });

  it('exports in-sample predictions when the fit was not validated', () => {
    const dataset = lawDataset({ rows: 5 });
    const report = fitDataset(dataset, { family: 'layer-type', method: 'ols', features: ['macs'] });
    const text = predictionsCsv(dataset, report, fittedValues(dataset, report));
    assert.ok(!text.includes('predicted_held_out'));
    assert.match(text, /error_pct uses the in-sample prediction/);
    assert.match(text.split('\n')[2], /,law\.csv:2$/);
  });
});
