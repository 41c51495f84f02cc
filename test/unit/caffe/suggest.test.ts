import { strict as assert } from 'assert';
import fc from 'fast-check';
import { editDistance, suggest, suggestAll } from '../../../server/src/caffe/suggest';

describe('caffe did-you-mean suggestions', () => {
  it('counts insertions, deletions, substitutions and adjacent swaps as one edit each', () => {
    assert.equal(editDistance('kernal_size', 'kernel_size'), 1);
    assert.equal(editDistance('kernelsize', 'kernel_size'), 1);
    assert.equal(editDistance('nmu_output', 'num_output'), 1);
    assert.equal(editDistance('stride', 'stride_h'), 2);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('abc', 'abc'), 0);
  });

  it('stops at the limit with limit + 1', () => {
    assert.equal(editDistance('convolution_param', 'x', 2), 3);
    assert.equal(editDistance('abcdef', 'uvwxyz', 2), 3);
    fc.assert(
      fc.property(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }), fc.nat(6), (a, b, limit) => {
        const full = editDistance(a, b);
        assert.equal(editDistance(a, b, limit), Math.min(full, limit + 1));
      }),
    );
  });

  it('is a symmetric distance that is zero only for equal strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const d = editDistance(a, b);
        assert.equal(d, editDistance(b, a));
        assert.equal(d === 0, a === b);
        assert.ok(d <= Math.max(a.length, b.length));
      }),
    );
  });

  it('suggests the closest names, ignoring case, and nothing for far-off words', () => {
    const fields = ['num_output', 'bias_term', 'pad', 'kernel_size', 'stride', 'kernel_h', 'kernel_w'];
    assert.equal(suggest('kernal_size', fields), 'kernel_size');
    assert.equal(suggest('convolution', ['Deconvolution', 'Convolution']), 'Convolution');
    assert.deepEqual(suggestAll('kernel_x', fields), ['kernel_h', 'kernel_w']);
    assert.equal(suggest('completely_unrelated', fields), undefined);
    assert.equal(suggest('pad', fields), undefined, 'an exact match is not a suggestion');
  });
});
