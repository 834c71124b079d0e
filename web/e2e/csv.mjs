/** Parse CSV text (RFC 4180 quoting, any line ending) into arrays of fields. */
export function parseCsvRows(text) {
  const rows = [];
  let row = [];
  let field = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') q = false;
      else field += c;
    } else if (c === '"') q = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      field = '';
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
    } else field += c;
  }
  if (field || row.length) row.push(field), rows.push(row);
  return rows;
}

/** Parse CSV text into objects keyed by the header row. */
export function parseCsv(text) {
  const [head, ...body] = parseCsvRows(text.replace(/^\uFEFF/, ''));
  return body.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
}
