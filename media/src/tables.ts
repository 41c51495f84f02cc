/// <reference lib="dom" />
// The fit's figures as text and tables: the headline metrics and the coefficients per layer type.
import type { FitView, MetricsView } from '../../client/src/panel/messages';
import { h } from './dom';
import { count, pct, quantityWords, sig } from './format';

export function metricsText(m: MetricsView): string {
  const parts = [
    `MAPE ${pct(m.mape)}`,
    `RMSPE ${pct(m.rmspe)}`,
    `network accuracy ${pct(m.networkAccuracy)}`,
    `complexity ${m.complexity}`,
    `σ(log) ${m.sigmaLog === null ? '–' : m.sigmaLog.toFixed(3)}`,
  ];
  return `${parts.join(' · ')} — ${m.from === 'held-out' ? `held out (${m.validation})` : 'in-sample (no validation)'}`;
}

export function metricsCards(m: MetricsView): HTMLElement {
  const card = (label: string, value: string, title: string) =>
    h('div', { class: 'metric', title }, h('div', { class: 'metric-value' }, value), h('div', { class: 'metric-label' }, label));
  const from = m.from === 'held-out' ? 'held-out' : 'in-sample';
  return h(
    'div',
    { class: 'metrics', 'data-metrics': metricsText(m) },
    card('MAPE', pct(m.mape), `Mean absolute percentage error per layer (${from})`),
    card('RMSPE', pct(m.rmspe), `Root mean square percentage error per layer (${from})`),
    card('Network accuracy', pct(m.networkAccuracy), `100 % − mean relative error of whole-network totals (${from})`),
    card('Complexity', String(m.complexity), 'Non-zero coefficients, +1 per intercept'),
    card(
      'σ (log)',
      m.sigmaLog === null ? '–' : m.sigmaLog.toFixed(3),
      'Spread of ln(measured / predicted): the 90 % interval is ×/÷ exp(1.645 σ)',
    ),
    h(
      'div',
      { class: 'metric-source' },
      m.from === 'held-out' ? `Held out: ${m.validation}` : 'In-sample: no validation',
      `, ${count(m.rows)} rows`,
      m.unpredicted > 0 ? `, ${count(m.unpredicted)} not predicted (their type was missing from the training folds)` : '',
    ),
  );
}

export function coefficientTable(view: FitView): HTMLTableElement {
  const q = quantityWords(view.quantity);
  const head = h(
    'thead',
    {},
    h(
      'tr',
      {},
      h('th', {}, 'Layer type'),
      h('th', {}, 'Term'),
      h('th', { class: 'num' }, 'Coefficient'),
      h('th', { class: 'num' }, 'Rows'),
      h('th', { class: 'num' }, 'Complexity'),
      h('th', { class: 'num' }, 'MAPE'),
      h('th', { class: 'num' }, 'RMSPE'),
    ),
  );
  const body = h('tbody');
  for (const m of view.subModels) {
    const nonZero = m.terms.filter((t) => t.coefficient !== 0);
    const rows: Array<{ term: string; value: string; title?: string }> = nonZero.map((t) => ({
      term: m.link === 'log' ? `ln ${q.symbol}: ${t.term}` : t.term,
      value: t.withUnit ?? sig(t.coefficient),
      title: t.withUnit
        ? `${sig(t.coefficient)} ${q.unit} per unit of ${t.term}`
        : `exponent of the log-space term (ln ${q.symbol} in ln ${q.unit})`,
    }));
    if (m.intercept !== 0 || rows.length === 0)
      rows.push({ term: m.link === 'log' ? `ln ${q.symbol}: intercept` : `intercept (${q.unit})`, value: sig(m.intercept) });
    if (m.search)
      rows.push({ term: `${m.search.family} model`, value: m.search.formula, title: 'The frontier model selected in the search' });
    if (m.lambda !== undefined) rows.push({ term: 'penalty λ (standardised)', value: sig(m.lambda), title: 'Chosen by cross-validation' });
    const zeroed = m.terms.length - nonZero.length;
    if (zeroed > 0) rows.push({ term: `${zeroed} more term${zeroed === 1 ? '' : 's'} at 0`, value: '' });
    rows.forEach((r, i) => {
      const tr = h('tr', i === 0 ? { class: 'group-start' } : {});
      if (i === 0) tr.appendChild(h('th', { rowspan: rows.length, scope: 'rowgroup' }, m.type));
      tr.appendChild(h('td', { class: 'term', title: r.title }, r.term));
      tr.appendChild(h('td', { class: 'num' }, r.value));
      if (i === 0) {
        const metricsTitle = m.metricsFrom === 'held-out' ? 'held out' : 'in-sample';
        tr.appendChild(h('td', { class: 'num', rowspan: rows.length }, count(m.samples)));
        tr.appendChild(h('td', { class: 'num', rowspan: rows.length }, String(m.complexity)));
        tr.appendChild(h('td', { class: 'num', rowspan: rows.length, title: metricsTitle }, pct(m.mape)));
        tr.appendChild(h('td', { class: 'num', rowspan: rows.length, title: metricsTitle }, pct(m.rmspe)));
      }
      body.appendChild(tr);
    });
  }
  return h('table', { class: 'coefficients' }, head, body);
}
