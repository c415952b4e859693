/**
 * A label map as its runs of non-zero voxels, the form a propagation's seeds travel in from the
 * page to the inference worker: (gap from the previous run's end, length, value) per run, each an
 * unsigned LEB128 integer. A label map is mostly background, so this is a few kilobytes where the
 * map itself is the whole volume; the page packs it without copying its labels, and only the
 * worker, which reads every slice of it, unpacks it into a volume again.
 */
import { ServiceError } from '../errors';
import { Leb128Reader, Leb128Writer } from '../leb128';

export type SeedLabels = Uint8Array | Uint16Array;

/** The runs of non-zero voxels of `labels`, packed (see the module's comment). */
export function packSeedRuns(labels: SeedLabels): ArrayBuffer {
  const codes = new Leb128Writer(1024);
  const n = labels.length;
  // Background is skipped 4 bytes at a time where the labels start on a 4-byte boundary.
  const words = labels.byteOffset % 4 === 0 ? new Uint32Array(labels.buffer, labels.byteOffset, Math.floor(labels.byteLength / 4)) : undefined;
  const perWord = 4 / labels.BYTES_PER_ELEMENT;
  let end = 0;
  let index = 0;
  while (index < n) {
    if (words !== undefined && index % perWord === 0) {
      let w = index / perWord;
      while (w < words.length && words[w] === 0) w++;
      index = Math.min(n, w * perWord);
      if (index >= n) break;
    }
    const value = labels[index] as number;
    if (value === 0) {
      index++;
      continue;
    }
    let length = 1;
    while (index + length < n && labels[index + length] === value) length++;
    codes.push(index - end);
    codes.push(length);
    codes.push(value);
    index += length;
    end = index;
  }
  return codes.finish().buffer;
}

/**
 * Writes packed runs into `into` (which the caller zeroed: a new typed array is); throws a
 * ServiceError 'bad-request' when the runs do not fit it.
 */
export function unpackSeedRuns(runs: ArrayBuffer, into: SeedLabels): void {
  const codes = new Leb128Reader(new Uint8Array(runs), () => new ServiceError('bad-request', 'The seeds end in the middle of a number.'));
  const maxValue = into instanceof Uint8Array ? 0xff : 0xffff;
  let end = 0;
  while (!codes.done) {
    const start = end + codes.read();
    const length = codes.read();
    const value = codes.read();
    if (start + length > into.length) throw new ServiceError('bad-request', `The seeds run past the volume's ${into.length} voxels.`);
    if (value > maxValue) throw new ServiceError('bad-request', `The seeds hold the value ${value}, which is not a ${into instanceof Uint8Array ? 'uint8' : 'uint16'} label.`);
    into.fill(value, start, start + length);
    end = start + length;
  }
}
