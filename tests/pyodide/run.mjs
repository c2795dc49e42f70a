// Boot Pyodide from local files, install mlworth-xl in it and run a batch of MLWORTH_* calls.
//
//   node tests/pyodide/run.mjs request.json
//
// request.json: {"runtime": dir of the npm package pyodide@0.27.7 with the Pyodide wheels,
//   "packages": Pyodide packages to load from there (numpy, pandas, micropip),
//   "wheels": pure wheels for micropip in install order (mlworth-xl last),
//   "runner": path of tests/pyodide/runner.py, "calls": the batch (see runner.py)}.
// Prints one JSON object on stdout: {"timings": seconds per step, "platform", "first" (the
// result of MLWORTH_PAYBACK()), "meta" (what xlwings registers), "results"}; Pyodide's own
// output goes to stderr.  Nothing is fetched from a network: loadPackage reads the wheels
// that pyodide-lock.json names from the runtime directory, and micropip installs from
// emfs: paths, with the dependencies it needs already installed.
import { readFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const request = JSON.parse(readFileSync(process.argv[2], "utf8"));
const runtime = resolve(request.runtime) + "/";
const { loadPyodide } = await import(pathToFileURL(runtime + "pyodide.mjs").href);
const timings = {};
let t = performance.now();
const step = (name) => {
  const now = performance.now();
  timings[name] = (now - t) / 1000;
  t = now;
};
const quiet = (s) => process.stderr.write(s + "\n");

const pyodide = await loadPyodide({ indexURL: runtime, stdout: quiet, stderr: quiet });
step("boot");
await pyodide.loadPackage(request.packages, { messageCallback: quiet, errorCallback: quiet });
step("load_packages");
pyodide.FS.mkdirTree("/tmp/wheels");
const urls = request.wheels.map((path) => {
  const target = "/tmp/wheels/" + basename(path);
  pyodide.FS.writeFile(target, readFileSync(path));
  return "emfs:" + target;
});
pyodide.globals.set("WHEELS", pyodide.toPy(urls));
await pyodide.runPythonAsync(`
import micropip
for url in WHEELS:  # one by one: each one's dependencies are installed before it
    await micropip.install(url)
`);
step("install");
pyodide.FS.mkdirTree("/tmp/runner");
pyodide.FS.writeFile("/tmp/runner/mlworth_runner.py", readFileSync(request.runner, "utf8"));
pyodide.runPython(`
import json, sys
sys.path.insert(0, "/tmp/runner")
from mlworth_runner import encode, meta, office_js, platform, run_batch, setup
office_js()
`);
step("import_xlwings");
pyodide.runPython("udfs = setup()");
step("import_udfs");
const first = pyodide.runPython("json.dumps(encode(udfs.MLWORTH_PAYBACK()))");
step("first_call");
pyodide.globals.set("CALLS", JSON.stringify(request.calls));
const results = await pyodide.runPythonAsync(
  "json.dumps({'platform': platform(), 'meta': meta(),\n            'results': await run_batch(json.loads(CALLS))})");
step("calls");
const out = JSON.parse(results);
process.stdout.write(JSON.stringify({ timings, first: JSON.parse(first), ...out }) + "\n");
