/** Decodes a source map's `mappings` (base64 VLQ) into segments per generated line. */
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export type Segment = [column: number, source?: number, line?: number, sourceColumn?: number];

export function decodeMappings(mappings: string): Segment[][] {
  const lines: Segment[][] = [];
  const state = [0, 0, 0, 0];
  for (const line of mappings.split(';')) {
    state[0] = 0;
    const segments: Segment[] = [];
    for (const text of line === '' ? [] : line.split(',')) {
      const values = decodeVlq(text);
      values.forEach((value, i) => {
        state[i] = (state[i] as number) + value;
      });
      segments.push(values.length >= 4 ? [state[0] as number, state[1], state[2], state[3]] : [state[0] as number]);
    }
    lines.push(segments);
  }
  return lines;
}

function decodeVlq(text: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of text) {
    const digit = BASE64.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}
