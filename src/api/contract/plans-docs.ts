// RouteDocs of the patrol-plan and situation-report routes (routes/patrol-plans.ts, routes/situation-reports.ts).
import { z } from 'zod';
import { coverageQuery, coverageResponse, districtParams, planBody, planListResponse, planResponse } from '../routes/patrol-plans.js';
import { makeReportBody, pageQuery, reportListQuery, reportListResponse, reportResponse, storedReport, subscribeBody, subscription, subscriptionListResponse } from '../routes/situation-reports.js';
import { idParams, type RouteDoc } from './route-doc.js';

const readers = ['admin', 'operator', 'investigator'] as const;
const planTags = ['patrol plans'];
const reportTags = ['situation reports'];
const planSummary = planListResponse.shape.plans.element;

export const docs: RouteDoc[] = [
  { method: 'get', path: '/patrol-plans', tags: planTags, roles: readers, summary: 'The districts with a patrol plan, with their counts of points, lines and areas', responses: { 200: { description: 'Plans', schema: planListResponse } } },
  {
    method: 'get', path: '/patrol-plans/{district}', tags: planTags, roles: readers, params: districtParams, summary: "A district's patrol plan as GeoJSON",
    description: 'Point features are must-reach points (radiusM, minDwellS), LineStrings must-patrol lines (corridorM, the full width), Polygons core or key areas (level). Every feature has id and grid.',
    responses: { 200: { description: 'The plan', schema: planResponse } }, errors: [404],
  },
  {
    method: 'put', path: '/patrol-plans/{district}', tags: planTags, roles: ['admin'], params: districtParams, summary: "Replaces a district's patrol plan (audited)",
    description: 'A GeoJSON FeatureCollection; missing radiusM/minDwellS/corridorM take plans.default*. The version goes one up; the command room is told (event patrol-plan).',
    body: { schema: planBody }, responses: { 200: { description: 'The stored plan', schema: planSummary } }, errors: [400],
  },
  { method: 'delete', path: '/patrol-plans/{district}', tags: planTags, roles: ['admin'], params: districtParams, summary: "Removes a district's patrol plan (audited)", responses: { 204: { description: 'Removed' } }, errors: [404] },
  {
    method: 'get', path: '/patrol-plans/{district}/coverage', tags: planTags, roles: readers, params: districtParams, query: coverageQuery,
    summary: 'Coverage of the plan from the units\' position history: points reached, line shares, area time, gaps',
    description: 'The window is a local day (default today, up to now), one shift of it (reports.shifts), or from/to. A line segment counts once a fix within half the corridor falls on it; a point is reached by a visit (consecutive fixes inside its radius, no gap over plans.maxGapS) that lasts minDwellS.',
    responses: { 200: { description: 'Coverage', schema: coverageResponse } }, errors: [400, 404],
  },
  { method: 'get', path: '/situation-reports', tags: reportTags, roles: readers, query: reportListQuery, summary: 'Stored situation reports, newest first', responses: { 200: { description: 'Reports', schema: reportListResponse } } },
  {
    method: 'post', path: '/situation-reports', tags: reportTags, roles: ['admin', 'operator'], summary: 'Makes a daily or weekly situation report now (audited) and sends it to the subscribers',
    body: { schema: makeReportBody }, responses: { 201: { description: 'The stored report (hasPdf false with pdfError when no chromium)', schema: storedReport } }, errors: [400],
  },
  { method: 'get', path: '/situation-reports/subscriptions', tags: reportTags, roles: readers, summary: 'Your subscriptions (an admin sees all)', responses: { 200: { description: 'Subscriptions', schema: subscriptionListResponse } } },
  { method: 'post', path: '/situation-reports/subscriptions', tags: reportTags, roles: readers, summary: "Subscribes to a district's reports (on your event stream, and a signed webhook if given); audited", body: { schema: subscribeBody }, responses: { 201: { description: 'The subscription', schema: subscription } }, errors: [400] },
  { method: 'delete', path: '/situation-reports/subscriptions/{id}', tags: reportTags, roles: readers, params: idParams, summary: 'Ends a subscription (its subscriber or an admin); audited', responses: { 204: { description: 'Ended' } }, errors: [403, 404] },
  { method: 'get', path: '/situation-reports/{id}', tags: reportTags, roles: readers, params: idParams, summary: "A report and its figures", responses: { 200: { description: 'The report', schema: reportResponse } }, errors: [404] },
  { method: 'get', path: '/situation-reports/{id}/page', tags: reportTags, roles: readers, params: idParams, query: pageQuery, summary: 'The report as HTML with SVG charts: a fragment for the page, or a whole document', responses: { 200: { description: 'HTML', schema: z.string(), contentType: 'text/html' } }, errors: [404] },
  { method: 'get', path: '/situation-reports/{id}/report.pdf', tags: reportTags, roles: readers, params: idParams, summary: 'The report as PDF (printed by chromium when made)', responses: { 200: { description: 'PDF', contentType: 'application/pdf' } }, errors: [404, 503] },
  { method: 'get', path: '/situation-reports/{id}/report.csv', tags: reportTags, roles: readers, params: idParams, summary: 'The report as CSV: section, grid, hour, metric, value', responses: { 200: { description: 'CSV', schema: z.string(), contentType: 'text/csv' } }, errors: [404] },
];
