// RouteDocs of the faces and footage group: watchlist subjects, authorisations, face search, footage listing and
// playback, segments, clip exports and cases. The routes parse with these request schemas and answer these views.
import { z } from 'zod';
import {
  alertLinkBody,
  bookmarkBody,
  caseBody,
  exportBody,
  rangeQuery,
  reasonBody,
  whyQuery as footageWhyQuery,
} from '../../recording/footage-access.js';
import { subjectInputSchema } from '../../domain/face-watchlist.js';
import {
  authorisationChangeBody,
  authorisationCreateBody,
  authorisationEndBody,
  authorisationListQuery,
} from '../routes/authorisations.js';
import { faceSearchFields } from '../routes/face-search.js';
import { subjectListQuery, subjectPatchBody, whyQuery } from '../routes/subjects.js';
import {
  authorisationViewSchema,
  enrolmentSchema,
  faceSearchSchema,
  photosAddedSchema,
  subjectDeletedSchema,
  subjectDetailSchema,
  subjectViewSchema,
} from '../../views/faces.js';
import {
  caseClosedSchema,
  caseFileSchema,
  caseItemViewSchema,
  caseViewSchema,
  exportDetailSchema,
  exportViewSchema,
  footageListSchema,
} from '../../views/footage.js';
import { idParams, pageOf, type RouteDoc } from './route-doc.js';

const EDITORS = ['admin', 'operator'] as const;
const READERS = ['admin', 'operator', 'investigator'] as const;
const CASEWORK = ['admin', 'investigator'] as const;

const photoParams = z.object({ id: z.string().describe('Subject UUID'), photoId: z.string().describe('Photo UUID') });
const cameraParams = z.object({ camera: z.string().describe('Camera id') });
const caseParams = z.object({ id: z.string().describe('Case UUID or case number') });

const multipartPhotos = {
  photos: z.array(z.string()).describe('Files: JPEG, PNG or WebP (checked by content), one face each'),
  sources: z.array(z.string()).describe('Where each photo came from: one for all, or one per photo in order'),
  why: z.string().describe('A case number or reason (at least 3 characters)'),
};
const enrolForm = subjectInputSchema.extend(multipartPhotos);
const photoForm = z.object(multipartPhotos);
const searchForm = faceSearchFields.extend({ photo: z.string().describe('File: the face to search for') });

