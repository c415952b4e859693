import { describe, expect, it } from 'vitest';
import { WheelSteps } from './wheel-steps';

describe('WheelSteps', () => {
  it('makes one step per notch, forward for wheel up', () => {
    const wheel = new WheelSteps();
    expect(wheel.steps(-100, 0)).toBe(1);
    expect(wheel.steps(120, 0)).toBe(-1);
    expect(wheel.steps(3, 1)).toBe(-1);
    expect(wheel.steps(0, 0)).toBe(0);
  });

  it('adds up touchpad deltas and restarts when the direction changes', () => {
    const wheel = new WheelSteps(50);
    expect([wheel.steps(-20, 0), wheel.steps(-20, 0), wheel.steps(-20, 0)]).toEqual([0, 0, 1]);
    expect([wheel.steps(-30, 0), wheel.steps(30, 0), wheel.steps(30, 0)]).toEqual([0, 0, -1]);
  });
});
