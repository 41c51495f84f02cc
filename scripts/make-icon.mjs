// Draws the extension's icon (media/icon.png, 128x128 RGBA): a lightning bolt over three stacked
// network layers on a dark tile. Pure Node (zlib) so the icon is reproducible: `node scripts/make-icon.mjs`.
import fs from 'node:fs';
import zlib from 'node:zlib';

const SIZE = 128;
const SS = 4; // supersampling per axis for smooth edges

/** Even-odd point-in-polygon test. */
function inside(poly, x, y) {
  let hit = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i];
    const [xj, yj] = poly[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) hit = !hit;
  }
  return hit;
}
function roundedRect(x, y, x0, y0, x1, y1, r) {
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

const tile = (x, y) => roundedRect(x, y, 4, 4, 124, 124, 22);
const layers = [30, 56, 82].map((top) => (x, y) => roundedRect(x, y, 18, top, 84, top + 18, 5));
const bolt = [
  [92, 10],
  [56, 68],
  [78, 68],
  [62, 118],
  [108, 52],
  [84, 52],
  [100, 10],
];

const COLORS = { tile: [24, 36, 52], layer: [64, 110, 160], bolt: [255, 200, 40], edge: [255, 236, 160] };
function colorAt(x, y) {
  if (inside(bolt, x, y)) return [...COLORS.bolt, 255];
  for (const layer of layers) if (layer(x, y)) return [...COLORS.layer, 255];
  if (tile(x, y)) return [...COLORS.tile, 255];
  return [0, 0, 0, 0];
}

const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let py = 0; py < SIZE; py++) {
  raw[py * (SIZE * 4 + 1)] = 0; // filter: none
  for (let px = 0; px < SIZE; px++) {
    const sum = [0, 0, 0, 0];
    for (let sy = 0; sy < SS; sy++) {
      for (let sx = 0; sx < SS; sx++) {
        const c = colorAt(px + (sx + 0.5) / SS, py + (sy + 0.5) / SS);
        sum[0] += c[0] * c[3];
        sum[1] += c[1] * c[3];
        sum[2] += c[2] * c[3];
        sum[3] += c[3];
      }
    }
    const o = py * (SIZE * 4 + 1) + 1 + px * 4;
    const a = sum[3] / (SS * SS);
    for (let k = 0; k < 3; k++) raw[o + k] = sum[3] ? Math.round(sum[k] / sum[3]) : 0;
    raw[o + 3] = Math.round(a);
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bit depth
header[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
fs.writeFileSync(new URL('../media/icon.png', import.meta.url), png);
console.log(`media/icon.png: ${SIZE}x${SIZE}, ${png.length} bytes`);
