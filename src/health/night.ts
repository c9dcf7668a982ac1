// Night at a camera, by the sun's elevation at its coordinates: then a grey (IR) picture is no fault.
import { getPosition } from 'suncalc';

/** The sun's elevation in degrees at a place and time. */
export function sunElevationDeg(at: number, lat: number, lon: number): number {
  return (getPosition(new Date(at), lat, lon).altitude * 180) / Math.PI;
}

export function isNight(at: number, lat: number, lon: number, sunBelowDeg: number): boolean {
  return sunElevationDeg(at, lat, lon) < sunBelowDeg;
}