const faces: RouteDoc[] = [
  {
    method: 'get',
    path: '/subjects',
    tags: ['faces'],
    roles: READERS,
    query: subjectListQuery,
    errors: [400],
    summary: 'Face watchlist subjects, newest first (live ones unless includeInactive)',
    responses: { 200: { description: 'A page of subjects', schema: pageOf('subjects', subjectViewSchema) } },
  },
  {
    method: 'post',
    path: '/subjects',
    tags: ['faces'],
    roles: EDITORS,
    errors: [400, 422],
    summary:
      'List a subject with photos; each photo must hold exactly one sharp, large enough face, else a per-photo error',
    body: { schema: enrolForm, contentType: 'multipart/form-data', description: 'Text fields and the photos as files' },
    responses: {
      201: {
        description: "The subject and each photo's result (422 with photos[] when none enrols)",
        schema: enrolmentSchema,
      },
    },
  },
  {
    method: 'get',
    path: '/subjects/{id}',
    tags: ['faces'],
    roles: READERS,
    params: idParams,
    errors: [404],
    summary: 'One subject with its photos (source, quality, who added them)',
    responses: { 200: { description: 'The subject', schema: subjectDetailSchema } },
  },
  {
    method: 'patch',
    path: '/subjects/{id}',
    tags: ['faces'],
    roles: EDITORS,
    params: idParams,
    errors: [400, 404],
    summary: 'Change name, category, reason, reference, expiry or active, with why; audited',
    body: { schema: subjectPatchBody },
    responses: { 200: { description: 'The subject after the change', schema: subjectViewSchema } },
  },
  {
    method: 'delete',
    path: '/subjects/{id}',
    tags: ['faces'],
    roles: EDITORS,
    params: idParams,
    query: whyQuery,
    errors: [400, 404],
    summary: 'Delete a subject: photos and embeddings go; a tombstone stays if alerts point at it; audited',
    responses: { 200: { description: 'Deleted', schema: subjectDeletedSchema } },
  },
  {
    method: 'post',
    path: '/subjects/{id}/photos',
    tags: ['faces'],
    roles: EDITORS,
    params: idParams,
    errors: [400, 404, 422],
    summary: 'Add photos to a subject; audited',
    body: { schema: photoForm, contentType: 'multipart/form-data' },
    responses: { 200: { description: "Each photo's result", schema: photosAddedSchema } },
  },
  {
    method: 'get',
    path: '/subjects/{id}/photos/{photoId}',
    tags: ['faces'],
    roles: READERS,
    params: photoParams,
    errors: [404],
    signedMedia: true,
    summary: 'An enrolled photo as uploaded',
    responses: { 200: { description: 'The image', contentType: 'image/' } },
  },
  {
    method: 'delete',
    path: '/subjects/{id}/photos/{photoId}',
    tags: ['faces'],
    roles: EDITORS,
    params: photoParams,
    query: whyQuery,
    errors: [400, 404],
    summary: 'Remove one photo and its embedding; audited',
    responses: { 200: { description: 'Deleted', schema: subjectDeletedSchema } },
  },
  {
    method: 'get',
    path: '/authorisations',
    tags: ['faces'],
    roles: READERS,
    query: authorisationListQuery,
    errors: [400],
    summary: 'Authorisations for live face matching (open ones unless includeEnded)',
    responses: {
      200: { description: 'A page of authorisations', schema: pageOf('authorisations', authorisationViewSchema) },
    },
  },
  {
    method: 'post',
    path: '/authorisations',
    tags: ['faces'],
    roles: ['admin'],
    errors: [400],
    summary:
      'Authorise live face matching on cameras or districts for a time window; the watchlist is frozen at its start; audited',
    body: { schema: authorisationCreateBody },
    responses: { 201: { description: 'The authorisation', schema: authorisationViewSchema } },
  },
  {
    method: 'get',
    path: '/authorisations/{id}',
    tags: ['faces'],
    roles: READERS,
    params: idParams,
    errors: [404],
    summary: 'One authorisation with its frozen watchlist (subject ids, sha256)',
    responses: { 200: { description: 'The authorisation', schema: authorisationViewSchema } },
  },
  {
    method: 'patch',
    path: '/authorisations/{id}',
    tags: ['faces'],
    roles: ['admin'],
    params: idParams,
    errors: [400, 404, 409],
    summary: 'Change reference, cameras, districts or end time; refreeze the watchlist; with why, audited',
    body: { schema: authorisationChangeBody },
    responses: { 200: { description: 'The authorisation after the change', schema: authorisationViewSchema } },
  },
  {
    method: 'post',
    path: '/authorisations/{id}/end',
    tags: ['faces'],
    roles: ['admin'],
    params: idParams,
    errors: [400, 404, 409],
    summary: 'End an authorisation now, with a reason; audited',
    body: { schema: authorisationEndBody },
    responses: { 200: { description: 'The ended authorisation', schema: authorisationViewSchema } },
  },
  {
    method: 'post',
    path: '/faces/search',
    tags: ['faces', 'search'],
    roles: ['admin', 'investigator'],
    errors: [400, 422],
    summary:
      "Search stored face sightings (within retention) by photo, in the searcher's scope; purpose required, audited",
    body: { schema: searchForm, contentType: 'multipart/form-data' },
    responses: { 200: { description: 'The best matches above faces.search.minScore', schema: faceSearchSchema } },
  },
  {
    method: 'get',
    path: '/faces/sightings/{id}/crop.jpg',
    tags: ['faces'],
    roles: READERS,
    params: idParams,
    errors: [404],
    signedMedia: true,
    summary: 'The evidence crop of a stored face sighting',
    responses: { 200: { description: 'JPEG', contentType: 'image/jpeg' } },
  },
];

