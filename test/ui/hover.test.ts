// What a person sees: opening a sample network shows the prototxt language and hovering a
// layer field shows a hover with text. The screenshot is kept in test-results/hover.png.
import * as assert from 'assert';
import { currentSession } from './ui-session';
import { hoverText, openFileInExplorer, screenshot, waitForLanguageMode } from './workbench';

suite('UI: hover', () => {
  test('hovering num_output of conv1 in the AlexNet sample shows a hover', async () => {
    const { page } = currentSession();
    await openFileInExplorer(page, 'samples/alexnet.prototxt');
    await waitForLanguageMode(page, 'Caffe prototxt');
    let text: string;
    try {
      text = await hoverText(page, { lineText: 'num_output: 96 kernel_size: 11', token: 'num_output' });
    } finally {
      await screenshot(page, 'hover.png');
    }
    assert.ok(text.trim().length > 0, 'the hover has text');
    assert.ok(!/^Loading/.test(text), `the hover finished loading: ${text}`);
    assert.match(text, /num_output/, 'the hover is about the hovered field');
  });
});
