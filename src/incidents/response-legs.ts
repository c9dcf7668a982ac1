// An incident's response legs taken inside its transaction: the units and posts the response plan picks (nearest
// first, distinct grids where the severity asks), each taken and its offer audited; also the replacements.
import type { ResponsePlan } from '../config/incidents.js';
import type { Db } from '../store/db.js';
import type { IncidentDeps } from './incident-deps.js';
import type { Incident, IncidentLeg } from './incident-repo.js';
import { planResponse, type Candidate, type PlannedLeg } from './response-plan.js';

/** Plans and takes the legs inside the transaction; a unit taken meanwhile by another offer is skipped for the next. */
export async function offerLegs(
  d: IncidentDeps,
  t: Db,
  incident: Incident,
  plan: ResponsePlan,
  round: number,
  alsoTried: string[] = [],
): Promise<IncidentLeg[]> {
  if (plan.units + plan.posts === 0) return [];
  const repo = d.incidents.on(t);
  const current = (await repo.get(incident.id)) as Incident;
  const tried = new Set([...current.legs.map((l) => l.unitId), ...alsoTried]);
  const live = current.legs.filter(
    (l) => l.kind === 'unit' && (l.state === 'offered' || l.state === 'acknowledged' || l.state === 'arrived'),
  );
  const candidates = (await repo.candidates()) as Candidate[];
  const planned = planResponse(incident, candidates, plan, {
    now: Date.now(),
    staleAfterMs: d.config.dispatch.staleAfterSeconds * 1000,
    postTargetS: d.config.incidents.postTargetS,
    exclude: tried,
    gridsTaken: plan.distinctGrids ? new Set(live.map((l) => l.grid)) : new Set(),
    ...(d.travel ? { travel: d.travel } : {}),
  });
  let lane = current.legs.reduce((m, l) => Math.max(m, l.lane), 0);
  const legs: IncidentLeg[] = [];
  for (const p of planned) {
    const leg = await repo.addLeg({
      incidentId: incident.id,
      unitId: p.unitId,
      kind: p.kind,
      unitType: p.unitType,
      grid: p.grid,
      lane: lane + 1,
      distanceM: p.distanceM,
      etaS: p.etaS,
      targetS: p.targetS,
    });
    if (!leg) continue;
    lane++;
    legs.push(leg);
    await d.audit.on(t).append({
      actor: 'system',
      role: 'system',
      action: 'incident.leg_offered',
      target: incident.id,
      details: legDetails(p, round),
    });
  }
  return legs;
}

function legDetails(p: PlannedLeg, round: number) {
  return {
    unitId: p.unitId,
    kind: p.kind,
    grid: p.grid,
    round,
    distanceM: Math.round(p.distanceM),
    etaS: Math.round(p.etaS),
    targetS: p.targetS,
    via: p.via,
  };
}
