/**
 * Coalesces render requests into one per animation frame. The document counts as busy from the
 * first request until the frame has rendered, so tests that wait for `data-busy="false"` see the
 * new pixels.
 */
import type { AppStore } from '../stores/app-store';

export interface Renderable {
  render(): void;
}

export class RenderScheduler {
  private readonly pending = new Set<Renderable>();
  private frame: number | undefined;

  constructor(private readonly app: AppStore) {}

  request(target: Renderable): void {
    this.pending.add(target);
    if (this.frame !== undefined) return;
    this.app.begin();
    this.frame = requestAnimationFrame(() => {
      this.flush();
    });
  }

  /** Renders everything requested so far, now. */
  flush(): void {
    if (this.frame === undefined) return;
    cancelAnimationFrame(this.frame);
    this.frame = undefined;
    const targets = [...this.pending];
    this.pending.clear();
    try {
      for (const target of targets) target.render();
    } finally {
      this.app.end();
    }
  }

  dispose(): void {
    if (this.frame !== undefined) {
      cancelAnimationFrame(this.frame);
      this.frame = undefined;
      this.pending.clear();
      this.app.end();
    }
  }
}
