/**
 * A binary mask as run lengths (uint32), alternating 0-runs and 1-runs and starting with a 0-run
 * (possibly empty): a click's mask is a few blobs, so a 384² mask (147 KiB) becomes a few hundred
 * bytes on its way back from the inference worker.
 */

export function encodeMaskRuns(mask: Uint8Array): Uint32Array {
  const runs: number[] = [];
  let value = 0;
  let length = 0;
  for (let n = 0; n < mask.length; n++) {
    const v = mask[n] === 0 ? 0 : 1;
    if (v === value) length++;
    else {
      runs.push(length);
      value = v;
      length = 1;
    }
  }
  runs.push(length);
  return Uint32Array.from(runs);
}

/** The mask of `length` pixels that `runs` describes; throws when the runs do not add up to it. */
export function decodeMaskRuns(runs: Uint32Array, length: number): Uint8Array {
  const mask = new Uint8Array(length);
  let at = 0;
  for (let n = 0; n < runs.length; n++) {
    const run = runs[n] ?? 0;
    if (at + run > length) break;
    if (n % 2 === 1) mask.fill(1, at, at + run);
    at += run;
  }
  const total = runs.reduce((sum, run) => sum + run, 0);
  if (total !== length) throw new Error(`The mask runs cover ${total} pixels, not the slice's ${length}.`);
  return mask;
}
