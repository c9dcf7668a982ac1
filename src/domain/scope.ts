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

/** True when a district lies in the scope (units and district reports): a camera grant alone does not open a district. */
export function districtInScope(scope: Scope | null, district: string | null | undefined): boolean {
  if (scope === null) return true;
  return !!district && scope.districts.includes(district);
}

/** A scope widened by a grant (a case's): everywhere stays everywhere; no grant, no change. */
export function widen(scope: Scope | null, grant: Scope | null | undefined): Scope | null {
  if (scope === null || !grant) return scope;
  return {
    districts: [...new Set([...scope.districts, ...grant.districts])],
    cameras: [...new Set([...scope.cameras, ...grant.cameras])],
  };
}

/** An empty grant: nothing beyond the holder's own scope. */
export const isEmptyScope = (s: Scope) => s.districts.length === 0 && s.cameras.length === 0;
