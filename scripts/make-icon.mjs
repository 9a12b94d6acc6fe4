// Draws media/icon.png (128×128, the Marketplace size): the activity-bar cube in white on
// a blue rounded square. No image tools on the build machines, so the PNG is written by hand.
//   node scripts/make-icon.mjs
import { writeFileSync } from 'node:fs';
import zlib from 'node:zlib';

const SIZE = 128;
const SAMPLES = 4; // per axis: anti-aliasing by supersampling
const BLUE = [35, 104, 196];
// media/activity-bar.svg's paths, in its 24-unit viewBox.
const OUTLINE = [[3, 8.5], [12, 4], [21, 8.5], [21, 15.5], [12, 20], [3, 15.5], [3, 8.5]];
const INNER = [[[3, 8.5], [12, 13], [21, 8.5]], [[12, 13], [12, 20]]];
const FRONT_FACE = [[3, 8.5], [12, 13], [12, 20], [3, 15.5]];
const toPixels = ([x, y]) => [4 + x * 5, 4 + y * 5];
const STROKE = 3.6;

const segments = [OUTLINE, ...INNER].flatMap((line) => line.slice(1).map((p, i) => [toPixels(line[i]), toPixels(p)]));
const face = FRONT_FACE.map(toPixels);

function distanceToSegment([px, py], [[ax, ay], [bx, by]]) {
  const t = Math.max(0, Math.min(1, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
  return Math.hypot(px - ax - t * (bx - ax), py - ay - t * (by - ay));
}
function inside([px, py], polygon) {
  let hit = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i];
    const [xj, yj] = polygon[j];
    if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) hit = !hit;
  }
  return hit;
}
function inRoundedSquare([x, y], radius = 22) {
  const dx = Math.max(radius - x, 0, x - (SIZE - radius));
  const dy = Math.max(radius - y, 0, y - (SIZE - radius));
  return Math.hypot(dx, dy) <= radius;
}
/** [background coverage, white coverage] of one sample point. */
function sample(point) {
  if (!inRoundedSquare(point)) return [0, 0];
  if (segments.some((segment) => distanceToSegment(point, segment) <= STROKE)) return [1, 1];
  return [1, inside(point, face) ? 0.3 : 0];
}

const rows = [];
for (let y = 0; y < SIZE; y++) {
  const row = Buffer.alloc(1 + SIZE * 4); // filter byte 0: none
  for (let x = 0; x < SIZE; x++) {
    let alpha = 0;
    let white = 0;
    for (let i = 0; i < SAMPLES * SAMPLES; i++) {
      const [a, w] = sample([x + ((i % SAMPLES) + 0.5) / SAMPLES, y + (Math.floor(i / SAMPLES) + 0.5) / SAMPLES]);
      alpha += a;
      white += w;
    }
    const mix = alpha ? white / alpha : 0;
    BLUE.forEach((channel, c) => (row[1 + x * 4 + c] = Math.round(channel + (255 - channel) * mix)));
    row[1 + x * 4 + 3] = Math.round((255 * alpha) / (SAMPLES * SAMPLES));
  }
  rows.push(row);
}

function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([length, body, crc]);
}
const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', zlib.deflateSync(Buffer.concat(rows), { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(new URL('../media/icon.png', import.meta.url), png);
console.log(`media/icon.png: ${SIZE}×${SIZE}, ${png.length} bytes`);
