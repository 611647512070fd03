// The region picker's data: China's provinces, their cities and their districts, with
// their administrative division codes (GB/T 2260, as the National Bureau of Statistics
// publishes them). Each entry is [name, code, children]; a city's and a district's code is
// the last two digits, after its parent's. Municipalities' "市辖区" is named after the city,
// as the platforms show it. The build puts regions.json here as REGIONS_JSON (text), parsed
// the first time a region picker opens; the runtime reads the same file for headless pickers.
let regionTree = null;
// [[name, six-digit code, children]] for every level, parsed once.
function regions() {
  if (regionTree) return regionTree;
  const expand = (entries, prefix) =>
    entries.map(([name, code, children]) => {
      const full = prefix + code;
      return [name, full.padEnd(6, "0"), expand(children || [], full)];
    });
  regionTree = expand(JSON.parse(REGIONS_JSON), "");
  return regionTree;
}
