// Where a principal may look: a set of districts and/or cameras, or everywhere (null).
// An operator of district A sees A's cameras, alerts, units and footage, and no other.

export interface Scope {
  districts: string[];
  cameras: string[];
}

/** Everywhere: admins, and accounts with no scope set. */
export const EVERYWHERE: Scope | null = null;

/** True when a camera (with its district) lies in the scope; null scope is everywhere. */
export function cameraInScope(scope: Scope | null, camera: { id: string; district?: string | null }): boolean {
  if (scope === null) return true;
  return scope.cameras.includes(camera.id) || (!!camera.district && scope.districts.includes(camera.district));
}
