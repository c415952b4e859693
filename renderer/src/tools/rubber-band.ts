/** The shape a drag tool is drawing (a box or a stroke), over the slice view, in CSS pixels. */
import { svg } from '../ui/dom';

export class RubberBand {
  private readonly root = svg('svg', { class: 'prompt-rubber-band', 'aria-hidden': 'true', 'data-testid': 'prompt-rubber-band' });
  private readonly shape = svg('polyline', { class: 'prompt-shape' });

  constructor(host: HTMLElement) {
    this.root.append(this.shape);
    host.append(this.root);
  }

  /** Draws the rectangle with corners a and b. */
  rect(a: { x: number; y: number }, b: { x: number; y: number }): void {
    this.draw([a, { x: b.x, y: a.y }, b, { x: a.x, y: b.y }, a], 'box');
  }

  /** Draws a stroke through the points. */
  stroke(points: readonly { x: number; y: number }[], positive: boolean): void {
    this.draw(points, positive ? 'positive' : 'negative');
  }

  clear(): void {
    this.shape.setAttribute('points', '');
  }

  dispose(): void {
    this.root.remove();
  }

  private draw(points: readonly { x: number; y: number }[], kind: string): void {
    this.shape.setAttribute('class', `prompt-shape ${kind}`);
    this.shape.setAttribute('points', points.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' '));
  }
}
