import type { ChildProcess } from 'node:child_process';

export declare const repositoryRoot: string;
export declare const CHROMIUM_ARGS: readonly string[];
export declare function chromiumPath(): string;
export declare function startServe(options?: {
  readonly extraArgs?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly onOutput?: (text: string) => void;
  readonly appRoot?: string;
}): Promise<{ url: string; child: ChildProcess }>;
