// package.json's contributions agree with the code: settings and their defaults with the defaults the
// server and the target reader use, commands with the commands the extension registers, menus and
// walkthrough steps with contributed commands and shipped files (rust-analyzer keeps such a test).
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_SETTINGS } from '../../../server/src/protocol';
import { readSettings } from '../../../server/src/settings';
import { TARGET_KINDS, parseTarget, parseTargets } from '../../../client/src/board/targets';
import { ADB_ONLY_FIELDS, parseAdbTarget } from '../../../client/src/board/adb-targets';
import { DEFAULT_PROGRESS_TIMEOUT_S } from '../../../client/src/campaigns/progress-watchdog';
import { REPO_ROOT } from '../shared-paths';
import { registeredCommands } from './command-scan';

interface SchemaNode {
  type?: string | string[];
  description?: string;
  markdownDescription?: string;
  default?: unknown;
  enum?: unknown[];
  enumDescriptions?: string[];
  items?: SchemaNode;
  properties?: Record<string, SchemaNode>;
  required?: string[];
}
interface Manifest {
  activationEvents: string[];
  capabilities: { virtualWorkspaces?: { supported: boolean | string } };
  contributes: {
    configuration: { properties: Record<string, SchemaNode> };
    commands: Array<{ command: string; title: string }>;
    menus: Record<string, Array<{ command: string; when?: string }>>;
    views?: Record<string, Array<{ id: string; when?: string }>>;
    viewsWelcome?: Array<{ view: string; contents: string }>;
    walkthroughs?: Array<{
      id: string;
      steps: Array<{ id: string; description: string; media: { markdown?: string; image?: string }; completionEvents?: string[] }>;
    }>;
  };
}

const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;
const settings = manifest.contributes.configuration.properties;
/** Settings the extension host reads itself (not part of the server's EnergyLensSettings). */
const CLIENT_SETTINGS = ['energyLens.trace.server', 'energyLens.targets'];
/**
 * Registered for tests only and so not contributed. Each must still be registered (a stale entry
 * fails), so when the packaging work removes them from the shipped extension this list goes too.
 */
const TEST_ONLY_COMMANDS = ['energyLens.refit.lastRenderReport', 'energyLens.refit.drive', 'energyLens.test.campaignTreeSnapshot'];

/** Target fields parseTarget leaves unset, whose default the campaign code applies where it uses them. */
const APPLIED_LATER: Record<string, unknown> = { progressTimeoutSeconds: DEFAULT_PROGRESS_TIMEOUT_S };

/** A valid value of a field for parseTarget: its default, else one its schema allows. */
function sampleValue(node: SchemaNode): unknown {
  if (node.default !== null && node.default !== undefined && node.default !== '') return node.default;
  const type = Array.isArray(node.type) ? node.type[0] : node.type;
  return type === 'string' ? 'x' : type === 'integer' || type === 'number' ? 1 : node.default;
}

/** Every schema node of a setting with where it is, the setting itself first. */
function* nodes(name: string, node: SchemaNode): Generator<[string, SchemaNode]> {
  yield [name, node];
  for (const [key, child] of Object.entries(node.items?.properties ?? {})) yield* nodes(`${name}[].${key}`, child);
}

