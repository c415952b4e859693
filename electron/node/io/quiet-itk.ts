/**
 * itk-wasm pipelines print straight to the console: ITK's own warnings ("MetaImage: data not read
 * completely") through the Emscripten module's print hooks, and "Exception while running pipeline"
 * banners from runPipelineNode when a C++ exception escapes. A pipeline that exits with an error
 * also sets process.exitCode, which would make the whole app exit with 1 much later. The readers
 * turn every failure into one sentence themselves, so both side effects are undone here.
 */

type ConsoleMethod = 'log' | 'error' | 'warn' | 'info' | 'debug';
const METHODS: readonly ConsoleMethod[] = ['log', 'error', 'warn', 'info', 'debug'];

let depth = 0;
const originals = new Map<ConsoleMethod, (...args: unknown[]) => void>();

/**
 * Runs `task` with the console silenced. Calls may overlap (Promise.all over several reads): the
 * console is swapped by the first and restored by the last. Anything else printed meanwhile is
 * dropped too, so wrap only the itk-wasm call itself.
 */
export async function quietItk<T>(task: () => Promise<T>): Promise<T> {
  const exitCode = process.exitCode;
  if (depth === 0) {
    for (const method of METHODS) {
      originals.set(method, console[method].bind(console));
      console[method] = () => undefined;
    }
  }
  depth++;
  try {
    return await task();
  } finally {
    process.exitCode = exitCode;
    depth--;
    if (depth === 0) {
      for (const [method, original] of originals) console[method] = original;
      originals.clear();
    }
  }
}
