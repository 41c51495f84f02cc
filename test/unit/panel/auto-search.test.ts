// The refit panel's automatic search: one search per dataset choice, results dropped once stale, and
// never a replacement for a fit the user chose by hand.
import { strict as assert } from 'assert';
import { AutoSearchPolicy } from '../../../client/src/panel/auto-search';

describe('refit panel: automatic search', () => {
  it('searches a dataset once when it is chosen, and takes the result', () => {
    const p = new AutoSearchPolicy();
    p.shown('csv:a', 'csv:a#1');
    const ticket = p.next('csv:a#1');
    assert.ok(ticket, 'a chosen dataset is searched');
    assert.equal(p.next('csv:a#1'), undefined, 'only once per choice');
    p.shown('csv:a', 'csv:a#1'); // the same dataset shown again (a refresh without new content)
    assert.equal(p.next('csv:a#1'), undefined);
    assert.equal(p.accept(ticket), true);
  });

  it('drops a result once another dataset was chosen', () => {
    const p = new AutoSearchPolicy();
    p.shown('csv:a', 'csv:a#1');
    const a = p.next('csv:a#1')!;
    p.shown('campaign:b', 'campaign:b#1');
    assert.equal(p.accept(a), false, "a's frontier must not replace b's fit");
    const b = p.next('campaign:b#1')!;
    assert.equal(p.accept(b), true);
    // Back to a: a new choice, searched again (the panel's cache answers it at once).
    p.shown('csv:a', 'csv:a#1');
    assert.ok(p.next('csv:a#1'));
    assert.equal(p.accept(b), false);
  });

  it('never overrides a fit chosen by hand, before or while the search runs', () => {
    const p = new AutoSearchPolicy();
    p.shown('csv:a', 'csv:a#1');
    const running = p.next('csv:a#1')!;
    p.handChoice(); // e.g. the method drop-down while the search runs
    assert.equal(p.accept(running), false);
    assert.equal(p.next('csv:a#1'), undefined, 'no new automatic search after a hand choice');
    p.shown('csv:a', 'csv:a#2'); // records added to the same campaign: the hand choice still stands
    assert.equal(p.next('csv:a#2'), undefined);

    const q = new AutoSearchPolicy();
    q.shown('csv:a', 'csv:a#1');
    q.handChoice(); // chosen by hand before the fit was drawn (a caller naming features)
    assert.equal(q.next('csv:a#1'), undefined);
    q.shown('csv:b', 'csv:b#1'); // a new dataset is a new choice
    assert.ok(q.next('csv:b#1'));
  });

  it('searches again when the chosen dataset gains content, and retries a cancelled search', () => {
    const p = new AutoSearchPolicy();
    p.shown('campaign:x', 'campaign:x#1');
    const first = p.next('campaign:x#1')!;
    p.shown('campaign:x', 'campaign:x#2');
    assert.equal(p.accept(first), false, 'the frontier of the old content is stale');
    const second = p.next('campaign:x#2')!;
    assert.ok(second);
    p.retry(second); // cancelled by other work in the runner
    const third = p.next('campaign:x#2');
    assert.ok(third, 'due again');
    assert.equal(p.accept(third), true);
    assert.equal(p.next('campaign:x#1'), undefined, 'not for content no longer shown');
  });
});
