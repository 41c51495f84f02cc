// Writes the project's own sample networks (Caffe V2 deploy prototxt) from the published
// architectures: LeNet, AlexNet, SqueezeNet v1.0, VGG-16, ResNet-50 and MobileNet v1.
// They are generated, not copied, so the demo and tests have files we own.
// Usage: npx tsx scripts/generate-samples.ts <dir>
import * as fs from 'fs';
import * as path from 'path';

// ---- a tiny prototxt writer -------------------------------------------------------------------

/** An enum value (MAX, AVE, SUM, CAFFE): written without quotes. */
class Enum {
  constructor(readonly name: string) {}
}
const e = (name: string) => new Enum(name);

type Value = string | number | boolean | Enum | Message;
/** A message is an ordered list of fields; repeated fields simply appear more than once. */
type Message = [string, Value][];

function formatValue(value: Value, indent: string, inline = true): string {
  if (Array.isArray(value)) {
    // Short parameter messages read best on one line; layers always get one field per line.
    if (inline && value.length <= 4 && value.every(([, v]) => !Array.isArray(v))) {
      return `{ ${value.map(([k, v]) => `${k}: ${formatValue(v, '')}`).join(' ')} }`;
    }
    const inner = value.map(([k, v]) => `${indent}  ${k}${Array.isArray(v) ? ' ' : ': '}${formatValue(v, indent + '  ')}`);
    return `{\n${inner.join('\n')}\n${indent}}`;
  }
  if (value instanceof Enum) return value.name;
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

function formatLayer(layer: Message): string {
  return `layer ${formatValue(layer, '', false)}\n`;
}

// ---- layer builders (Caffe V2 layer types) --------------------------------------------------

interface ConvOptions {
  pad?: number;
  stride?: number;
  group?: number;
  bias?: boolean;
  depthwise?: boolean;
}

class Net {
  private readonly layers: string[] = [];
  constructor(
    private readonly header: string[],
    private readonly name: string,
    private readonly preamble: string,
  ) {}

  add(layer: Message): this {
    this.layers.push(formatLayer(layer));
    return this;
  }

  inputLayer(top: string, dims: number[]): this {
    return this.add([
      ['name', top],
      ['type', 'Input'],
      ['top', top],
      ['input_param', [['shape', dims.map((d): [string, Value] => ['dim', d])]]],
    ]);
  }

  conv(name: string, bottom: string, numOutput: number, kernel: number, o: ConvOptions = {}, top = name): this {
    const p: Message = [['num_output', numOutput]];
    if (o.bias === false) p.push(['bias_term', false]);
    if (o.pad) p.push(['pad', o.pad]);
    p.push(['kernel_size', kernel]);
    if (o.stride && o.stride !== 1) p.push(['stride', o.stride]);
    if (o.group && o.group !== 1) p.push(['group', o.group]);
    // Depthwise convolution as a grouped Convolution; the CAFFE engine because cuDNN is slow at it.
    if (o.depthwise) p.push(['engine', e('CAFFE')]);
    return this.add([
      ['name', name],
      ['type', 'Convolution'],
      ['bottom', bottom],
      ['top', top],
      ['convolution_param', p],
    ]);
  }

  relu(name: string, blob: string): this {
    return this.add([
      ['name', name],
      ['type', 'ReLU'],
      ['bottom', blob],
      ['top', blob],
    ]);
  }

  pool(name: string, bottom: string, method: 'MAX' | 'AVE', kernel: number, stride: number, top = name): this {
    return this.add([
      ['name', name],
      ['type', 'Pooling'],
      ['bottom', bottom],
      ['top', top],
      [
        'pooling_param',
        [
          ['pool', e(method)],
          ['kernel_size', kernel],
          ['stride', stride],
        ],
      ],
    ]);
  }

  globalPool(name: string, bottom: string, top = name): this {
    return this.add([
      ['name', name],
      ['type', 'Pooling'],
      ['bottom', bottom],
      ['top', top],
      [
        'pooling_param',
        [
          ['pool', e('AVE')],
          ['global_pooling', true],
        ],
      ],
    ]);
  }

  lrn(name: string, blob: string): this {
    return this.add([
      ['name', name],
      ['type', 'LRN'],
      ['bottom', blob],
      ['top', name],
      [
        'lrn_param',
        [
          ['local_size', 5],
          ['alpha', 0.0001],
          ['beta', 0.75],
        ],
      ],
    ]);
  }

  fc(name: string, bottom: string, numOutput: number): this {
    return this.add([
      ['name', name],
      ['type', 'InnerProduct'],
      ['bottom', bottom],
      ['top', name],
      ['inner_product_param', [['num_output', numOutput]]],
    ]);
  }

  dropout(name: string, blob: string, ratio = 0.5): this {
    return this.add([
      ['name', name],
      ['type', 'Dropout'],
      ['bottom', blob],
      ['top', blob],
      ['dropout_param', [['dropout_ratio', ratio]]],
    ]);
  }

  /** Inference-time BatchNorm (stored statistics) followed by its learned Scale, both in place. */
  batchNormScale(bnName: string, scaleName: string, blob: string): this {
    this.add([
      ['name', bnName],
      ['type', 'BatchNorm'],
      ['bottom', blob],
      ['top', blob],
      ['batch_norm_param', [['use_global_stats', true]]],
    ]);
    return this.add([
      ['name', scaleName],
      ['type', 'Scale'],
      ['bottom', blob],
      ['top', blob],
      ['scale_param', [['bias_term', true]]],
    ]);
  }

  eltwiseSum(name: string, bottoms: string[]): this {
    return this.add([
      ['name', name],
      ['type', 'Eltwise'],
      ...bottoms.map((b): [string, Value] => ['bottom', b]),
      ['top', name],
      ['eltwise_param', [['operation', e('SUM')]]],
    ]);
  }

  concat(name: string, bottoms: string[]): this {
    return this.add([['name', name], ['type', 'Concat'], ...bottoms.map((b): [string, Value] => ['bottom', b]), ['top', name]]);
  }

  softmax(name: string, bottom: string): this {
    return this.add([
      ['name', name],
      ['type', 'Softmax'],
      ['bottom', bottom],
      ['top', name],
    ]);
  }

  toString(): string {
    const comments = this.header.map((line) => `# ${line}`.trimEnd()).join('\n');
    return `${comments}\nname: ${JSON.stringify(this.name)}\n${this.preamble}${this.layers.join('')}`;
  }
}

function header(title: string, paper: string, notes: string[] = []): string[] {
  return [
    `${title}: generated by scripts/generate-samples.ts (Energy Lens); do not edit by hand.`,
    `Architecture from ${paper}.`,
    ...notes,
    'Deploy (inference) definition, Caffe V2 format.',
  ];
}

/** The `input:` + `input_shape {}` header style (the other samples use an Input layer). */
function inputShapeHeader(blob: string, dims: number[]): string {
  return `input: ${JSON.stringify(blob)}\ninput_shape {\n${dims.map((d) => `  dim: ${d}`).join('\n')}\n}\n`;
}

// ---- the networks ---------------------------------------------------------------------------

export function lenet(): string {
  const net = new Net(
    header('LeNet', 'LeCun, Bottou, Bengio, Haffner, "Gradient-Based Learning Applied to Document ' + 'Recognition", Proc. IEEE 1998', [
      "Caffe's MNIST variant: 20 and 50 conv filters, 500 hidden units.",
    ]),
    'LeNet',
    '',
  );
  return net
    .inputLayer('data', [1, 1, 28, 28])
    .conv('conv1', 'data', 20, 5)
    .pool('pool1', 'conv1', 'MAX', 2, 2)
    .conv('conv2', 'pool1', 50, 5)
    .pool('pool2', 'conv2', 'MAX', 2, 2)
    .fc('ip1', 'pool2', 500)
    .relu('relu1', 'ip1')
    .fc('ip2', 'ip1', 10)
    .softmax('prob', 'ip2')
    .toString();
}

export function alexnet(): string {
  const net = new Net(
    header('AlexNet', 'Krizhevsky, Sutskever, Hinton, "ImageNet Classification with Deep ' + 'Convolutional Neural Networks", NIPS 2012', [
      'Layout of the BVLC reference model: conv2/4/5 in two groups, LRN after conv1 and conv2.',
    ]),
    'AlexNet',
    '',
  );
  return net
    .inputLayer('data', [1, 3, 227, 227])
    .conv('conv1', 'data', 96, 11, { stride: 4 })
    .relu('relu1', 'conv1')
    .lrn('norm1', 'conv1')
    .pool('pool1', 'norm1', 'MAX', 3, 2)
    .conv('conv2', 'pool1', 256, 5, { pad: 2, group: 2 })
    .relu('relu2', 'conv2')
    .lrn('norm2', 'conv2')
    .pool('pool2', 'norm2', 'MAX', 3, 2)
    .conv('conv3', 'pool2', 384, 3, { pad: 1 })
    .relu('relu3', 'conv3')
    .conv('conv4', 'conv3', 384, 3, { pad: 1, group: 2 })
    .relu('relu4', 'conv4')
    .conv('conv5', 'conv4', 256, 3, { pad: 1, group: 2 })
    .relu('relu5', 'conv5')
    .pool('pool5', 'conv5', 'MAX', 3, 2)
    .fc('fc6', 'pool5', 4096)
    .relu('relu6', 'fc6')
    .dropout('drop6', 'fc6')
    .fc('fc7', 'fc6', 4096)
    .relu('relu7', 'fc7')
    .dropout('drop7', 'fc7')
    .fc('fc8', 'fc7', 1000)
    .softmax('prob', 'fc8')
    .toString();
}

export function squeezenet(): string {
  const net = new Net(
    header(
      'SqueezeNet v1.0',
      'Iandola et al., "SqueezeNet: AlexNet-level accuracy with 50x ' + 'fewer parameters and <0.5MB model size", arXiv:1602.07360',
      ['Fire module = 1x1 squeeze, then 1x1 and 3x3 expand concatenated.'],
    ),
    'SqueezeNet_v1.0',
    inputShapeHeader('data', [1, 3, 227, 227]),
  );
  const fire = (n: number, bottom: string, squeeze: number, expand: number): string => {
    const f = `fire${n}`;
    net
      .conv(`${f}/squeeze1x1`, bottom, squeeze, 1)
      .relu(`${f}/relu_squeeze1x1`, `${f}/squeeze1x1`)
      .conv(`${f}/expand1x1`, `${f}/squeeze1x1`, expand, 1)
      .relu(`${f}/relu_expand1x1`, `${f}/expand1x1`)
      .conv(`${f}/expand3x3`, `${f}/squeeze1x1`, expand, 3, { pad: 1 })
      .relu(`${f}/relu_expand3x3`, `${f}/expand3x3`)
      .concat(`${f}/concat`, [`${f}/expand1x1`, `${f}/expand3x3`]);
    return `${f}/concat`;
  };
  net.conv('conv1', 'data', 96, 7, { stride: 2 }).relu('relu_conv1', 'conv1').pool('pool1', 'conv1', 'MAX', 3, 2);
  let x = fire(2, 'pool1', 16, 64);
  x = fire(3, x, 16, 64);
  x = fire(4, x, 32, 128);
  net.pool('pool4', x, 'MAX', 3, 2);
  x = fire(5, 'pool4', 32, 128);
  x = fire(6, x, 48, 192);
  x = fire(7, x, 48, 192);
  x = fire(8, x, 64, 256);
  net.pool('pool8', x, 'MAX', 3, 2);
  x = fire(9, 'pool8', 64, 256);
  return net
    .dropout('drop9', x)
    .conv('conv10', x, 1000, 1)
    .relu('relu_conv10', 'conv10')
    .globalPool('pool10', 'conv10')
    .softmax('prob', 'pool10')
    .toString();
}

export function vgg16(): string {
  const net = new Net(
    header(
      'VGG-16',
      'Simonyan, Zisserman, "Very Deep Convolutional Networks for Large-Scale ' + 'Image Recognition", arXiv:1409.1556 (configuration D)',
    ),
    'VGG_ILSVRC_16_layers',
    inputShapeHeader('data', [1, 3, 224, 224]),
  );
  const blocks = [
    [64, 64],
    [128, 128],
    [256, 256, 256],
    [512, 512, 512],
    [512, 512, 512],
  ];
  let x = 'data';
  blocks.forEach((widths, b) => {
    widths.forEach((width, i) => {
      const name = `conv${b + 1}_${i + 1}`;
      net.conv(name, x, width, 3, { pad: 1 }).relu(`relu${b + 1}_${i + 1}`, name);
      x = name;
    });
    net.pool(`pool${b + 1}`, x, 'MAX', 2, 2);
    x = `pool${b + 1}`;
  });
  return net
    .fc('fc6', x, 4096)
    .relu('relu6', 'fc6')
    .dropout('drop6', 'fc6')
    .fc('fc7', 'fc6', 4096)
    .relu('relu7', 'fc7')
    .dropout('drop7', 'fc7')
    .fc('fc8', 'fc7', 1000)
    .softmax('prob', 'fc8')
    .toString();
}

export function resnet50(): string {
  const net = new Net(
    header('ResNet-50', 'He, Zhang, Ren, Sun, "Deep Residual Learning for Image Recognition", ' + 'arXiv:1512.03385 (Table 1, 50-layer)', [
      "Bottleneck blocks (1x1, 3x3, 1x1) with BatchNorm + Scale; the stride sits on the first 1x1 as in the authors' Caffe model.",
    ]),
    'ResNet-50',
    '',
  );
  const convBn = (name: string, bottom: string, out: number, kernel: number, o: ConvOptions, suffix: string, relu: boolean) => {
    net.conv(name, bottom, out, kernel, { ...o, bias: false }).batchNormScale(`bn${suffix}`, `scale${suffix}`, name);
    if (relu) net.relu(`${name}_relu`, name);
    return name;
  };
  net.inputLayer('data', [1, 3, 224, 224]);
  net
    .conv('conv1', 'data', 64, 7, { pad: 3, stride: 2, bias: false })
    .batchNormScale('bn_conv1', 'scale_conv1', 'conv1')
    .relu('conv1_relu', 'conv1')
    .pool('pool1', 'conv1', 'MAX', 3, 2);
  const stages: [number, number, number][] = [
    [2, 3, 64],
    [3, 4, 128],
    [4, 6, 256],
    [5, 3, 512],
  ];
  let x = 'pool1';
  for (const [stage, blocks, width] of stages) {
    for (let b = 0; b < blocks; b++) {
      const id = `${stage}${String.fromCharCode(97 + b)}`;
      const stride = b === 0 && stage > 2 ? 2 : 1;
      const shortcut = b === 0 ? convBn(`res${id}_branch1`, x, width * 4, 1, { stride }, `${id}_branch1`, false) : x;
      let y = convBn(`res${id}_branch2a`, x, width, 1, { stride }, `${id}_branch2a`, true);
      y = convBn(`res${id}_branch2b`, y, width, 3, { pad: 1 }, `${id}_branch2b`, true);
      y = convBn(`res${id}_branch2c`, y, width * 4, 1, {}, `${id}_branch2c`, false);
      net.eltwiseSum(`res${id}`, [shortcut, y]).relu(`res${id}_relu`, `res${id}`);
      x = `res${id}`;
    }
  }
  return net.pool('pool5', x, 'AVE', 7, 1).fc('fc1000', 'pool5', 1000).softmax('prob', 'fc1000').toString();
}

export function mobilenetV1(): string {
  const net = new Net(
    header(
      'MobileNet v1',
      'Howard et al., "MobileNets: Efficient Convolutional Neural Networks ' +
        'for Mobile Vision Applications", arXiv:1704.04861 (Table 1, width 1.0, 224)',
      ['Depthwise convolutions are Convolution layers with group = channels.'],
    ),
    'MobileNet_v1',
    inputShapeHeader('data', [1, 3, 224, 224]),
  );
  const bnRelu = (name: string) => net.batchNormScale(`${name}/bn`, `${name}/scale`, name).relu(`relu${name.slice(4)}`, name);
  net.conv('conv1', 'data', 32, 3, { pad: 1, stride: 2, bias: false });
  bnRelu('conv1');
  // [block name, input channels, output channels, depthwise stride]
  const separable: [string, number, number, number][] = [
    ['2_1', 32, 64, 1],
    ['2_2', 64, 128, 2],
    ['3_1', 128, 128, 1],
    ['3_2', 128, 256, 2],
    ['4_1', 256, 256, 1],
    ['4_2', 256, 512, 2],
    ['5_1', 512, 512, 1],
    ['5_2', 512, 512, 1],
    ['5_3', 512, 512, 1],
    ['5_4', 512, 512, 1],
    ['5_5', 512, 512, 1],
    ['5_6', 512, 1024, 2],
    ['6', 1024, 1024, 1],
  ];
  let x = 'conv1';
  for (const [id, inC, outC, stride] of separable) {
    net.conv(`conv${id}/dw`, x, inC, 3, { pad: 1, stride, group: inC, bias: false, depthwise: true });
    bnRelu(`conv${id}/dw`);
    net.conv(`conv${id}/sep`, `conv${id}/dw`, outC, 1, { bias: false });
    bnRelu(`conv${id}/sep`);
    x = `conv${id}/sep`;
  }
  // The classifier is a 1x1 convolution over the pooled features, as in the reference Caffe port.
  return net.globalPool('pool6', x).conv('fc7', 'pool6', 1000, 1).softmax('prob', 'fc7').toString();
}

/** File name → generator. */
export const SAMPLES: Readonly<Record<string, () => string>> = {
  'lenet.prototxt': lenet,
  'alexnet.prototxt': alexnet,
  'squeezenet_v1.0.prototxt': squeezenet,
  'vgg16.prototxt': vgg16,
  'resnet50.prototxt': resnet50,
  'mobilenet_v1.prototxt': mobilenetV1,
};

/** Writes every sample into `dir` (created if needed) and returns the written paths. */
export function generateSamples(dir: string): string[] {
  fs.mkdirSync(dir, { recursive: true });
  return Object.entries(SAMPLES).map(([file, generate]) => {
    const target = path.join(dir, file);
    fs.writeFileSync(target, generate());
    return target;
  });
}

// Run as a script only (`require.main === module` is also true where a bundle inlines this file).
if (/generate-samples\.[cm]?[jt]s$/.test(process.argv[1] ?? '')) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write('usage: generate-samples <dir>\n');
    process.exit(2);
  }
  for (const file of generateSamples(path.resolve(dir))) process.stdout.write(`${file}\n`);
}
