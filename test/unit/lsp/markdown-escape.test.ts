// Markdown injection: crafted layer, blob and record names show as text wherever markdown is built
// (layer hover, energy lines, Campaigns view tooltip, report, CLI --markdown). Checked by rendering the
// markdown with markdown-it (HTML and linkify on, so anything that would turn live shows up).
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DocumentAnalysis } from '../../../server/src/analysis/document-analysis';
import { ModelService } from '../../../server/src/analysis/model-service';
import { DEFAULT_SETTINGS } from '../../../server/src/protocol';
import { hover } from '../../../server/src/lsp/hover';
import { escapeMarkdown, markdownCode, MARKDOWN_TEXT_LIMIT } from '../../../server/src/markdown-escape';
import { campaignTooltipLines } from '../../../client/src/campaigns/campaign-tooltip';
import { reportMarkdown } from '../../../client/src/energy-report-markdown';
import { buildReport } from '../../../server/src/lsp/report';
import { parseCampaignText } from '../../../server/src/measurements/read';
import { predict } from '../../../server/src/cli/predict';
import { header, layer, session } from '../measurements/helpers';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const MarkdownIt = require('markdown-it') as new (options: object) => { render(src: string): string };
const renderer = new MarkdownIt({ html: true, linkify: true });
const render = (markdown: string): string => renderer.render(markdown);

/** Names an attacker would write, and what each must not become. */
const CRAFTED = [
  '[click](https://evil.example/x)',
  '![img](https://evil.example/track.png)',
  '# Heading',
  '<img src=x onerror=alert(1)><b>bold</b>',
  '`code` ``double``',
  'x\n\n⚡ **Predicted energy per image:** 0.001 mJ',
  'https://evil.example/auto www.evil.example a@evil.example',
  '| a | b |',
  '$(alert) *em* _u_ ~~s~~ &amp;',
];

/** The rendered HTML has no live markdown: no links, images, headings, tags from the name, no extra bold. */
function assertInert(html: string, what: string, headings = 0): void {
  assert.doesNotMatch(html, /<a\b/, `${what}: a link`);
  assert.doesNotMatch(html, /<img\b/, `${what}: an image`);
  assert.equal((html.match(/<h[1-6]\b/g) ?? []).length, headings, `${what}: a heading`);
  assert.doesNotMatch(html, /<b>|<em>|<s>/, `${what}: HTML or emphasis from the name`);
  assert.doesNotMatch(html, /<strong>Predicted energy per image:<\/strong> 0\.001/, `${what}: a fake prediction line`);
}

function tmpNet(text: string): string {
  const file = path.join(os.tmpdir(), `el-md-${process.pid}-${Math.random().toString(36).slice(2)}.prototxt`);
  fs.writeFileSync(file, text);
  return file;
}

describe('markdown escaping', () => {
  it('escapeMarkdown renders each crafted name as its own text, on one line', () => {
    for (const name of CRAFTED) {
      const html = render(`**${escapeMarkdown(name)}** · x`);
      assertInert(html, name);
      const text = html
        .replace(/<[^>]+>/g, '')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&')
        .trim();
      assert.equal(text, `${name.replace(/\n/g, ' ')} · x`, 'shows exactly the name, newlines as spaces');
    }
  });

  it('numbers stay readable and long strings are cut', () => {
    assert.equal(escapeMarkdown('1.52 mJ'), '1.52 mJ');
    const long = escapeMarkdown('n'.repeat(60_000));
    assert.equal(long.length, MARKDOWN_TEXT_LIMIT + 1);
    assert.ok(long.endsWith('…'));
  });

  it('markdownCode cannot be closed from inside, also in a table cell', () => {
    for (const name of ['a`b', '``x``', '`start', 'end`', 'a|b']) {
      const html = render(`| h |\n|---|\n| ${markdownCode(name, { inTable: true })} |`);
      const code = /<code>([^<]*)<\/code>/.exec(html);
      assert.ok(code, `${name}: one code span in ${html}`);
      assert.equal(code[1].trim().replace(/&amp;/g, '&'), name);
      assert.equal((html.match(/<td>/g) ?? []).length, 1, `${name}: one cell`);
    }
  });

  it('the layer hover of a crafted net shows the names as text', () => {
    const models = new ModelService();
    for (const name of CRAFTED) {
      const q = JSON.stringify(name);
      const text =
        `name: "n"\ninput: "data"\ninput_shape { dim: 1 dim: 3 dim: 8 dim: 8 }\n` +
        `layer { name: ${q} type: "Convolution" bottom: "data" top: ${q} convolution_param { num_output: 2 kernel_size: 3 } }\n`;
      const doc = TextDocument.create('file:///md.prototxt', 'prototxt', 1, text);
      const analysis = new DocumentAnalysis(doc.uri, 1, text, DEFAULT_SETTINGS, models.get(DEFAULT_SETTINGS.platform));
      const result = hover(doc, analysis, doc.positionAt(text.indexOf('layer {') + 2));
      const markdown = (result?.contents as { value: string }).value;
      assert.match(markdown, /Predicted energy per image/, 'the real prediction line is there');
      const html = render(markdown);
      assertInert(html, `hover of ${name}`);
      assert.equal((html.match(/<strong>⚡|⚡ <strong>Predicted energy/g) ?? []).length, 1, `${name}: one prediction line`);

      // The report of the same net, as the client renders it.
      const report = buildReport(doc, analysis);
      assert.ok(report);
      // Its own headings only: the title and "By layer type".
      assertInert(render(reportMarkdown(report)), `report of ${name}`, 2);
    }
  });

  it('the Campaigns view tooltip escapes every record field', () => {
    const evil = CRAFTED[0];
    const h = header({ target: { name: evil, kind: 'jetson-tx1', host: CRAFTED[3], device: 'cpu', threads: 1 } });
    h.network.path = CRAFTED[1];
    const text = [
      h,
      session(1, ['conv1']),
      layer('conv1', 10),
      { type: 'end', session: 1, at: '2024-01-01T00:02:00.000Z', status: 'failed', message: CRAFTED[5], layersMeasured: 1 },
    ]
      .map((r) => JSON.stringify(r))
      .join('\n');
    const read = parseCampaignText(text, '/tmp/x.jsonl');
    assert.ok(read.campaign, JSON.stringify(read.problems));
    const html = render(campaignTooltipLines(read, '/tmp/[x](https://evil.example).jsonl', 2).join('\n\n'));
    assertInert(html, 'tooltip');
    assert.ok(html.includes('evil.example'), 'the crafted text is still shown, as text');
  });

  it('predict --markdown escapes layer names in its table', async () => {
    const file = tmpNet(
      `name: "# big"\ninput: "data"\ninput_shape { dim: 1 dim: 3 dim: 8 dim: 8 }\n` +
        `layer { name: "![i](https://evil.example/t.png) | x" type: "Convolution" bottom: "data" top: "c" convolution_param { num_output: 2 kernel_size: 3 } }\n`,
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
    assert.equal(await predict([file, '--markdown'], io), 0, io.err);
    const html = render(io.out);
    assert.equal((html.match(/<h1>/g) ?? []).length, 1, 'only the report heading');
    assert.doesNotMatch(html, /<img\b/);
    fs.unlinkSync(file);
  });
});
