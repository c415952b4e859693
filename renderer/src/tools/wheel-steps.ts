/**
 * Turns wheel events into whole slice steps. A mouse notch (or any event of at least `threshold`
 * pixels, or in line/page units) is one step; the small deltas of a touchpad add up until they
 * reach the threshold. Wheel up (negative deltaY) is a positive, "forward" step.
 */
export class WheelSteps {
  private accumulated = 0;

  constructor(private readonly threshold = 50) {}

  steps(deltaY: number, deltaMode: number): number {
    if (deltaY === 0) return 0;
    if (deltaMode !== 0 || Math.abs(deltaY) >= this.threshold) {
      this.accumulated = 0;
      return deltaY < 0 ? 1 : -1;
    }
    if (Math.sign(deltaY) !== Math.sign(this.accumulated)) this.accumulated = 0;
    this.accumulated += deltaY;
    if (Math.abs(this.accumulated) < this.threshold) return 0;
    this.accumulated = 0;
    return deltaY < 0 ? 1 : -1;
  }
}
