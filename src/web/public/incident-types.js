// The incident types the command room picks from, as this server is configured (GET /incidents/types, from
// incidents.types), each with the severity it gets by default. Read once per page and shared by the call-in
// form and the tour wall's raise form, so a city's own types appear without a change to the page.
import { api } from './api.js';
import { h } from './dom.js';

let types = [];
let loading = null;

/** Fetches the types once; a failed fetch is tried again on the next call. */
export function loadIncidentTypes() {
  loading ??= api('/incidents/types').then(
    (r) => void (types = r.types),
    (err) => {
      loading = null;
      throw err;
    },
  );
  return loading;
}

/** The type and severity selects of a raise form: picking a type sets the severity to that type's default. */
export function typeAndSeverity(severityWord, attrs = {}) {
  const first = types[0]?.defaultSeverity ?? 1;
  const severity = h(
    'select',
    { name: 'severity', ...attrs.severity },
    [1, 2, 3, 4, 5].map((s) => h('option', { value: s, selected: s === first }, `${severityWord} ${s}`)),
  );
  const type = h(
    'select',
    {
      name: 'type',
      ...attrs.type,
      onchange: (ev) => {
        const t = types.find((x) => x.name === ev.target.value);
        if (t) severity.value = String(t.defaultSeverity);
      },
    },
    types.map((t) => h('option', { value: t.name }, t.name)),
  );
  return [type, severity];
}
