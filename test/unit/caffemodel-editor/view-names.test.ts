// The client's mapping between a .caffemodel and its prototxt view, and the view of an unreadable model.
import { strict as assert } from 'assert';
import { errorViewText, modelPathOf, viewPathOf } from '../../../client/src/caffemodel/view-names';
import { parse } from '../../../server/src/text/parser';
import { analyzeText } from '../../../server/src/net';

describe('caffemodel view names', () => {
  it('maps a model path to its view and back', () => {
    for (const model of ['/a/b/alexnet.caffemodel', '/c:/Models/x.y.CAFFEMODEL', '/odd name/ü.caffemodel']) {
      assert.equal(modelPathOf(viewPathOf(model)), model);
      assert.ok(viewPathOf(model).endsWith('.prototxt'));
    }
  });

  it('refuses paths that are not views of a .caffemodel', () => {
    assert.equal(modelPathOf('/a/net.prototxt'), undefined);
    assert.equal(modelPathOf('/a/net.caffemodel'), undefined);
  });

  it('turns an error into a comment-only prototxt that parses to an empty net', () => {
    const text = errorViewText('/m/x.caffemodel', 'x.caffemodel: at byte 12: bad tag\nsecond line');
    const doc = parse(text);
    assert.deepEqual(doc.errors, []);
    assert.equal(doc.root.fields.length, 0);
    assert.ok(doc.comments.some((c) => c.text.includes('at byte 12: bad tag')));
    assert.ok(doc.comments.some((c) => c.text.includes('second line')));
    assert.equal(analyzeText(text).layers.length, 0);
  });
});
