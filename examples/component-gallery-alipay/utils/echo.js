// Turns what a handler received into the text a page shows, so that scenarios can read it
// from the screen. Keys are sorted, so the text does not depend on the order a platform
// builds an object in.

function sorted(value) {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === 'object') {
    const out = {};
    Object.keys(value)
      .sort()
      .forEach((key) => {
        out[key] = sorted(value[key]);
      });
    return out;
  }
  return value;
}

/** JSON text of `value` with its object keys sorted. */
function json(value) {
  return JSON.stringify(sorted(value === undefined ? null : value));
}

/** The fields `names` of `detail` (those it has), as JSON text. */
function pick(detail, names) {
  const out = {};
  names.forEach((name) => {
    if (detail && detail[name] !== undefined) out[name] = detail[name];
  });
  return json(out);
}

/** The names of the fields of `detail`, sorted and joined by commas. */
function keys(detail) {
  return Object.keys(detail || {})
    .sort()
    .join(',');
}

module.exports = { json, pick, keys };
