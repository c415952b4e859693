export declare const ELECTRON_TOOLING_NODE: string;
export declare function distPreflight(options: {
  readonly repositoryRoot: string;
  readonly nodeVersion: string;
  readonly overrideDistPath?: string;
}): { ok: true; electronDist: string } | { ok: false; reason: string };
