/**
 * What scripts/hostile-corpus.mjs needs from the TypeScript sources, bundled by it with esbuild:
 * the corpus (electron/node/io/test-support/hostile-files.ts) and the serve-mode wire format.
 */
export { HOSTILE_CASES, REFERENCE_IMAGE, isOneSentence, writeHostileCorpus } from '../electron/node/io/test-support/hostile-files';
export { decodeFrame, encodeFrame } from '../electron/common/wire';
