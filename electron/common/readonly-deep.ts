/**
 * `T` with every array, tuple and object property readonly (ArrayBuffers left as they are): what a
 * caller may pass where a schema's input type is mutable, since the value is only read and sent.
 */
export type ReadonlyDeep<T> = T extends ArrayBuffer ? T : T extends object ? { readonly [K in keyof T]: ReadonlyDeep<T[K]> } : T;
