import type { ChildProcess } from 'node:child_process';
import type { Browser, Page } from '@playwright/test';

export declare function startServer(dataDir: string, port?: number): Promise<{ url: string; child: ChildProcess; port: number }>;
export declare function killServer(child: ChildProcess): Promise<void>;
export declare function waitReady(page: Page): Promise<void>;
export declare function waitIdle(page: Page): Promise<void>;
export declare function prepareBrush(page: Page): Promise<void>;
export declare function brushAction(page: Page, n: number): Promise<void>;
export declare function tibiaVoxels(page: Page): Promise<number>;
export declare function historyState(page: Page): Promise<{ count: number; cursor: number }>;
export declare function restoreInNewPage(
  browser: Browser,
  url: string,
): Promise<{ page: Page; voxels: number; history: { count: number; cursor: number } }>;
