/** A small RFC 4180 CSV reader: quoted fields, doubled quotes, newlines inside quotes, CRLF. */
export function parseCsv(input: string): { line: number; cells: string[] }[] {
  const rows: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      cells.push(cell);
      if (cells.some((c) => c !== '')) rows.push({ line: rowLine, cells });
      cells = [];
      cell = '';
      line++;
      rowLine = line;
    } else cell += ch;
  }
  if (quoted) throw new Error(`CSV ends inside a quoted field that starts on line ${rowLine}`);
  cells.push(cell);
  if (cells.some((c) => c !== '')) rows.push({ line: rowLine, cells });
  return rows;
}

/** Turns CSV text into records keyed by the header row. */
export function csvRecords(input: string): { row: number; record: Record<string, string> }[] {
  const [header, ...rows] = parseCsv(input);
  if (!header) return [];
  const names = header.cells.map((h) => h.trim());
  return rows.map(({ line, cells }) => ({
    row: line,
    record: Object.fromEntries(names.map((name, i) => [name, cells[i] ?? ''])),
  }));
}
