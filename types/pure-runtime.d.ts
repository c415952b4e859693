// The few globals that both runtimes (Node and the browser) provide, for the pure electron/common
// folder, which is compiled without DOM or Node types so that neither can creep in.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer): string;
}
