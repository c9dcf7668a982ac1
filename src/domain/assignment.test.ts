// The assignment state machine: which answers each state allows.
import { describe, expect, it } from 'vitest';
import { ASSIGNMENT_STATES, ASSIGNMENT_TRANSITIONS, canMove, type AssignmentMove } from './assignment.js';

describe('assignment transitions', () => {
  it('lets a unit acknowledge, arrive and resolve in order, and an unanswered offer time out', () => {
    expect(canMove('offered', 'acknowledged')).toBe(true);
    expect(canMove('acknowledged', 'arrived')).toBe(true);
    expect(canMove('offered', 'arrived')).toBe(true); // arrived without acknowledging first
    expect(canMove('arrived', 'resolved')).toBe(true);
    expect(canMove('offered', 'timed_out')).toBe(true);
  });

  it('refuses going back, answering twice, resolving an unanswered offer, and anything after the end', () => {
    expect(canMove('acknowledged', 'acknowledged')).toBe(false);
    expect(canMove('arrived', 'acknowledged')).toBe(false);
    expect(canMove('offered', 'resolved')).toBe(false);
    expect(canMove('acknowledged', 'timed_out')).toBe(false);
    for (const end of ['timed_out', 'resolved'] as const) {
      for (const to of Object.keys(ASSIGNMENT_TRANSITIONS) as AssignmentMove[])
        expect(canMove(end, to), `${end} -> ${to}`).toBe(false);
    }
  });

  it('names only known states', () => {
    for (const from of Object.values(ASSIGNMENT_TRANSITIONS).flat()) expect(ASSIGNMENT_STATES).toContain(from);
  });
});
