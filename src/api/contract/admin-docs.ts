// RouteDocs of the admin views: the audit log, its chain check and the failed queue jobs (routes/admin.ts).
import { auditPageSchema, auditQuery, auditVerifySchema, failedJobsSchema } from '../routes/admin.js';
import type { RouteDoc } from './route-doc.js';

const ADMIN = ['admin'] as const;
const tags = ['admin'];

export const docs: RouteDoc[] = [
  {
    method: 'get',
    path: '/admin/audit',
    tags,
    roles: ADMIN,
    query: auditQuery,
    errors: [400],
    summary: 'The audit log, oldest first, paged by sequence number (pass nextAfter as after=)',
    responses: {
      200: { description: 'A page of entries with the total (of the action, when given)', schema: auditPageSchema },
    },
  },
  {
    method: 'get',
    path: '/admin/audit/verify',
    tags,
    roles: ADMIN,
    summary: 'Re-walks the hash chain of the whole audit log',
    responses: { 200: { description: 'Entries checked and the first broken one, if any', schema: auditVerifySchema } },
  },
  {
    method: 'get',
    path: '/admin/jobs/failed',
    tags,
    roles: ADMIN,
    summary: 'Failed queue jobs (the last 50 of each queue) with their reason and payload',
    responses: { 200: { description: 'Failed jobs', schema: failedJobsSchema } },
  },
];