describe('manifest: contributes agrees with the code', () => {
  it('every setting and every field of energyLens.targets has a type, a description and a default', () => {
    const missing: string[] = [];
    for (const [name, setting] of Object.entries(settings)) {
      for (const [where, node] of nodes(name, setting)) {
        if (node.type === undefined) missing.push(`${where}: type`);
        if (!node.description && !node.markdownDescription) missing.push(`${where}: description`);
        if (!('default' in node)) missing.push(`${where}: default`);
        if (node.enum && node.enumDescriptions?.length !== node.enum.length) missing.push(`${where}: one enumDescription per enum value`);
      }
    }
    assert.deepEqual(missing, []);
  });

  it('the server settings and their defaults are the ones DEFAULT_SETTINGS and readSettings use', () => {
    const serverKeys = Object.keys(DEFAULT_SETTINGS)
      .map((k) => `energyLens.${k}`)
      .sort();
    const contributed = Object.keys(settings)
      .filter((k) => !CLIENT_SETTINGS.includes(k))
      .sort();
    assert.deepEqual(contributed, serverKeys, 'contributed settings = EnergyLensSettings keys (+ the client settings)');
    for (const [key, value] of Object.entries(DEFAULT_SETTINGS)) {
      assert.deepEqual(settings[`energyLens.${key}`].default, value, `default of energyLens.${key}`);
    }
    // The manifest's defaults read as the defaults, and an empty section reads as them too.
    const manifestDefaults = Object.fromEntries(Object.keys(DEFAULT_SETTINGS).map((k) => [k, settings[`energyLens.${k}`].default]));
    assert.deepEqual(readSettings(manifestDefaults), DEFAULT_SETTINGS);
    assert.deepEqual(readSettings({}), DEFAULT_SETTINGS);
  });

  it('every enum value of a server setting is accepted by readSettings, and nothing else is', () => {
    for (const key of Object.keys(DEFAULT_SETTINGS) as Array<keyof typeof DEFAULT_SETTINGS>) {
      const values = settings[`energyLens.${key}`].enum;
      if (!values) continue;
      for (const value of values) assert.equal(readSettings({ [key]: value })[key], value, `energyLens.${key}: ${String(value)}`);
      assert.equal(readSettings({ [key]: 'not-a-value' })[key], DEFAULT_SETTINGS[key], `energyLens.${key}: an unknown value falls back`);
    }
  });

  it("energyLens.targets: its fields are TargetConfig's, and each default means the same as leaving the field out", () => {
    const targets = settings['energyLens.targets'];
    assert.deepEqual(targets.default, []);
    assert.deepEqual(parseTargets(targets.default).targets, []);
    const fields = targets.items?.properties ?? {};
    const bare = parseTarget({ name: 'board', host: 'board.local' });
    assert.ok(typeof bare !== 'string', `a minimal target is read: ${String(bare)}`);
    // Every field the code always fills is in the manifest, and every manifest field is one the code reads.
    assert.deepEqual(
      Object.keys(bare).filter((k) => !(k in fields)),
      [],
      'fields parseTarget returns that the manifest lacks',
    );
    const full = parseTarget({
      name: 'board',
      host: 'board.local',
      ...Object.fromEntries(Object.entries(fields).map(([k, n]) => [k, sampleValue(n)])),
    });
    assert.ok(typeof full !== 'string', `a target with every field is read: ${String(full)}`);
    // adb phones' own fields are read by parseAdbTarget (client/src/board/adb-targets.ts).
    assert.deepEqual(
      Object.keys(fields).filter((k) => !(k in full) && !(ADB_ONLY_FIELDS as readonly string[]).includes(k)),
      [],
      'manifest fields parseTarget does not read',
    );
    const phone = parseAdbTarget({
      name: 'phone',
      kind: 'adb',
      host: '10.0.0.2:5555',
      powerSource: 'external-probe',
      probeCommand: 'probe',
      probeColumns: { time: 't', power: 'p' },
      adbPath: '/usr/bin/adb',
      adbServerPort: 5038,
      steadySeconds: 2,
    });
    assert.ok(typeof phone !== 'string', `an adb target with every field is read: ${String(phone)}`);
    assert.deepEqual(
      ADB_ONLY_FIELDS.filter((k) => !(k in fields)),
      [],
      'adb fields the manifest lacks',
    );
    for (const [field, node] of Object.entries(fields)) {
      if (field in APPLIED_LATER) {
        assert.deepEqual(node.default, APPLIED_LATER[field], `${field}: the manifest default is the one the campaign code applies`);
        continue;
      }
      if (targets.items?.required?.includes(field)) {
        assert.equal(
          typeof parseTarget({ name: 'board', host: 'board.local', [field]: node.default }),
          'string',
          `${field} is required: its empty default is refused`,
        );
        continue;
      }
      const withDefault = parseTarget({ name: 'board', host: 'board.local', [field]: node.default });
      assert.deepEqual(withDefault, bare, `${field}: the manifest default ${JSON.stringify(node.default)} reads as leaving it out`);
    }
    assert.deepEqual(fields.kind.enum, [...TARGET_KINDS, 'adb']); // adb: phones, read by adb-targets.ts
  });

  it('contributed commands are exactly the registered ones', () => {
    const registered = registeredCommands(path.join(REPO_ROOT, 'client', 'src'), REPO_ROOT);
    const ids = registered.map((c) => c.id);
    const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
    assert.deepEqual(twice, [], 'each command is registered once');
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    const shipped = ids.filter((id) => !TEST_ONLY_COMMANDS.includes(id)).sort();
    assert.deepEqual(contributed, shipped, 'package.json contributes.commands = registerCommand call sites');
    for (const id of TEST_ONLY_COMMANDS)
      assert.ok(ids.includes(id), `${id} is listed as test-only but no longer registered: drop it from the list`);
    assert.ok(registered.length >= 10, `the scan found the registrations (${registered.length})`);
  });

  it('menus, views and welcome links name contributed commands; context keys are set by the client', () => {
    const contributed = new Set(manifest.contributes.commands.map((c) => c.command));
    const menuCommands = Object.values(manifest.contributes.menus)
      .flat()
      .map((m) => m.command);
    assert.deepEqual(
      menuCommands.filter((c) => !contributed.has(c)),
      [],
    );
    const links = (manifest.contributes.viewsWelcome ?? []).flatMap((w) =>
      [...w.contents.matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1]),
    );
    assert.deepEqual(
      links.filter((c) => !contributed.has(c)),
      [],
    );
    // Every energyLens.* context key used in a when clause is set with setContext in client/src.
    const whens = [...Object.values(manifest.contributes.menus).flat(), ...Object.values(manifest.contributes.views ?? {}).flat()].map(
      (m) => m.when ?? '',
    );
    // View ids and tree items' contextValues (view == …, viewItem == energyLens.target…) are not context keys.
    const keys = new Set(
      whens
        .map((w) => w.replace(/\b(viewItem|view)\s*(==|=~)\s*\S+/g, ''))
        .flatMap((w) => [...w.matchAll(/\b(energyLens\.[\w.]+)/g)].map((m) => m[1])),
    );
    assert.ok(keys.has('energyLens.workspaceHasCaffeFiles'), 'commands are gated on the workspace having Caffe files');
    const clientText = fs.readFileSync(path.join(REPO_ROOT, 'client', 'src', 'workspace-context.ts'), 'utf8');
    for (const key of keys) assert.ok(clientText.includes(`'${key}'`) && clientText.includes('setContext'), `${key} is set by the client`);
    // Trust follows the extension host's vscode.workspace.isTrusted (what requireTrust checks), not the workbench's key.
    assert.deepEqual(
      whens.filter((w) => /\bisWorkspaceTrusted\b/.test(w)),
      [],
    );
    // The palette shows network commands only where they make sense.
    const palette = new Map(manifest.contributes.menus.commandPalette.map((m) => [m.command, m.when ?? '']));
    for (const c of contributed) {
      if (c === 'energyLens.refitModels') continue; // the panel also imports CSV data: useful in any workspace
      assert.ok(palette.get(c), `${c} has a when clause in the Command Palette`);
      if (/profile|resume/i.test(c))
        assert.match(palette.get(c)!, /energyLens\.workspaceTrusted/, `${c} runs on a board: trusted workspaces only`);
    }
  });

  it('the extension declares it works on files only (no virtual workspaces)', () => {
    assert.equal(manifest.capabilities.virtualWorkspaces?.supported, false);
    // The context key is set at start-up in a workspace with networks, not only once one is opened.
    assert.ok(manifest.activationEvents.some((e) => e.startsWith('workspaceContains:') && e.includes('prototxt')));
  });

  it('the Getting Started walkthrough: open a network, read a hover, profile, refit; its files and commands exist', () => {
    const [walkthrough] = manifest.contributes.walkthroughs ?? [];
    assert.ok(walkthrough, 'a walkthrough is contributed');
    assert.equal(walkthrough.id, 'energyLens.gettingStarted');
    // It must ship: .vscodeignore keeps media/walkthrough/ in the package.
    assert.match(fs.readFileSync(path.join(REPO_ROOT, '.vscodeignore'), 'utf8'), /^!media\/walkthrough\/\*\*$/m);
    assert.deepEqual(
      walkthrough.steps.map((s) => s.id),
      ['openNetwork', 'readHover', 'profile', 'refit'],
    );
    const contributed = new Set(manifest.contributes.commands.map((c) => c.command));
    for (const step of walkthrough.steps) {
      const media = step.media.markdown ?? step.media.image;
      assert.ok(media && media.startsWith('media/walkthrough/'), `${step.id}: media in media/walkthrough/`);
      const text = fs.readFileSync(path.join(REPO_ROOT, media), 'utf8');
      assert.ok(text.trim().length > 200, `${step.id}: ${media} says something`);
      const commands = [...step.description.matchAll(/\(command:([\w.]+)/g)].map((m) => m[1]);
      assert.ok(commands.length > 0, `${step.id} has a button`);
      for (const c of commands) assert.ok(c.startsWith('workbench.') || contributed.has(c), `${step.id}: ${c} is a contributed command`);
      for (const e of step.completionEvents ?? []) {
        const command = /^onCommand:(.+)$/.exec(e)?.[1];
        if (command) assert.ok(contributed.has(command), `${step.id}: completion on ${command}, a contributed command`);
      }
    }
  });
});