const footage: RouteDoc[] = [
  {
    method: 'get',
    path: '/footage/{camera}',
    tags: ['footage'],
    roles: READERS,
    params: cameraParams,
    query: rangeQuery,
    errors: [400, 404],
    summary:
      'The recorded segments of a camera between two times, with the holds keeping each; purpose or case required, audited',
    responses: { 200: { description: 'Segments, oldest first', schema: footageListSchema } },
  },
  {
    method: 'get',
    path: '/footage/{camera}/play',
    tags: ['footage'],
    roles: READERS,
    params: cameraParams,
    query: rangeQuery,
    errors: [400, 404],
    signedMedia: true,
    summary:
      'One MP4 of a camera between two times (range requests; at most recording.playMaxMinutes); purpose or case required, audited',
    responses: {
      200: { description: 'MP4; x-footage-start and x-footage-end name what it holds', contentType: 'video/mp4' },
      206: { description: 'A byte range', contentType: 'video/mp4' },
    },
  },
  {
    method: 'get',
    path: '/segments/{id}',
    tags: ['footage'],
    roles: READERS,
    params: z.object({ id: z.string().describe('Segment number') }),
    query: footageWhyQuery,
    errors: [400, 404],
    signedMedia: true,
    summary: 'One recorded segment file; purpose or case required, audited',
    responses: {
      200: { description: 'MPEG-TS', contentType: 'video/mp2t' },
      206: { description: 'A byte range', contentType: 'video/mp2t' },
    },
  },
  {
    method: 'post',
    path: '/exports',
    tags: ['footage'],
    roles: READERS,
    errors: [400, 404],
    summary:
      'Export clips of cameras between two times (a job; see GET /exports/{id}); purpose or case required, audited',
    body: { schema: exportBody },
    responses: { 202: { description: 'The export, queued', schema: exportViewSchema } },
  },
  {
    method: 'get',
    path: '/exports/{id}',
    tags: ['footage'],
    roles: READERS,
    params: idParams,
    errors: [404],
    summary: 'An export: progress, files and, once done, its manifest',
    responses: { 200: { description: 'The export', schema: exportDetailSchema } },
  },
  {
    method: 'get',
    path: '/exports/{id}/files/{name}',
    tags: ['footage'],
    roles: READERS,
    params: z.object({ id: z.string(), name: z.string().describe('A file of the export, or manifest.json') }),
    errors: [404],
    signedMedia: true,
    summary: 'A file of a done export (range requests); the download is audited',
    responses: {
      200: { description: 'MP4 or the JSON manifest', contentType: 'video/mp4' },
      206: { description: 'A byte range', contentType: 'video/mp4' },
    },
  },
  {
    method: 'post',
    path: '/exports/{id}/release',
    tags: ['footage'],
    roles: CASEWORK,
    params: idParams,
    errors: [400, 404, 409],
    summary: 'Release an export to whoever asked for it, with a reason (retention may then remove its files); audited',
    body: { schema: reasonBody },
    responses: { 200: { description: 'The released export', schema: exportViewSchema } },
  },
  {
    method: 'post',
    path: '/cases',
    tags: ['cases'],
    roles: CASEWORK,
    errors: [400, 409],
    summary: 'Open a case (number, title); audited',
    body: { schema: caseBody },
    responses: { 201: { description: 'The case', schema: caseViewSchema } },
  },
  {
    method: 'get',
    path: '/cases/{id}',
    tags: ['cases'],
    roles: CASEWORK,
    params: caseParams,
    errors: [404],
    summary: 'A case and what is filed under it: searches, alerts, bookmarks, exports; the view is audited',
    responses: { 200: { description: 'The case file', schema: caseFileSchema } },
  },
  {
    method: 'post',
    path: '/cases/{id}/bookmarks',
    tags: ['cases'],
    roles: CASEWORK,
    params: caseParams,
    errors: [400, 404],
    summary:
      'Bookmark footage under an open case; it is held from retention while the case is open; audited (one transaction)',
    body: { schema: bookmarkBody },
    responses: { 201: { description: 'The bookmark', schema: caseItemViewSchema } },
  },
  {
    method: 'post',
    path: '/cases/{id}/alerts',
    tags: ['cases'],
    roles: CASEWORK,
    params: caseParams,
    errors: [400, 404],
    summary: 'File an alert under an open case, holding the footage around it; audited (one transaction)',
    body: { schema: alertLinkBody },
    responses: { 201: { description: 'The filed alert', schema: caseItemViewSchema } },
  },
  {
    method: 'post',
    path: '/cases/{id}/close',
    tags: ['cases'],
    roles: CASEWORK,
    params: caseParams,
    errors: [400, 404],
    summary: 'Close a case with a reason, releasing the holds of everything filed under it; audited (one transaction)',
    body: { schema: reasonBody },
    responses: { 200: { description: 'The closed case', schema: caseClosedSchema } },
  },
];

export const docs: RouteDoc[] = [...faces, ...footage];
